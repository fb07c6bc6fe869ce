extension PartialDependence {
    /// scikit-learn's numeric grid (`_grid_from_X`) over the non-missing values: the
    /// distinct values when fewer than `gridSize`, else `numpy.linspace` between the
    /// `mquantiles` at the two percentiles.
    static func numericGrid(_ column: [Double], options: Options) throws(ExplainError) -> [Double] {
        let sorted = column.filter { !$0.isNaN }.sorted()
        var distinct: [Double] = []
        for value in sorted where distinct.last != value { distinct.append(value) }
        if distinct.count < options.gridSize { return distinct }
        let low = mquantile(sorted, options.lowerPercentile), high = mquantile(sorted, options.upperPercentile)
        // numpy.allclose's test: |a − b| ≤ 1e-8 + 1e-5 · |b|.
        guard abs(low - high) > 1e-8 + 1e-5 * abs(high) else {
            throw ExplainError("the percentiles \(options.lowerPercentile) and \(options.upperPercentile) of the feature are too close to make a grid")
        }
        let step = (high - low) / Double(options.gridSize - 1)
        var grid = (0..<options.gridSize).map { Double($0) * step + low }
        grid[grid.count - 1] = high
        return grid
    }

    /// `scipy.stats.mstats.mquantiles` with its defaults (alphap = betap = 0.4) of sorted values.
    static func mquantile(_ sorted: [Double], _ probability: Double) -> Double {
        let n = sorted.count
        guard n > 1 else { return sorted.first ?? .nan }
        let m = 0.4 + probability * (1 - 0.4 - 0.4)
        let aleph = Double(n) * probability + m
        let k = Int(min(max(aleph, 1), Double(n - 1)).rounded(.down))
        let gamma = min(max(aleph - Double(k), 0), 1)
        return (1 - gamma) * sorted[k - 1] + gamma * sorted[k]
    }

    /// Every level code present in the column, ascending (missing values and unseen
    /// levels are not levels).
    static func levelGrid(_ column: [Double]) -> [Double] {
        var codes = Set<Double>()
        for value in column where !value.isNaN && value >= 0 { codes.insert(value) }
        return codes.sorted()
    }

    /// `count` distinct rows of `rows`, drawn with the seed, ascending (all rows when
    /// `count` ≥ `rows`).
    static func sampleRows(_ rows: Int, count: Int, seed: UInt64) -> [Int] {
        guard count < rows else { return Array(0..<rows) }
        var generator = SeededGenerator(seed: seed)
        var order = Array(0..<rows)
        for index in 0..<count { order.swapAt(index, index + generator.nextInt(below: rows - index)) }
        return order[0..<count].sorted()
    }
}
