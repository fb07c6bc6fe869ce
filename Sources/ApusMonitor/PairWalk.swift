/// One merge walk over two sorted samples that yields what the exact comparison of a numeric
/// feature needs from the pooled order: the Kolmogorov–Smirnov statistic, the Wasserstein
/// distance and the number of distinct values. The same arithmetic as
/// `KolmogorovSmirnov.statistic` and `Wasserstein.distance(sorted:_:)`, in one pass instead of three.
struct PairWalk {
    /// sup |F₁ − F₂| (right-continuous empirical CDFs).
    let ksStatistic: Double
    /// ∫ |F₁ − F₂| dx.
    let wasserstein: Double
    /// Distinct values of both samples together.
    let distinct: Int

    init(_ a: SortedSample, _ b: SortedSample) {
        let n1 = Double(a.values.count), n2 = Double(b.values.count)
        var maxS = 0.0, minS = 0.0, total = 0.0, distinct = 0
        a.values.withUnsafeBufferPointer { x in
            b.values.withUnsafeBufferPointer { y in
                var i = 0, j = 0
                var previous = Swift.min(x[0], y[0])
                while i < x.count || j < y.count {
                    let v: Double
                    if i < x.count && j < y.count { v = Swift.min(x[i], y[j]) } else if i < x.count { v = x[i] } else { v = y[j] }
                    total += abs(Double(i) / n1 - Double(j) / n2) * (v - previous)
                    previous = v
                    while i < x.count && x[i] <= v { i &+= 1 }
                    while j < y.count && y[j] <= v { j &+= 1 }
                    distinct &+= 1
                    let diff = Double(i) / n1 - Double(j) / n2
                    if diff > maxS { maxS = diff }
                    if -diff > minS { minS = -diff }
                }
            }
        }
        minS = Swift.min(minS, 1)
        ksStatistic = minS > maxS ? minS : maxS
        wasserstein = total
        self.distinct = distinct
    }
}
