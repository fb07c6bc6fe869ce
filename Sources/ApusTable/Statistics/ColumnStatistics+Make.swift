/// Assembling statistics from counted or accumulated parts; shared by the in-memory and
/// the streaming profile so that both give the same fields for the same kind.
extension ColumnStatistics {
    /// Statistics of a numeric or timestamp column.
    /// - Parameters:
    ///   - sorted: the non-missing values (or a sample of them), ascending.
    ///   - distinct: number of distinct non-missing values.
    ///   - approximate: the fields that are estimates.
    static func makeNumeric(
        name: String, kind: ColumnKind, count: Int, moments: Moments,
        sorted: [Double], distinct: Int, approximate: [Estimate] = []
    ) -> ColumnStatistics {
        var statistics = ColumnStatistics(name: name, kind: kind, count: count, missing: count - moments.count)
        statistics.distinct = distinct
        statistics.approximate = approximate.isEmpty ? nil : approximate
        guard moments.count > 0 else { return statistics }
        statistics.mean = moments.meanIfDefined
        statistics.std = moments.sampleStandardDeviation
        statistics.min = moments.min
        statistics.max = moments.max
        statistics.quantiles = Quantiles.interpolated(sorted, at: quantileProbabilities).filter { !$0.value.isNaN }
        if kind == .timestamp {
            statistics.earliest = moments.min.isFinite ? TimestampParsing.iso8601(moments.min) : nil
            statistics.latest = moments.max.isFinite ? TimestampParsing.iso8601(moments.max) : nil
        }
        return statistics
    }

    /// Statistics of a categorical or text column.
    /// - Parameters:
    ///   - distinct: number of distinct non-missing values.
    ///   - topLevels: the most frequent values, best first.
    ///   - approximate: the fields that are estimates.
    static func makeLevels(
        name: String, kind: ColumnKind, count: Int, missing: Int,
        distinct: Int, topLevels: [LevelCount], approximate: [Estimate] = []
    ) -> ColumnStatistics {
        var statistics = ColumnStatistics(name: name, kind: kind, count: count, missing: missing)
        statistics.distinct = distinct
        statistics.topLevels = topLevels
        statistics.approximate = approximate.isEmpty ? nil : approximate
        return statistics
    }

    /// Statistics of a boolean column.
    static func makeBoolean(name: String, counts: LevelCounting.BooleanCounts) -> ColumnStatistics {
        let present = counts.falseTally.count + counts.trueTally.count
        var statistics = ColumnStatistics(
            name: name, kind: .boolean, count: present + counts.missing, missing: counts.missing)
        var selection = TopLevelSelection<Bool>()
        selection.consider(false, counts.falseTally)
        selection.consider(true, counts.trueTally)
        statistics.topLevels = selection.levelCounts { $0 ? "true" : "false" }
        statistics.distinct = selection.chosen.count
        statistics.trueCount = counts.trueTally.count
        statistics.trueRate = present > 0 ? Double(counts.trueTally.count) / Double(present) : nil
        return statistics
    }
}
