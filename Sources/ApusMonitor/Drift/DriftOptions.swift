/// Every setting of a drift comparison, declared once with its default and range. The command
/// line (`apus monitor`), the server and the docs derive from it.
public struct DriftOptions: Sendable, Equatable {
    /// How each feature's test is chosen (default `.apus`).
    public var policy: DriftPolicy = .apus
    /// A test forced on every feature (nil: chosen by `policy`). A numeric-only test
    /// (`ks`, `wasserstein`) falls back to chi-square on categorical features.
    public var test: DriftTest?
    /// The significance level of the hypothesis tests, in (0, 1). Default 0.05.
    public var alpha = 0.05
    /// The multiple-comparison correction (default Bonferroni; `.none` under the Evidently policy).
    public var correction: DriftCorrection = .bonferroni
    /// PSI at or above this is drift when PSI decides (default 0.1, Evidently's), and marks the
    /// `moderate` band; at or above `psiSignificant` the band is `significant`.
    public var psiThreshold = 0.1
    /// The start of PSI's `significant` band (default 0.25).
    public var psiSignificant = 0.25
    /// The normed Wasserstein distance at or above which a feature drifted (default 0.1).
    public var wassersteinThreshold = 0.1
    /// The Jensen–Shannon distance at or above which a feature drifted (default 0.1).
    public var jensenShannonThreshold = 0.1
    /// The share of drifted features at or above which the dataset drifted (default 0.5,
    /// Evidently's `drift_share`), in (0, 1].
    public var driftShare = 0.5
    /// Numeric features with at most this many distinct values (both samples together) are
    /// compared as levels (chi-square or Z-test), as Evidently does. Default 5, at least 2.
    public var lowCardinality = 5
    /// Up to this many reference rows the Evidently policy uses p-value tests (default 1,000).
    public var smallSampleRows = 1_000

    /// The defaults.
    public init() {}

    /// Evidently's `DataDriftPreset` settings: its policy, no correction.
    public static var evidently: DriftOptions {
        var options = DriftOptions()
        options.policy = .evidently
        options.correction = .none
        return options
    }

    /// Checks every value's range; the error names the setting.
    public func validate() throws(DriftError) {
        func check(_ ok: Bool, _ name: String, _ value: Double) throws(DriftError) {
            if !ok { throw .invalidParameter(name: name, value: value) }
        }
        try check(alpha > 0 && alpha < 1, "alpha", alpha)
        try check(psiThreshold > 0 && psiThreshold.isFinite, "psi_threshold", psiThreshold)
        try check(psiSignificant >= psiThreshold && psiSignificant.isFinite, "psi_significant", psiSignificant)
        try check(wassersteinThreshold > 0 && wassersteinThreshold.isFinite, "wasserstein_threshold", wassersteinThreshold)
        try check(jensenShannonThreshold > 0 && jensenShannonThreshold <= 1, "js_threshold", jensenShannonThreshold)
        try check(driftShare > 0 && driftShare <= 1, "drift_share", driftShare)
        try check(lowCardinality >= 2, "low_cardinality", Double(lowCardinality))
        try check(smallSampleRows >= 0, "small_sample_rows", Double(smallSampleRows))
    }

    /// The test that decides a feature's drift: the forced `test`, else the policy's choice from
    /// the feature's type, distinct count (both samples) and reference size.
    public func chooseTest(numeric: Bool, distinct: Int, referenceRows: Int) -> DriftTest {
        let countsOnly = !numeric || distinct <= lowCardinality
        if let test {
            return test.needsNumericValues && countsOnly ? (distinct <= 2 ? .z : .chisquare) : test
        }
        switch policy {
        case .apus:
            return countsOnly ? (distinct <= 2 ? .z : .chisquare) : .ks
        case .evidently:
            if referenceRows <= smallSampleRows { return countsOnly ? (distinct <= 2 ? .z : .chisquare) : .ks }
            return countsOnly ? .jensenshannon : .wasserstein
        }
    }
}
