/// Summary statistics of one column, as shown by `apus data inspect`.
///
/// Fields that do not apply to the column's kind are `nil`, so JSON leaves them out; a
/// statistic that is undefined for the data (the mean of a column whose values are all
/// missing, the standard deviation of a single value) is `nil` too. A stored statistic
/// is never NaN.
///
/// | Field                   | numeric | timestamp | categorical | text | boolean |
/// |-------------------------|---------|-----------|-------------|------|---------|
/// | `mean`, `std`           | ✓       | ✓ (s)     |             |      |         |
/// | `min`, `max`, quantiles | ✓       | ✓ (s)     |             |      |         |
/// | `earliest`, `latest`    |         | ✓         |             |      |         |
/// | `distinct`              | ✓       | ✓         | ✓           | ✓    | ✓       |
/// | `topLevels`             |         |           | ✓           | ✓    | ✓       |
/// | `trueCount`, `trueRate` |         |           |             |      | ✓       |
public struct ColumnStatistics: Sendable, Codable, Equatable {
    /// The probabilities at which `quantiles` are given: 5th, 25th, 50th (median),
    /// 75th and 95th percentiles.
    public static let quantileProbabilities: [Double] = [0.05, 0.25, 0.5, 0.75, 0.95]

    /// The number of most frequent values kept in `topLevels`.
    public static let topLevelLimit = 5

    /// One quantile: the value below which a fraction `probability` of the values lie.
    public struct Quantile: Sendable, Codable, Equatable {
        /// The fraction, in [0, 1].
        public var probability: Double
        /// The quantile, by linear interpolation between order statistics
        /// (numpy's default `method="linear"`, pandas' `quantile`).
        public var value: Double

        public init(probability: Double, value: Double) {
            self.probability = probability
            self.value = value
        }
    }

    /// A field that a streaming profile may estimate.
    public enum Estimate: String, Sendable, Codable, CaseIterable {
        /// `quantiles`, read from a sample.
        case quantiles
        /// `distinct`, from a HyperLogLog sketch.
        case distinct
        /// The counts in `topLevels`, from a frequent-items summary.
        case topLevels
    }

    /// One distinct value and the number of rows that hold it.
    public struct LevelCount: Sendable, Codable, Equatable {
        /// The value as text (`true` / `false` for boolean columns).
        public var value: String
        /// Number of rows holding `value`.
        public var count: Int

        public init(value: String, count: Int) {
            self.value = value
            self.count = count
        }
    }

    /// The column's name.
    public var name: String
    /// The kind of values the column holds.
    public var kind: ColumnKind
    /// Number of rows, missing values included.
    public var count: Int
    /// Number of missing values.
    public var missing: Int
    /// Arithmetic mean of the non-missing values (seconds since the epoch for timestamps).
    public var mean: Double?
    /// Sample standard deviation (divisor n − 1, as pandas' `std`); `nil` below two values.
    public var std: Double?
    /// Smallest non-missing value (seconds since the epoch for timestamps).
    public var min: Double?
    /// Largest non-missing value (seconds since the epoch for timestamps).
    public var max: Double?
    /// Quantiles at `quantileProbabilities`.
    public var quantiles: [Quantile]?
    /// Number of distinct non-missing values.
    public var distinct: Int?
    /// Up to `topLevelLimit` most frequent values, by count descending, then by first
    /// appearance.
    public var topLevels: [LevelCount]?
    /// The earliest timestamp, in ISO 8601 (`2024-03-01T12:30:00Z`).
    public var earliest: String?
    /// The latest timestamp, in ISO 8601.
    public var latest: String?
    /// Number of `true` values of a boolean column.
    public var trueCount: Int?
    /// `trueCount` over the non-missing values; `nil` when all are missing.
    public var trueRate: Double?
    /// The fields that are estimates rather than exact (streaming profiles of large
    /// inputs), in declaration order; `nil` when every field is exact.
    public var approximate: [Estimate]?

    /// Statistics holding only the fields every kind has; the others are `nil`.
    public init(name: String, kind: ColumnKind, count: Int, missing: Int) {
        self.name = name
        self.kind = kind
        self.count = count
        self.missing = missing
    }

    /// Number of non-missing values.
    public var nonMissing: Int { count - missing }

    /// The quantile at `probability`, when it is one of `quantileProbabilities`.
    public func quantile(_ probability: Double) -> Double? {
        quantiles?.first { $0.probability == probability }?.value
    }

    /// The median (50th percentile).
    public var median: Double? { quantile(0.5) }

    /// Whether `field` is an estimate.
    public func isApproximate(_ field: Estimate) -> Bool {
        approximate?.contains(field) ?? false
    }
}
