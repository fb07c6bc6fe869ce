import ApusTable

/// How one feature's values fall into histogram bins. Bin 0 always holds missing
/// values, so a split can send them either way.
///
/// Numeric features: bin `b >= 1` holds values in `(upperBounds[b − 2], upperBounds[b − 1]]`,
/// the last bound being +∞; bounds sit midway between neighbouring sampled values, as
/// LightGBM's do, so a split "bin <= b" is the real-valued split "value <= upperBounds[b − 1]".
/// Categorical features: one bin per frequent level (most frequent first), and one bin
/// for the rare levels grouped together (levels beyond the bin budget, or seen fewer than
/// `min_data_in_bin` times).
struct BinMapper: Sendable {
    let isCategorical: Bool
    /// Bins including the missing bin; at most 256.
    let binCount: Int
    /// Numeric: the upper bound of each value bin (bin `b` has `upperBounds[b − 1]`).
    let upperBounds: [Double]
    /// Categorical: the bin of each level code.
    let binOfLevel: [UInt8]
    /// Categorical: the level codes in each bin (empty for bin 0).
    let levelsOfBin: [[Int]]
    /// Categorical: the bin of the grouped rare levels, if any (levels unseen in training
    /// are routed as this bin is).
    let rareBin: Int?

    /// A numeric mapper from sampled values (missing values excluded).
    ///
    /// Distinct values each get a bin while they fit in `maxBin`; otherwise bins are
    /// closed greedily at equal counts of the remaining values, so a very frequent value
    /// gets a bin of its own. A bin holds at least `minDataInBin` sampled values.
    static func numeric(sortedSample values: [Double], maxBin: Int, minDataInBin: Int) -> BinMapper {
        var distinct: [Double] = [], counts: [Int] = []
        for value in values {
            if let last = distinct.last, last == value { counts[counts.count - 1] += 1 } else {
                distinct.append(value)
                counts.append(1)
            }
        }
        var bounds: [Double] = []
        var remaining = values.count
        var inBin = 0
        for index in distinct.indices {
            inBin += counts[index]
            remaining -= counts[index]
            guard index + 1 < distinct.count else { break }
            let binsLeft = maxBin - bounds.count - 1
            guard binsLeft > 0 else { break }
            let target = distinct.count <= maxBin ? 0 : (inBin + remaining) / (binsLeft + 1)
            // Close the bin when it is full enough and what is left can still fill one.
            if inBin >= max(minDataInBin, target), remaining >= minDataInBin {
                bounds.append(midpoint(distinct[index], distinct[index + 1]))
                inBin = 0
            }
        }
        bounds.append(.infinity)
        return BinMapper(isCategorical: false, binCount: bounds.count + 1, upperBounds: bounds,
                         binOfLevel: [], levelsOfBin: [], rareBin: nil)
    }

    /// A categorical mapper from each level's row count.
    static func categorical(levelCounts: [Int], maxBin: Int, minDataInBin: Int) -> BinMapper {
        let order = levelCounts.indices.filter { levelCounts[$0] > 0 }
            .sorted { levelCounts[$0] != levelCounts[$1] ? levelCounts[$0] > levelCounts[$1] : $0 < $1 }
        // Room for the missing bin and a rare bin.
        let ownBins = order.prefix(maxBin - 1).filter { levelCounts[$0] >= minDataInBin }
        var levelsOfBin: [[Int]] = [[]] + ownBins.map { [$0] }
        var binOfLevel = [UInt8](repeating: 0, count: levelCounts.count)
        for (bin, levels) in levelsOfBin.enumerated() { for level in levels { binOfLevel[level] = UInt8(bin) } }
        let rare = levelCounts.indices.filter { binOfLevel[$0] == 0 }
        var rareBin: Int?
        if !rare.isEmpty {
            rareBin = levelsOfBin.count
            for level in rare { binOfLevel[level] = UInt8(levelsOfBin.count) }
            levelsOfBin.append(rare)
        }
        return BinMapper(isCategorical: true, binCount: levelsOfBin.count, upperBounds: [],
                         binOfLevel: binOfLevel, levelsOfBin: levelsOfBin, rareBin: rareBin)
    }

    /// The bin of a numeric value.
    @inline(__always)
    func bin(of value: Double) -> UInt8 {
        if value.isNaN { return 0 }
        var low = 0, high = upperBounds.count - 1
        while low < high {
            let middle = (low + high) >> 1
            if value <= upperBounds[middle] { high = middle } else { low = middle + 1 }
        }
        return UInt8(low + 1)
    }
}

/// A point between `a < b` that `a` is at or below and `b` above.
private func midpoint(_ a: Double, _ b: Double) -> Double {
    let middle = a / 2 + b / 2
    return middle < b && middle >= a ? middle : a
}
