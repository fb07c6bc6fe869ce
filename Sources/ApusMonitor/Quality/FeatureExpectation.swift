import ApusModel

/// What training saw of one model feature: the yardstick the current data is checked
/// against. A plain value, filled from the model's stored reference profile.
public struct FeatureExpectation: Sendable, Equatable, Codable {
    /// The feature (and column) name.
    public var name: String
    /// How the model reads the feature. The model's schema decides; an expectation whose
    /// kind differs from the schema's is treated as stale and not used for the range and
    /// level checks.
    public var kind: FeatureKind
    /// The smallest non-missing training value (numeric features); `nil` when unknown.
    public var minimum: Double?
    /// The largest non-missing training value (numeric features); `nil` when unknown.
    public var maximum: Double?
    /// The share of training rows where the feature was missing, 0...1.
    public var missingRate: Double
    /// The number of training rows `missingRate` was measured on (the missing-rate test
    /// needs it); 0 when unknown, which leaves only the absolute threshold.
    public var trainingRows: Int
    /// The levels training saw (categorical features). Empty means "the model's schema
    /// levels".
    public var levels: [String]

    public init(name: String, kind: FeatureKind, minimum: Double? = nil, maximum: Double? = nil,
                missingRate: Double = 0, trainingRows: Int = 0, levels: [String] = []) {
        self.name = name
        self.kind = kind
        self.minimum = minimum
        self.maximum = maximum
        self.missingRate = missingRate
        self.trainingRows = trainingRows
        self.levels = levels
    }
}

/// Thresholds of the data-quality checks.
public struct QualityOptions: Sendable, Equatable {
    /// The rise in missing share (absolute, current − training) a feature must exceed to be
    /// flagged. Defaults to 0.05 (five percentage points).
    public var maxMissingIncrease: Double
    /// The one-sided two-proportion z-test p-value the rise must also fall below.
    /// Defaults to 0.01.
    public var missingPValue: Double
    /// The most unseen levels a finding names. Defaults to 5.
    public var maxExampleLevels: Int
    /// The most extra column names a finding lists. Defaults to 20.
    public var maxListedColumns: Int
    /// Whether to look for duplicated rows (the one check over every column). Defaults to true.
    public var checksDuplicates: Bool

    public init(maxMissingIncrease: Double = 0.05, missingPValue: Double = 0.01, maxExampleLevels: Int = 5,
                maxListedColumns: Int = 20, checksDuplicates: Bool = true) {
        self.maxMissingIncrease = maxMissingIncrease
        self.missingPValue = missingPValue
        self.maxExampleLevels = maxExampleLevels
        self.maxListedColumns = maxListedColumns
        self.checksDuplicates = checksDuplicates
    }
}
