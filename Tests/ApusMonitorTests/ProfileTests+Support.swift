import ApusTable
@testable import ApusMonitor
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Deterministic samples for the profile tests (SplitMix64, Box–Muller).
struct ProfileSamples {
    var generator: SplitMix64

    init(seed: UInt64) { generator = SplitMix64(state: seed) }

    mutating func next() -> UInt64 { generator.next() }

    /// Uniform in (0, 1).
    mutating func uniform() -> Double { (Double(next() >> 11) + 0.5) / 9_007_199_254_740_992 }

    mutating func normal() -> Double {
        (-2 * log(uniform())).squareRoot() * cos(2 * Double.pi * uniform())
    }

    /// `count` values of a named distribution.
    static func values(_ distribution: String, count: Int, seed: UInt64, shift: Double = 0) -> [Double] {
        var random = ProfileSamples(seed: seed)
        return (0..<count).map { index in
            switch distribution {
            case "uniform": return random.uniform() + shift
            case "lognormal": return exp(random.normal()) + shift
            case "ties": return Double(Int(random.uniform() * 7)) + shift  // 7 values, heavy ties
            case "ascending": return Double(index) + shift  // sorted input
            default: return random.normal() + shift
            }
        }
    }

    /// The largest |sketch rank − true rank| over every distinct value (both CDFs are right-
    /// continuous steps that jump only at data values, so this is the supremum over all x).
    static func maxRankError(_ sketch: QuantileSketch, _ values: [Double]) -> Double {
        var sorted = values.filter { !$0.isNaN }
        RadixSort.sort(&sorted)
        let points = sketch.cdfPoints
        let n = Double(sorted.count)
        var worst = 0.0, j = 0, estimate = 0.0, i = 0
        while i < sorted.count {
            let v = sorted[i]
            while i < sorted.count && sorted[i] == v { i += 1 }
            while j < points.count && points[j].value <= v { estimate = points[j].rank; j += 1 }
            worst = max(worst, abs(estimate - Double(i) / n))
        }
        return worst
    }
}
