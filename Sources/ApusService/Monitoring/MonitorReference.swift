import ApusModel
import ApusMonitor
import ApusStore
import ApusTable
import Foundation

/// The reference training stored for monitoring: the run's `reference-profile.json` and
/// `reference-sample.csv` artifacts, found from a registry version's run, or, for a model file,
/// from the run that stored those exact bytes as its `model.apus`.
enum MonitorReference {
    static let profileArtifact = "reference-profile.json"
    static let sampleArtifact = "reference-sample.csv"

    static func encode(_ profile: ReferenceProfile) throws -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return try encoder.encode(profile)
    }

    static func decode(_ data: Data) throws -> ReferenceProfile {
        try JSONDecoder().decode(ReferenceProfile.self, from: data)
    }

    /// The stored profile (and sample, when stored and `sample` is true) of the run that
    /// trained `resolved`.
    static func load(_ resolved: ResolvedModel, store: any Store, sample readSample: Bool = true) throws -> (profile: ReferenceProfile, sample: Table?, runID: String) {
        let runID: String
        if let version = resolved.version {
            guard let id = version.runID else {
                throw ServiceError("monitor: \(version.model)/\(version.version) was not trained by a recorded run, so it has no stored reference profile: give --reference FILE.csv")
            }
            runID = id
        } else {
            let hash = try Fingerprint.sha256(ofFileAt: resolved.path)
            guard let id = try store.runs(withArtifact: hash, named: "model.apus").last else {
                throw ServiceError("monitor: no run in \(store.location) trained the model file \(resolved.path), so it has no stored reference profile: give --reference FILE.csv")
            }
            runID = id
        }
        let run = try store.run(runID)
        guard let hash = run.artifacts[profileArtifact], let artifact = try store.artifact(sha256: hash) else {
            throw ServiceError("monitor: run \(runID) stored no reference profile (it was trained before Apus recorded them): give --reference FILE.csv")
        }
        let profile: ReferenceProfile
        do {
            profile = try decode(try Data(contentsOf: URL(fileURLWithPath: try store.verifiedArtifactPath(artifact))))
        } catch {
            throw ServiceError("monitor: the reference profile of run \(runID) cannot be read: \(error)")
        }
        var sample: Table?
        if readSample, let hash = run.artifacts[sampleArtifact], let artifact = try store.artifact(sha256: hash) {
            sample = try? CSVReader.read(path: try store.verifiedArtifactPath(artifact)).table
        }
        return (profile, sample, runID)
    }
}
