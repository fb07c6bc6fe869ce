/// Count, mean, sum of squared deviations, minimum and maximum of a set of numbers,
/// mergeable across parts (Chan, Golub and LeVeque's parallel formula).
///
/// Missing values (NaN) are skipped. The sum of squared deviations `m2` gives the sample
/// variance `m2 / (count - 1)`.
struct Moments: Sendable, Equatable {
    /// Number of non-missing values.
    var count = 0
    /// Their mean; 0 when `count` is 0.
    var mean = 0.0
    /// Sum of squared deviations from `mean`.
    var m2 = 0.0
    /// Smallest value; +∞ when `count` is 0.
    var min = Double.infinity
    /// Largest value; −∞ when `count` is 0.
    var max = -Double.infinity

    /// Values summed per block before they join the running total, which keeps the
    /// rounding error of long sums near that of pairwise summation.
    private static let blockLength = 1024

    init() {}

    /// The moments of the non-NaN values in `values`, by two passes: the mean first, then
    /// the squared deviations with the compensating term of Björck's corrected two-pass
    /// algorithm.
    /// - Complexity: O(n), two passes.
    init(_ values: UnsafeBufferPointer<Double>) {
        let (sum, count, low, high) = Self.firstPass(values)
        guard count > 0 else { return }
        let mean = sum / Double(count)
        self.count = count
        self.mean = mean
        self.m2 = Self.squaredDeviations(values, from: mean, count: count)
        self.min = low
        self.max = high
    }

    /// Sum, count, minimum and maximum of the non-NaN values.
    private static func firstPass(_ values: UnsafeBufferPointer<Double>) -> (Double, Int, Double, Double) {
        var total = 0.0, count = 0, low = Double.infinity, high = -Double.infinity
        var start = 0
        while start < values.count {
            let end = Swift.min(start + blockLength, values.count)
            var block = 0.0
            for index in start..<end {
                let x = values[index]
                let present = !x.isNaN
                block += present ? x : 0
                count &+= present ? 1 : 0
                low = x < low ? x : low
                high = x > high ? x : high
            }
            total += block
            start = end
        }
        return (total, count, low, high)
    }

    /// Σ(x − mean)² − (Σ(x − mean))² / n over the non-NaN values.
    private static func squaredDeviations(_ values: UnsafeBufferPointer<Double>, from mean: Double, count: Int) -> Double {
        var squares = 0.0, deviations = 0.0
        for x in values {
            let present = !x.isNaN
            let d = present ? x - mean : 0
            squares += d * d
            deviations += d
        }
        let m2 = squares - deviations * deviations / Double(count)
        return m2 < 0 ? 0 : m2  // keeps NaN (from infinite values) as NaN
    }

    /// The moments of the union of the values behind `self` and `other`.
    func merged(with other: Moments) -> Moments {
        if other.count == 0 { return self }
        if count == 0 { return other }
        var result = Moments()
        let n = count + other.count
        let delta = other.mean - mean
        let weight = Double(other.count) / Double(n)
        result.count = n
        result.mean = mean + delta * weight
        result.m2 = m2 + other.m2 + delta * delta * Double(count) * weight
        result.min = Swift.min(min, other.min)
        result.max = Swift.max(max, other.max)
        return result
    }

    /// The mean, or `nil` when there are no values or it is not a number.
    var meanIfDefined: Double? { count > 0 && !mean.isNaN ? mean : nil }

    /// The sample standard deviation (n − 1), or `nil` below two values or when undefined.
    var sampleStandardDeviation: Double? {
        guard count > 1 else { return nil }
        let value = (m2 / Double(count - 1)).squareRoot()
        return value.isNaN ? nil : value
    }
}
