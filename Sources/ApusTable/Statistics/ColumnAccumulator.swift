/// The streaming state of one column: exact moments and counts, a quantile sample and a
/// distinct counter, in memory that does not grow with the number of rows.
struct ColumnAccumulator: Sendable {
    /// The column's name and kind, fixed by the first batch.
    let field: Schema.Field
    /// Rows seen.
    private(set) var rows = 0
    private var numbers: NumericAccumulator?
    private var levels: LevelAccumulator?
    private var booleans: LevelCounting.BooleanCounts?

    /// An empty accumulator for `field`.
    /// - Parameter seed: the seed of this column's quantile sample.
    init(field: Schema.Field, configuration: StreamingProfiler.Configuration, seed: UInt64) {
        self.field = field
        switch field.kind {
        case .numeric, .timestamp: numbers = NumericAccumulator(configuration: configuration, seed: seed)
        case .categorical: levels = LevelAccumulator(limit: nil)
        case .text: levels = LevelAccumulator(limit: configuration.textLevelLimit)
        case .boolean: booleans = LevelCounting.BooleanCounts()
        }
    }

    /// Adds the rows of `column`, whose first row is row `rowOffset` of the stream.
    /// - Precondition: `column.kind == field.kind`.
    mutating func add(_ column: Column, rowOffset: Int) {
        precondition(column.kind == field.kind, "column `\(field.name)` changed kind")
        rows += column.count
        switch column {
        case .numeric(let values): values.storage.withUnsafeBufferPointer { numbers!.add($0) }
        case .timestamp(let values): values.storage.withUnsafeBufferPointer { numbers!.add($0) }
        case .categorical(let values): addCategorical(values, rowOffset: rowOffset)
        case .text(let values): addText(values, rowOffset: rowOffset)
        case .boolean(let values): addBoolean(values, rowOffset: rowOffset)
        }
    }

    private mutating func addCategorical(_ column: CategoricalColumn, rowOffset: Int) {
        let counts = LevelCounting.count(column)
        levels!.missing += counts.missing
        for (code, level) in column.levels.enumerated() where counts.counts[code] > 0 {
            let tally = LevelTally(count: counts.counts[code], firstRow: rowOffset + counts.firstRows[code])
            levels!.add(level, tally, hash: StableHash.hash(level))
        }
    }

    private mutating func addText(_ column: TextColumn, rowOffset: Int) {
        let counter = ByteStringCounter(column)
        levels!.missing += counter.missing
        for entry in counter.entries {
            let tally = LevelTally(count: entry.tally.count, firstRow: rowOffset + entry.tally.firstRow)
            levels!.add(ByteStringCounter.text(of: entry, in: column), tally, hash: entry.hash)
        }
    }

    private mutating func addBoolean(_ column: BooleanColumn, rowOffset: Int) {
        let batch = LevelCounting.count(column)
        booleans!.missing += batch.missing
        Self.merge(batch.falseTally, into: &booleans!.falseTally, rowOffset: rowOffset)
        Self.merge(batch.trueTally, into: &booleans!.trueTally, rowOffset: rowOffset)
    }

    private static func merge(_ batch: LevelTally, into total: inout LevelTally, rowOffset: Int) {
        guard batch.count > 0 else { return }
        if total.count == 0 { total.firstRow = rowOffset + batch.firstRow }
        total.count += batch.count
    }

    /// The statistics of the rows seen so far.
    func statistics() -> ColumnStatistics {
        if let numbers { return numbers.statistics(name: field.name, kind: field.kind, rows: rows) }
        if let booleans { return ColumnStatistics.makeBoolean(name: field.name, counts: booleans) }
        let levels = levels!
        return ColumnStatistics.makeLevels(
            name: field.name, kind: field.kind, count: rows, missing: levels.missing,
            distinct: levels.distinctCount, topLevels: levels.topLevels,
            approximate: levels.isExact ? [] : [.distinct, .topLevels])
    }
}

/// Streaming state of a numeric or timestamp column.
struct NumericAccumulator: Sendable {
    private var moments = Moments()
    private var sample: ReservoirSample
    private var distinct: DistinctCounter

    init(configuration: StreamingProfiler.Configuration, seed: UInt64) {
        sample = ReservoirSample(capacity: configuration.sampleSize, seed: seed)
        distinct = DistinctCounter(exactLimit: configuration.exactDistinctLimit)
    }

    /// Adds a batch of values (NaN = missing).
    mutating func add(_ values: UnsafeBufferPointer<Double>) {
        moments = moments.merged(with: Moments(values))
        for x in values where !x.isNaN {
            sample.add(x)
            distinct.insert(x)
        }
    }

    /// Statistics over `rows` rows; quantiles come from the sample.
    func statistics(name: String, kind: ColumnKind, rows: Int) -> ColumnStatistics {
        ColumnStatistics.makeNumeric(
            name: name, kind: kind, count: rows, moments: moments, sorted: sample.values.sorted(),
            distinct: distinct.count, approximate: estimates)
    }

    private var estimates: [ColumnStatistics.Estimate] {
        (sample.isComplete ? [] : [.quantiles]) + (distinct.isExact ? [] : [.distinct])
    }
}
