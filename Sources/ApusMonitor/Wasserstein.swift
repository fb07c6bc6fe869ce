/// The first Wasserstein (earth mover's) distance between two samples.
public enum Wasserstein {
    /// ∫ |F_reference − F_current| dx over the pooled values, as `scipy.stats.wasserstein_distance(u, v)`
    /// computes it for unweighted samples. NaN values are removed.
    public static func distance(reference: [Double], current: [Double]) throws(DriftError) -> Double {
        let a = try SortedSample(reference, argument: "reference")
        let b = try SortedSample(current, argument: "current")
        return distance(sorted: a.values, b.values)
    }

    /// Evidently's normalised form: the distance divided by the reference's population standard
    /// deviation, or by 0.001 when that is smaller. Evidently's default drift threshold is 0.1.
    public static func normalizedDistance(reference: [Double], current: [Double]) throws(DriftError) -> Double {
        let a = try SortedSample(reference, argument: "reference")
        let b = try SortedSample(current, argument: "current")
        return normalized(distance(sorted: a.values, b.values), referenceDeviation: a.meanAndDeviation.deviation)
    }

    /// Evidently's normalisation of a distance: ÷ the reference's standard deviation, or ÷ 0.001
    /// when that is smaller.
    public static func normalized(_ distance: Double, referenceDeviation: Double) -> Double {
        distance / max(referenceDeviation, 0.001)
    }

    /// The distance between samples already sorted with their missing values removed.
    public static func distance(_ a: SortedSample, _ b: SortedSample) -> Double { distance(sorted: a.values, b.values) }

    static func distance(sorted x: [Double], _ y: [Double]) -> Double {
        let n1 = Double(x.count), n2 = Double(y.count)
        var i = 0, j = 0, total = 0.0
        // Between consecutive pooled values the two CDFs are constant.
        var previous = min(x[0], y[0])
        while i < x.count || j < y.count {
            let v: Double
            if i < x.count && j < y.count { v = min(x[i], y[j]) } else if i < x.count { v = x[i] } else { v = y[j] }
            total += abs(Double(i) / n1 - Double(j) / n2) * (v - previous)
            previous = v
            while i < x.count && x[i] <= v { i += 1 }
            while j < y.count && y[j] <= v { j += 1 }
        }
        return total
    }
}
