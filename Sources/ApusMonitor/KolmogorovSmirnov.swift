/// The two-sample Kolmogorov–Smirnov test, two-sided, as `scipy.stats.ks_2samp(a, b)` computes it
/// with `method='auto'`: exact when both samples have at most 10,000 values, otherwise the
/// one-sample Kolmogorov distribution at n = round(m·n / (m + n)).
public struct KolmogorovSmirnovResult: Sendable, Equatable {
    /// Which p-value computation ran.
    public enum Method: String, Sendable { case exact, asymptotic }
    /// The largest absolute difference between the two empirical CDFs.
    public let statistic: Double
    /// The two-sided p-value.
    public let pValue: Double
    public let method: Method
    /// Values used (after removing NaN) and NaN values removed, per sample.
    public let referenceCount: Int
    public let currentCount: Int
    public let referenceMissing: Int
    public let currentMissing: Int
}

public enum KolmogorovSmirnov {
    /// scipy's `MAX_AUTO_N`: above this sample size `auto` switches to the asymptotic p-value.
    public static let maxExactSampleSize = 10_000

    /// Compares `reference` with `current` (NaN values are missing: removed and counted).
    /// Sorts both samples once: O(n log n), no per-value allocation.
    public static func test(reference: [Double], current: [Double]) throws(DriftError) -> KolmogorovSmirnovResult {
        test(try SortedSample(reference, argument: "reference"), try SortedSample(current, argument: "current"))
    }

    /// The test on samples already sorted with their missing values removed.
    public static func test(_ a: SortedSample, _ b: SortedSample) -> KolmogorovSmirnovResult {
        test(a, b, statistic: statistic(a.values, b.values))
    }

    /// The test with the statistic already measured (by `PairWalk`).
    static func test(_ a: SortedSample, _ b: SortedSample, statistic measured: Double) -> KolmogorovSmirnovResult {
        let n1 = a.values.count, n2 = b.values.count
        var d = measured
        var pValue = Double.nan
        var method = KolmogorovSmirnovResult.Method.asymptotic
        if max(n1, n2) <= maxExactSampleSize {
            let g = gcd(n1, n2)
            let lcm = Double((n1 / g) * n2)
            let h = (d * lcm).rounded(.toNearestOrEven)
            d = h / lcm
            if h == 0 {
                pValue = 1
                method = .exact
            } else {
                let p = n1 == n2 ? ExactSmirnov.outsideSquare(n: n1, h: Int(h))
                                 : ExactSmirnov.outsideBand(n1, n2, g: g, h: Int(h))
                if p.isFinite && p >= 0 && p <= 1 {
                    pValue = p
                    method = .exact
                }
            }
        }
        if method == .asymptotic {
            let m = Double(max(n1, n2)), n = Double(min(n1, n2))
            let effective = (m * n / (m + n)).rounded(.toNearestOrEven)
            pValue = KolmogorovDistribution.survival(n: Int(effective), x: d)
        }
        return KolmogorovSmirnovResult(
            statistic: d, pValue: min(max(pValue, 0), 1), method: method,
            referenceCount: n1, currentCount: n2, referenceMissing: a.missing, currentMissing: b.missing)
    }

    /// sup |F₁ − F₂| over the pooled values, with right-continuous empirical CDFs (scipy's
    /// `searchsorted(side='right')`), by one merge walk over the two sorted samples.
    static func statistic(_ a: [Double], _ b: [Double]) -> Double {
        let n1 = Double(a.count), n2 = Double(b.count)
        var maxS = 0.0, minS = 0.0
        a.withUnsafeBufferPointer { x in
            b.withUnsafeBufferPointer { y in
                var i = 0, j = 0
                while i < x.count || j < y.count {
                    let v: Double
                    if i < x.count && j < y.count { v = min(x[i], y[j]) } else if i < x.count { v = x[i] } else { v = y[j] }
                    while i < x.count && x[i] <= v { i += 1 }
                    while j < y.count && y[j] <= v { j += 1 }
                    let diff = Double(i) / n1 - Double(j) / n2
                    if diff > maxS { maxS = diff }
                    if -diff > minS { minS = -diff }
                }
            }
        }
        minS = min(minS, 1)
        return minS > maxS ? minS : maxS
    }

    static func gcd(_ a: Int, _ b: Int) -> Int {
        var (x, y) = (a, b)
        while y != 0 { (x, y) = (y, x % y) }
        return x
    }
}
