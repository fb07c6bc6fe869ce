/// The drift statistics of one feature. Each is present where it applies: the distribution
/// tests and distances on numeric features, the level tests on categorical ones and on numeric
/// features with few distinct values; PSI and Jensen–Shannon on both.
public struct DriftStatistics: Sendable, Equatable {
    /// Population stability index on the bins or levels, and its band.
    public var psi: Double?
    public var psiBand: PSIResult.Band?
    /// Two-sample Kolmogorov–Smirnov statistic and p-value (scipy's `ks_2samp`, method auto).
    public var ksStatistic: Double?
    public var ksPValue: Double?
    /// Wasserstein distance (scipy's) and Evidently's normed form.
    public var wasserstein: Double?
    public var wassersteinNormed: Double?
    /// Jensen–Shannon distance (natural logarithm, scipy's default).
    public var jsDistance: Double?
    /// Chi-square test of homogeneity (scipy's `chi2_contingency`) and Cramér's V.
    public var chi2Statistic: Double?
    public var chi2PValue: Double?
    public var cramersV: Double?
    /// Two-proportion Z-test (two levels only).
    public var zStatistic: Double?
    public var zPValue: Double?

    /// No statistics yet.
    public init() {}

    /// The value a test's verdict reads.
    public func score(of test: DriftTest) -> Double? {
        switch test {
        case .ks: ksPValue
        case .chisquare: chi2PValue
        case .z: zPValue
        case .wasserstein: wassersteinNormed
        case .jensenshannon: jsDistance
        case .psi: psi
        }
    }
}

/// What one sample of a feature looked like.
public struct SampleSummary: Sendable, Equatable {
    /// Present (non-missing) values.
    public var count: Int
    /// Missing values.
    public var missing: Int
    /// Mean, population standard deviation, minimum and maximum (numeric features).
    public var mean: Double?
    public var deviation: Double?
    public var minimum: Double?
    public var maximum: Double?
    /// Distinct present values (levels for categorical features); nil when unknown (a sketch).
    public var distinct: Int?

    /// A summary; see the properties.
    public init(count: Int, missing: Int, mean: Double? = nil, deviation: Double? = nil,
                minimum: Double? = nil, maximum: Double? = nil, distinct: Int? = nil) {
        self.count = count
        self.missing = missing
        self.mean = mean
        self.deviation = deviation
        self.minimum = minimum
        self.maximum = maximum
        self.distinct = distinct
    }

    /// The share of values that are missing (0 when there are none at all).
    public var missingShare: Double { count + missing == 0 ? 0 : Double(missing) / Double(count + missing) }
}

/// The two distributions side by side, for the report's plots: proportions per bin (numeric,
/// `edges` has one more element than the proportions) or per level (`levels`).
public struct DriftDistribution: Sendable, Equatable {
    public var edges: [Double]
    public var levels: [String]
    public var reference: [Double]
    public var current: [Double]

    /// A distribution; see the properties.
    public init(edges: [Double] = [], levels: [String] = [], reference: [Double], current: [Double]) {
        self.edges = edges
        self.levels = levels
        self.reference = reference
        self.current = current
    }
}

/// The drift verdict of one feature (or of the predictions), with every statistic behind it.
public struct FeatureDrift: Sendable, Equatable {
    /// How the feature is compared.
    public enum Kind: String, Sendable, Codable { case numeric, categorical }

    /// The feature's name.
    public var name: String
    public var kind: Kind
    /// The test that decided, or nil when the feature could not be compared (see `note`).
    public var test: DriftTest?
    /// The threshold the verdict used: α after correction for p-values, else the distance's.
    public var threshold: Double?
    /// The value compared with the threshold.
    public var score: Double?
    /// True when the feature drifted.
    public var drifted: Bool
    /// True when the statistics come from sketches of a stored profile rather than both samples.
    public var approximate: Bool
    public var statistics: DriftStatistics
    public var reference: SampleSummary
    public var current: SampleSummary
    public var distribution: DriftDistribution?
    /// Why the feature was not compared, or what to know about its numbers.
    public var note: String?

    /// A verdict; see the properties.
    public init(name: String, kind: Kind, test: DriftTest?, threshold: Double?, score: Double?, drifted: Bool,
                approximate: Bool, statistics: DriftStatistics, reference: SampleSummary, current: SampleSummary,
                distribution: DriftDistribution?, note: String? = nil) {
        self.name = name
        self.kind = kind
        self.test = test
        self.threshold = threshold
        self.score = score
        self.drifted = drifted
        self.approximate = approximate
        self.statistics = statistics
        self.reference = reference
        self.current = current
        self.distribution = distribution
        self.note = note
    }

    /// A feature that could not be compared, with the reason in `note`.
    public static func notCompared(name: String, kind: Kind, note: String,
                                   reference: SampleSummary = SampleSummary(count: 0, missing: 0),
                                   current: SampleSummary = SampleSummary(count: 0, missing: 0)) -> FeatureDrift {
        FeatureDrift(name: name, kind: kind, test: nil, threshold: nil, score: nil, drifted: false, approximate: false,
                     statistics: DriftStatistics(), reference: reference, current: current, distribution: nil, note: note)
    }
}
