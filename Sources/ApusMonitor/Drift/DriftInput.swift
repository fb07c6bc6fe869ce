import ApusModel
import ApusTable

/// Counts per level of a categorical sample (or of a numeric one with few distinct values).
public struct LevelCounts: Sendable, Equatable {
    /// The level names, aligned with `counts`.
    public var levels: [String]
    /// How many values have each level.
    public var counts: [Double]
    /// Missing values.
    public var missing: Int

    /// Counts; see the properties.
    public init(levels: [String], counts: [Double], missing: Int) {
        self.levels = levels
        self.counts = counts
        self.missing = missing
    }

    /// Counts of `values` (nil is missing), levels in first-seen order.
    public init(_ values: [String?]) {
        var index: [String: Int] = [:]
        var levels: [String] = [], counts: [Double] = [], missing = 0
        for value in values {
            guard let value else { missing += 1; continue }
            if let at = index[value] {
                counts[at] += 1
            } else {
                index[value] = levels.count
                levels.append(value)
                counts.append(1)
            }
        }
        self.init(levels: levels, counts: counts, missing: missing)
    }

    /// Counts of a table's categorical column: one pass over the codes.
    public init(_ column: CategoricalColumn) {
        var counts = [Double](repeating: 0, count: column.levels.count)
        var missing = 0
        column.codes.withUnsafeBufferPointer { codes in
            for code in codes {
                if code == CategoricalColumn.missingCode || Int(code) >= counts.count { missing &+= 1 } else { counts[Int(code)] += 1 }
            }
        }
        self.init(levels: column.levels, counts: counts, missing: missing)
    }

    /// The present values.
    public var total: Double { counts.reduce(0, +) }

    /// A number as a level name: integers without a fraction (`3`, not `3.0`), others in their
    /// shortest form.
    public static func name(of value: Double) -> String { FeatureSchema.levelText(of: value) }

    /// Both samples' counts over the union of their levels: the reference's levels in order, then
    /// the current's new ones. A level absent from one side counts 0 there.
    public static func aligned(_ reference: LevelCounts, _ current: LevelCounts)
        -> (levels: [String], reference: [Double], current: [Double]) {
        var position: [String: Int] = [:]
        var levels: [String] = []
        var ref: [Double] = [], cur: [Double] = []
        for (level, count) in zip(reference.levels, reference.counts) {
            if let at = position[level] { ref[at] += count; continue }
            position[level] = levels.count
            levels.append(level)
            ref.append(count)
            cur.append(0)
        }
        for (level, count) in zip(current.levels, current.counts) {
            if let at = position[level] { cur[at] += count; continue }
            position[level] = levels.count
            levels.append(level)
            ref.append(0)
            cur.append(count)
        }
        return (levels, ref, cur)
    }
}

/// One sample of a feature, as the drift analysis takes it.
public enum DriftInput: Sendable {
    /// Numbers in a table's column storage (NaN is missing), read without a copy.
    case column(ColumnBuffer<Double>)
    /// Numbers (NaN is missing).
    case values([Double])
    /// Level counts.
    case levels(LevelCounts)

    /// True for numbers.
    public var isNumeric: Bool {
        if case .levels = self { return false }
        return true
    }

    /// All values, present or not.
    var rowCount: Int {
        switch self {
        case .column(let buffer): buffer.count
        case .values(let values): values.count
        case .levels(let counts): Int(counts.total) + counts.missing
        }
    }

    /// The sorted present values (numbers only).
    func sorted(argument: String) throws(DriftError) -> SortedSample {
        switch self {
        case .column(let buffer):
            let result: Result<SortedSample, DriftError> = buffer.withUnsafeBufferPointer { values in
                do throws(DriftError) { return .success(try SortedSample(values, argument: argument)) } catch { return .failure(error) }
            }
            return try result.get()
        case .values(let values):
            return try SortedSample(values, argument: argument)
        case .levels:
            return try SortedSample([], argument: argument)
        }
    }
}
