import ApusTable

/// A sample with its missing values removed and its values sorted ascending.
public struct SortedSample: Sendable {
    /// The present values, ascending.
    public let values: [Double]
    /// How many missing (NaN) values were removed.
    public let missing: Int

    /// Drops NaN values (counting them) and sorts the rest (radix sort on the bits, O(n));
    /// throws when nothing is left. `argument` names the sample in the error.
    public init(_ raw: UnsafeBufferPointer<Double>, argument: String) throws(DriftError) {
        var kept = [Double](unsafeUninitializedCapacity: raw.count) { buffer, initialized in
            var count = 0
            for value in raw where !value.isNaN {
                buffer[count] = value
                count &+= 1
            }
            initialized = count
        }
        let missing = raw.count - kept.count
        if kept.isEmpty { throw .emptySample(argument: argument, missing: missing) }
        RadixSort.sort(&kept)
        values = kept
        self.missing = missing
    }

    /// Drops NaN values (counting them) and sorts the rest.
    public init(_ raw: [Double], argument: String) throws(DriftError) {
        let result: Result<SortedSample, DriftError> = raw.withUnsafeBufferPointer { buffer in
            do throws(DriftError) { return .success(try SortedSample(buffer, argument: argument)) } catch { return .failure(error) }
        }
        self = try result.get()
    }

    /// The mean and population standard deviation of the values (two passes).
    public var meanAndDeviation: (mean: Double, deviation: Double) {
        var sum = 0.0
        for v in values { sum += v }
        let mean = sum / Double(values.count)
        var squares = 0.0
        for v in values { squares += (v - mean) * (v - mean) }
        return (mean, (squares / Double(values.count)).squareRoot())
    }

    /// How many values are below `x` (binary search).
    func countBelow(_ x: Double) -> Int {
        var low = 0, high = values.count
        while low < high {
            let mid = (low + high) / 2
            if values[mid] < x { low = mid + 1 } else { high = mid }
        }
        return low
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
