import ApusTrain

/// Facts about this build of Apus, for front ends that do not import the learners.
public enum ApusBuild {
    /// The Apus version (what `apus --version`-like output and the server's metadata report).
    public static let version = apusVersion
}
