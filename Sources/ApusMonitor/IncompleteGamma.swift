#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Regularised incomplete gamma functions, for chi-square p-values.
enum IncompleteGamma {
    /// Q(a, x) = Γ(a, x) / Γ(a), the upper tail: a power series for P when x < a + 1 (where Q is
    /// not small, so 1 − P keeps its relative accuracy), otherwise the continued fraction for Q
    /// (modified Lentz), both to machine precision.
    static func upperRegularized(a: Double, x: Double) -> Double {
        guard a > 0, x >= 0, !x.isNaN else { return .nan }
        if x == 0 { return 1 }
        if x.isInfinite { return 0 }
        let logPrefactor = a * log(x) - x - logGamma(a)
        if x < a + 1 {
            var term = 1 / a, sum = term, ap = a
            for _ in 0..<10_000 {
                ap += 1
                term *= x / ap
                sum += term
                if abs(term) < abs(sum) * 1e-17 { break }
            }
            return max(0, 1 - sum * exp(logPrefactor))
        }
        let tiny = 1e-300
        var b = x + 1 - a
        var c = 1 / tiny
        var d = 1 / b
        var h = d
        for i in 1...10_000 {
            let an = -Double(i) * (Double(i) - a)
            b += 2
            d = an * d + b
            if abs(d) < tiny { d = tiny }
            c = b + an / c
            if abs(c) < tiny { c = tiny }
            d = 1 / d
            let delta = d * c
            h *= delta
            if abs(delta - 1) < 1e-17 { break }
        }
        return exp(logPrefactor) * h
    }

    /// The chi-square survival function with `degreesOfFreedom`.
    static func chiSquareSurvival(_ statistic: Double, degreesOfFreedom: Int) -> Double {
        upperRegularized(a: Double(degreesOfFreedom) / 2, x: statistic / 2)
    }
}

/// log |Γ(x)| (the reentrant form that also returns the sign, which is dropped here).
func logGamma(_ x: Double) -> Double {
    let (value, _): (Double, Int) = lgamma(x)
    return value
}
