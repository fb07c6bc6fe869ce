#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The population stability index with its usual bands.
public struct PSIResult: Sendable, Equatable {
    /// How large the shift is: below 0.1 stable, 0.1 to 0.25 moderate, 0.25 and above significant.
    public enum Band: String, Sendable { case stable, moderate, significant }
    public let value: Double
    public let band: Band
}

/// Drift measures on binned (or categorical) counts.
public enum BinnedDrift {
    /// The proportion that replaces an empty bin in PSI: Evidently's 0.0001.
    public static let defaultEmptyBinProportion = 0.0001

    /// PSI = Σ (pᵣ − p꜀) · ln(pᵣ / p꜀) over bins, with pᵣ and p꜀ the reference and current
    /// proportions. An empty bin's proportion becomes `emptyBinProportion`, or, as Evidently
    /// does, the smallest non-zero proportion divided by 10⁶ when that is smaller than it.
    public static func psi(reference: [Double], current: [Double],
                           emptyBinProportion: Double = defaultEmptyBinProportion,
                           moderate: Double = 0.1, significant: Double = 0.25) throws(DriftError) -> PSIResult {
        let (p, q) = try proportions(reference, current)
        guard emptyBinProportion > 0 && emptyBinProportion < 1 else {
            throw .invalidParameter(name: "emptyBinProportion", value: emptyBinProportion)
        }
        let fillP = fill(p, emptyBinProportion), fillQ = fill(q, emptyBinProportion)
        var value = 0.0
        for i in p.indices {
            let a = p[i] == 0 ? fillP : p[i], b = q[i] == 0 ? fillQ : q[i]
            value += (a - b) * log(a / b)
        }
        let band: PSIResult.Band = value >= significant ? .significant : value >= moderate ? .moderate : .stable
        return PSIResult(value: value, band: band)
    }

    /// The Jensen–Shannon distance √(½ KL(p‖m) + ½ KL(q‖m)), m = (p + q)/2, of the normalised
    /// counts, as `scipy.spatial.distance.jensenshannon(p, q, base)` computes it (natural logarithm
    /// when `base` is nil; base 2 bounds it by 1).
    public static func jensenShannon(reference: [Double], current: [Double], base: Double? = nil) throws(DriftError) -> Double {
        let (p, q) = try proportions(reference, current)
        if let base, !(base > 0 && base != 1) { throw .invalidParameter(name: "base", value: base) }
        var divergence = 0.0
        for i in p.indices {
            let m = (p[i] + q[i]) / 2
            if p[i] > 0 { divergence += p[i] * log(p[i] / m) }
            if q[i] > 0 { divergence += q[i] * log(q[i] / m) }
        }
        if let base { divergence /= log(base) }
        return (max(divergence, 0) / 2).squareRoot()
    }

    static func proportions(_ reference: [Double], _ current: [Double]) throws(DriftError) -> ([Double], [Double]) {
        guard reference.count == current.count else {
            throw .mismatchedCategories(reference: reference.count, current: current.count)
        }
        let r = try validatedTotal(reference, argument: "reference")
        let c = try validatedTotal(current, argument: "current")
        if r == 0 { throw .zeroTotal(argument: "reference") }
        if c == 0 { throw .zeroTotal(argument: "current") }
        return (reference.map { $0 / r }, current.map { $0 / c })
    }

    static func fill(_ p: [Double], _ epsilon: Double) -> Double {
        var smallest = Double.infinity
        for v in p where v > 0 { smallest = min(smallest, v) }
        return smallest <= epsilon ? smallest / 1e6 : epsilon
    }

    /// The number of bins `numpy.histogram_bin_edges(concat, bins='sturges')` makes for the pooled
    /// samples (NaN removed): width = range / (log₂ N + 1), bins = ⌈range / width⌉, at least 1.
    /// Evidently bins numeric columns with more than 20 distinct reference values this way for PSI.
    public static func sturgesBinCount(reference: [Double], current: [Double]) throws(DriftError) -> Int {
        var count = 0, low = Double.infinity, high = -Double.infinity
        for x in reference where !x.isNaN { count += 1; low = min(low, x); high = max(high, x) }
        if count == 0 { throw .emptySample(argument: "reference", missing: reference.count) }
        let referenceCount = count
        for x in current where !x.isNaN { count += 1; low = min(low, x); high = max(high, x) }
        if count == referenceCount { throw .emptySample(argument: "current", missing: current.count) }
        let range = high - low
        let width = range / (log2(Double(count)) + 1)
        guard width > 0 else { return 1 }
        return max(Int((range / width).rounded(.up)), 1)
    }

    /// The Sturges bin count of samples already sorted with their missing values removed.
    public static func sturgesBinCount(_ a: SortedSample, _ b: SortedSample) -> Int {
        let count = a.values.count + b.values.count
        let low = min(a.values[0], b.values[0])
        let high = max(a.values[a.values.count - 1], b.values[b.values.count - 1])
        let range = high - low
        let width = range / (log2(Double(count)) + 1)
        guard width > 0 else { return 1 }
        return max(Int((range / width).rounded(.up)), 1)
    }

    /// Counts of both samples (NaN values removed) over `bins` equal-width bins spanning the pooled
    /// range, as `numpy.histogram_bin_edges(concat, bins)` and `numpy.histogram` make them (last
    /// bin closed; a constant sample spans value ± 0.5).
    public static func histogram(reference: [Double], current: [Double], bins: Int) throws(DriftError)
        -> (edges: [Double], reference: [Double], current: [Double]) {
        guard bins > 0 else { throw .invalidParameter(name: "bins", value: Double(bins)) }
        return histogram(try SortedSample(reference, argument: "reference"), try SortedSample(current, argument: "current"), bins: bins)
    }

    /// The same histogram of samples already sorted with their missing values removed: each bin's
    /// count is found by binary search for its edges (numpy's index correction makes bin i exactly
    /// the values in [edgeᵢ, edgeᵢ₊₁), the last bin closed), so it costs O(bins · log n).
    public static func histogram(_ a: SortedSample, _ b: SortedSample, bins: Int) -> (edges: [Double], reference: [Double], current: [Double]) {
        let bins = max(bins, 1)
        var low = min(a.values[0], b.values[0])
        var high = max(a.values[a.values.count - 1], b.values[b.values.count - 1])
        if low == high { low -= 0.5; high += 0.5 }
        let step = (high - low) / Double(bins)
        var edges = (0...bins).map { Double($0) * step + low }
        edges[bins] = high
        func counts(_ sample: SortedSample) -> [Double] {
            var result = [Double](repeating: 0, count: bins)
            var below = 0
            for bin in 0..<bins {
                let next = bin == bins - 1 ? sample.values.count : sample.countBelow(edges[bin + 1])
                result[bin] = Double(next - below)
                below = next
            }
            return result
        }
        return (edges, counts(a), counts(b))
    }
}
