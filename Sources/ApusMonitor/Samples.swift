/// A sample with its missing values removed and its values sorted ascending.
struct SortedSample {
    let values: [Double]
    let missing: Int

    /// Drops NaN values (counting them) and sorts the rest; throws when nothing is left.
    init(_ raw: [Double], argument: String) throws(DriftError) {
        var kept = [Double]()
        kept.reserveCapacity(raw.count)
        for value in raw where !value.isNaN { kept.append(value) }
        let missing = raw.count - kept.count
        if kept.isEmpty { throw .emptySample(argument: argument, missing: missing) }
        kept.sort()
        values = kept
        self.missing = missing
    }
}

/// Checks that `counts` are finite and non-negative and returns their sum.
func validatedTotal(_ counts: [Double], argument: String) throws(DriftError) -> Double {
    var total = 0.0
    for (index, value) in counts.enumerated() where !(value.isFinite && value >= 0) {
        throw .invalidCount(argument: argument, index: index, value: value)
    }
    for value in counts { total += value }
    return total
}
