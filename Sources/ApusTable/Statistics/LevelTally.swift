/// How often one value occurs and where it first occurs.
struct LevelTally: Sendable, Equatable {
    /// Number of rows holding the value.
    var count: Int
    /// The first row (counted from the start of the data) that holds it.
    var firstRow: Int

    /// Whether `self` ranks before `other`: more rows first, then earlier first appearance.
    func ranks(before other: LevelTally) -> Bool {
        count != other.count ? count > other.count : firstRow < other.firstRow
    }
}

/// Picks the most frequent values without sorting all of them.
struct TopLevelSelection<Key> {
    private(set) var chosen: [(key: Key, tally: LevelTally)] = []
    let limit: Int

    init(limit: Int = ColumnStatistics.topLevelLimit) { self.limit = limit }

    /// Considers one value; keeps it when it ranks among the best `limit` so far.
    /// - Complexity: O(limit).
    mutating func consider(_ key: Key, _ tally: LevelTally) {
        guard tally.count > 0, limit > 0 else { return }
        if chosen.count == limit {
            guard tally.ranks(before: chosen[limit - 1].tally) else { return }
            chosen.removeLast()
        }
        var position = chosen.count
        while position > 0 && tally.ranks(before: chosen[position - 1].tally) { position -= 1 }
        chosen.insert((key, tally), at: position)
    }

    /// The chosen values as level counts, best first.
    func levelCounts(_ text: (Key) -> String) -> [ColumnStatistics.LevelCount] {
        chosen.map { ColumnStatistics.LevelCount(value: text($0.key), count: $0.tally.count) }
    }
}
