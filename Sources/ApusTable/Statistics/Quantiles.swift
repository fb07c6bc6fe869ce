/// Quantiles and distinct counts from sorted values.
enum Quantiles {
    /// The non-NaN values of `values`, sorted ascending.
    /// - Parameter presentCount: the number of non-NaN values (from `Moments`).
    /// - Complexity: O(n) (radix sort).
    static func sortedPresent(_ values: UnsafeBufferPointer<Double>, presentCount: Int) -> [Double] {
        var sorted = [Double](unsafeUninitializedCapacity: presentCount) { buffer, initialized in
            var next = 0
            for x in values where !x.isNaN {
                buffer[next] = x
                next &+= 1
            }
            precondition(next == presentCount, "present count does not match the values")
            initialized = next
        }
        RadixSort.sort(&sorted)
        return sorted
    }

    /// The quantiles of `sorted` at `probabilities`, by linear interpolation between the
    /// order statistics at positions `(n − 1) · p` (numpy's default, pandas' `quantile`).
    /// - Precondition: `sorted` is ascending and holds no NaN.
    static func interpolated(_ sorted: [Double], at probabilities: [Double]) -> [ColumnStatistics.Quantile] {
        guard !sorted.isEmpty else { return [] }
        return probabilities.map { p in
            let position = Double(sorted.count - 1) * p
            let below = Int(position.rounded(.down))
            let above = Swift.min(below + 1, sorted.count - 1)
            let value = lerp(sorted[below], sorted[above], position - Double(below))
            return ColumnStatistics.Quantile(probability: p, value: value)
        }
    }

    /// numpy's `_lerp`: interpolates from the nearer end so that the result is exact at
    /// both ends and monotone in `t`.
    static func lerp(_ a: Double, _ b: Double, _ t: Double) -> Double {
        if a == b { return a }
        let difference = b - a
        return t >= 0.5 ? b - difference * (1 - t) : a + difference * t
    }

    /// Number of distinct values in `sorted` (−0 and +0 count as one).
    static func distinctCount(_ sorted: [Double]) -> Int {
        sorted.withUnsafeBufferPointer { values in
            guard !values.isEmpty else { return 0 }
            var distinct = 1
            for index in 1..<values.count where values[index] != values[index - 1] {
                distinct &+= 1
            }
            return distinct
        }
    }
}
