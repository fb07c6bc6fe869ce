extension Table {
    /// Exact statistics of every column.
    ///
    /// Columns are profiled in parallel, one task per column; each column's statistics
    /// depend only on its values, so the result is the same whatever the scheduling.
    /// - Complexity: O(n log n) per numeric or timestamp column (quantiles and distinct
    ///   counts sort a copy of the non-missing values), O(n) for the other kinds.
    public func profile() -> TableProfile {
        let names = columnNames, columns = self.columns
        let statistics = Parallel.map(count: columns.count) { index in
            ColumnProfiling.statistics(of: columns[index], named: names[index])
        }
        return TableProfile(rows: rowCount, columns: statistics)
    }
}

/// Exact statistics of one in-memory column.
enum ColumnProfiling {
    /// The statistics of `column`, called `name`.
    static func statistics(of column: Column, named name: String) -> ColumnStatistics {
        switch column {
        case .numeric(let values): numeric(values.storage, named: name, kind: .numeric)
        case .timestamp(let values): numeric(values.storage, named: name, kind: .timestamp)
        case .categorical(let values): categorical(values, named: name)
        case .boolean(let values): ColumnStatistics.makeBoolean(name: name, counts: LevelCounting.count(values))
        case .text(let values): text(values, named: name)
        }
    }

    private static func numeric(_ storage: ColumnBuffer<Double>, named name: String, kind: ColumnKind) -> ColumnStatistics {
        storage.withUnsafeBufferPointer { values in
            let moments = Moments(values)
            let sorted = Quantiles.sortedPresent(values, presentCount: moments.count)
            return ColumnStatistics.makeNumeric(
                name: name, kind: kind, count: values.count, moments: moments,
                sorted: sorted, distinct: Quantiles.distinctCount(sorted))
        }
    }

    private static func categorical(_ column: CategoricalColumn, named name: String) -> ColumnStatistics {
        let counts = LevelCounting.count(column)
        var selection = TopLevelSelection<Int>()
        var distinct = 0
        for level in counts.counts.indices where counts.counts[level] > 0 {
            distinct += 1
            selection.consider(level, LevelTally(count: counts.counts[level], firstRow: counts.firstRows[level]))
        }
        return ColumnStatistics.makeLevels(
            name: name, kind: .categorical, count: column.count, missing: counts.missing,
            distinct: distinct, topLevels: selection.levelCounts { column.levels[$0] })
    }

    private static func text(_ column: TextColumn, named name: String) -> ColumnStatistics {
        let counter = ByteStringCounter(column)
        var selection = TopLevelSelection<Int>()
        for (index, entry) in counter.entries.enumerated() { selection.consider(index, entry.tally) }
        return ColumnStatistics.makeLevels(
            name: name, kind: .text, count: column.count, missing: counter.missing,
            distinct: counter.entries.count,
            topLevels: selection.levelCounts { ByteStringCounter.text(of: counter.entries[$0], in: column) })
    }
}
