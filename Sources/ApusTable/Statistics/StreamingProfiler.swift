/// Statistics of a table too large for memory, fed batch by batch.
///
/// ```swift
/// var profiler = StreamingProfiler()
/// for batch in batches { try profiler.add(batch) }
/// print(profiler.profile().renderText())
/// ```
///
/// Exact, as `Table.profile()` would give for all the rows at once: `count`, `missing`,
/// `min`, `max`, `trueCount`, `trueRate`; the counts and distinct count of categorical
/// columns; `mean` and `std` up to rounding (batches are merged with Chan's parallel
/// formula). Estimated, and then listed in the column's `approximate` and flagged by the
/// profile's, only once a column outgrows its budget:
///
/// - **quantiles** of numeric and timestamp columns come from a uniform sample of
///   `sampleSize` values (see `ReservoirSample`): exact while a column has at most that
///   many values; beyond it the rank error has standard deviation √(p(1 − p) / k), 0.39 %
///   of the rows at the median for the default k = 16,384.
/// - **distinct** counts of numeric, timestamp and text columns are exact up to
///   `exactDistinctLimit` (`textLevelLimit` for text), then a HyperLogLog estimate with
///   about 0.8 % relative standard error.
/// - **top levels** of text columns past `textLevelLimit` distinct values: counts may fall
///   short by at most rows / (`textLevelLimit` + 1) (Misra–Gries).
///
/// Memory per column does not depend on the number of rows: about 8 · `sampleSize` bytes
/// plus at most 32 · `exactDistinctLimit` bytes for a numeric column, and at most
/// 2 · `textLevelLimit` strings for a text column. Categorical columns keep one count per
/// level, as their in-memory storage does.
///
/// The result depends only on the rows and their order, not on the thread count nor on how
/// the rows are split into batches — apart from the rounding of `mean` and `std`, and the
/// top-level counts of text columns past their limit.
public struct StreamingProfiler: Sendable {
    /// Budgets and seed of a streaming profile.
    public struct Configuration: Sendable, Equatable {
        /// Values sampled per numeric or timestamp column for quantiles. Must be at least 1.
        /// Defaults to 16,384 (128 KiB per column).
        public var sampleSize: Int
        /// Distinct values counted exactly per numeric or timestamp column before the count
        /// is estimated. Must be at least 1. Defaults to 16,384.
        public var exactDistinctLimit: Int
        /// Distinct values counted exactly per text column before counts are estimated.
        /// Must be at least 1. Defaults to 4,096.
        public var textLevelLimit: Int
        /// Seed of the quantile samples. Defaults to 0x4150_5553 ("APUS").
        public var seed: UInt64

        public init(
            sampleSize: Int = 16_384, exactDistinctLimit: Int = 16_384,
            textLevelLimit: Int = 4_096, seed: UInt64 = 0x4150_5553
        ) {
            self.sampleSize = sampleSize
            self.exactDistinctLimit = exactDistinctLimit
            self.textLevelLimit = textLevelLimit
            self.seed = seed
        }
    }

    /// The budgets in use.
    public let configuration: Configuration
    /// The schema of the first batch, which every later batch must match; `nil` before it.
    public private(set) var schema: Schema?
    /// Rows added so far.
    public private(set) var rowCount = 0
    private var accumulators: [ColumnAccumulator] = []

    /// A profiler with no rows yet.
    /// - Precondition: every budget in `configuration` is at least 1.
    public init(configuration: Configuration = Configuration()) {
        precondition(configuration.sampleSize >= 1, "sampleSize must be at least 1")
        precondition(configuration.exactDistinctLimit >= 1, "exactDistinctLimit must be at least 1")
        precondition(configuration.textLevelLimit >= 1, "textLevelLimit must be at least 1")
        self.configuration = configuration
    }

    /// Adds the rows of `batch`, in order after those added before.
    /// - Throws: `ProfilingError.columnMismatch` naming the first column whose name or kind
    ///   differs from the first batch's; the profiler is then unchanged.
    /// - Complexity: O(rows · columns), the columns in parallel.
    public mutating func add(_ batch: Table) throws {
        let batchSchema = batch.schema
        if let schema {
            if let mismatch = ProfilingError.firstMismatch(found: batchSchema, expected: schema) { throw mismatch }
        } else {
            start(with: batchSchema)
        }
        guard batch.rowCount > 0 else { return }
        let columns = batch.columns, rowOffset = rowCount
        Parallel.forEach(&accumulators) { index, accumulator in
            accumulator.add(columns[index], rowOffset: rowOffset)
        }
        rowCount += batch.rowCount
    }

    private mutating func start(with schema: Schema) {
        self.schema = schema
        accumulators = schema.columns.enumerated().map { index, field in
            let seed = StableHash.mix(configuration.seed &+ UInt64(index))
            return ColumnAccumulator(field: field, configuration: configuration, seed: seed)
        }
    }

    /// The statistics of every row added so far.
    /// - Complexity: O(columns · sampleSize · log sampleSize), the columns in parallel.
    public func profile() -> TableProfile {
        let accumulators = self.accumulators
        let columns = Parallel.map(count: accumulators.count) { accumulators[$0].statistics() }
        return TableProfile(rows: rowCount, columns: columns)
    }
}
