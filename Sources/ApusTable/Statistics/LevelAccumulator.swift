/// Counts of the values of a categorical or text column across batches.
///
/// Without a limit (categorical columns) every count is exact and memory grows with the
/// number of distinct levels. With a limit (text columns) counts stay exact until more than
/// `limit` distinct values have been seen; from then on the distinct count is estimated
/// with `HyperLogLog`, and the table of counts is kept below 2 · `limit` entries by the
/// Misra–Gries frequent-items rule: when full, the (`limit` + 1)-th largest count is
/// subtracted from every count and values left at zero are dropped. A reported count then
/// falls short of the true one by at most `undercount`, which is at most
/// rows / (`limit` + 1); a value held by more rows than that is never dropped.
struct LevelAccumulator: Sendable {
    /// Most distinct values counted exactly; `nil` for no limit.
    let limit: Int?
    /// Count and first row per value.
    private(set) var tallies: [String: LevelTally] = [:]
    /// Number of missing rows.
    var missing = 0
    /// Largest amount by which a count may fall short of the truth.
    private(set) var undercount = 0
    /// The distinct-count sketch, present once the limit has been passed.
    private var sketch: HyperLogLog?

    init(limit: Int?) {
        precondition(limit.map { $0 > 0 } ?? true, "the level limit must be positive")
        self.limit = limit
    }

    /// Whether the counts and the distinct count are exact.
    var isExact: Bool { sketch == nil }

    /// Number of distinct non-missing values (an estimate once `isExact` is false).
    var distinctCount: Int { sketch?.estimate ?? tallies.count }

    /// Adds `tally.count` rows holding `level`, first seen at `tally.firstRow`.
    /// - Parameter hash: `StableHash.hash(level)`; read only when `limit` is set.
    mutating func add(_ level: String, _ tally: LevelTally, hash: @autoclosure () -> UInt64) {
        if sketch != nil { sketch!.insert(hash()) }
        if let index = tallies.index(forKey: level) {
            tallies.values[index].count += tally.count
        } else {
            tallies[level] = tally
        }
        guard let limit else { return }
        if sketch == nil && tallies.count > limit { startSketch() }
        if tallies.count >= 2 * limit { prune(keeping: limit) }
    }

    /// The most frequent values, best first.
    var topLevels: [ColumnStatistics.LevelCount] {
        var selection = TopLevelSelection<String>()
        for (level, tally) in tallies { selection.consider(level, tally) }
        return selection.levelCounts { $0 }
    }

    private mutating func startSketch() {
        var sketch = HyperLogLog()
        for level in tallies.keys { sketch.insert(StableHash.hash(level)) }
        self.sketch = sketch
    }

    private mutating func prune(keeping limit: Int) {
        let counts = tallies.values.map(\.count).sorted(by: >)
        let cut = counts[limit]
        undercount += cut
        tallies = tallies.compactMapValues { tally in
            tally.count > cut ? LevelTally(count: tally.count - cut, firstRow: tally.firstRow) : nil
        }
    }
}
