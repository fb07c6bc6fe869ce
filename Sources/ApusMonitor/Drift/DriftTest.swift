/// The test or distance that decides whether one feature drifted. The raw values match the
/// names Evidently's `stattest` parameter takes.
public enum DriftTest: String, Sendable, Codable, CaseIterable {
    /// Two-sample Kolmogorov–Smirnov: drift when the p-value is below the (corrected) α.
    case ks
    /// Chi-square test of homogeneity of the level counts: drift when p is below α.
    case chisquare
    /// Two-proportion Z-test, for two levels: drift when p is below α.
    case z
    /// Wasserstein distance ÷ the reference's standard deviation: drift at or above the threshold.
    case wasserstein
    /// Jensen–Shannon distance of the binned proportions: drift at or above the threshold.
    case jensenshannon
    /// Population stability index: drift at or above the threshold.
    case psi

    /// True for the tests whose verdict is a p-value below α (the others compare a distance).
    public var isHypothesisTest: Bool { self == .ks || self == .chisquare || self == .z }

    /// True for the tests that read numeric values (the others work on counts too).
    public var needsNumericValues: Bool { self == .ks || self == .wasserstein }
}

/// How the test for each feature is chosen when none is forced.
public enum DriftPolicy: String, Sendable, Codable, CaseIterable {
    /// Apus's default: the exact tests at every sample size (Kolmogorov–Smirnov for numeric
    /// features with more than `lowCardinality` distinct values, chi-square for the others, the
    /// Z-test for two levels), p-values Bonferroni-corrected over the features compared.
    case apus
    /// Evidently's `DataDriftPreset` choice: the same tests, uncorrected, up to `smallSampleRows`
    /// reference rows; above, the normed Wasserstein distance (numeric) and the Jensen–Shannon
    /// distance (the others), drift at 0.1.
    case evidently
}

/// How p-values of several features are corrected for multiple comparisons.
public enum DriftCorrection: String, Sendable, Codable, CaseIterable {
    /// α ÷ (number of features tested): the whole report false-alarms at most α of the time.
    case bonferroni
    /// Each feature at α (Evidently's behaviour).
    case none
}
