#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The survival function Pr(Dₙ ≥ x) of the one-sample two-sided Kolmogorov statistic, chosen by
/// regime as Simard & L'Ecuyer (2011) recommend and as scipy's `kstwo.sf` (`kolmogn`) does:
/// Ruben–Gambino closed forms at the ends, twice the one-sided Smirnov tail where it is exact or
/// accurate, the Durbin matrix (Marsaglia–Tsang–Wang), Pomeranz's recursion and the Pelz–Good
/// expansion in between.
enum KolmogorovDistribution {
    static func survival(n: Int, x: Double) -> Double {
        guard n > 0 else { return .nan }
        if x >= 1 { return 0 }
        if x <= 0 { return 1 }
        let dn = Double(n)
        let t = dn * x
        if t <= 1 {
            if t <= 0.5 { return 1 }
            let cdf: Double
            if n <= 140 {
                var p = 1.0
                for i in 1...n { p *= Double(i) * (1.0 / dn) * (2 * t - 1) }
                cdf = p
            } else {
                cdf = exp(logFactorialOverPower(n) + dn * log(2 * t - 1))
            }
            return clip(1 - cdf)
        }
        if t >= dn - 1 { return clip(2 * pow(1 - x, dn)) }
        if x >= 0.5 { return clip(2 * smirnov(n: n, x: x)) }
        let nx2 = t * x
        if n <= 140 {
            if nx2 <= 0.754693 { return clip(1 - durbin(n: n, d: x)) }
            if nx2 <= 4 { return clip(1 - pomeranz(n: n, x: x)) }
            return clip(2 * smirnov(n: n, x: x))
        }
        if nx2 >= 370 { return 0 }
        if nx2 >= 2.2 { return clip(2 * smirnov(n: n, x: x)) }
        let cdf: Double
        if nx2 >= 18 {
            cdf = 1
        } else if n <= 100_000 && dn * pow(x, 1.5) <= 1.4 {
            cdf = durbin(n: n, d: x)
        } else {
            cdf = pelzGood(n: n, x: x)
        }
        return clip(1 - cdf)
    }

    static func clip(_ p: Double) -> Double { min(max(p, 0), 1) }

    /// log(n! / nⁿ) by Stirling's series with n·log n removed up front.
    static func logFactorialOverPower(_ n: Int) -> Double {
        let coefficients = [-2.955065359477124183e-2, 6.4102564102564102564e-3,
                            -1.9175269175269175269e-3, 8.4175084175084175084e-4,
                            -5.952380952380952381e-4, 7.9365079365079365079e-4,
                            -2.7777777777777777778e-3, 8.3333333333333333333e-2]
        let dn = Double(n), rn = 1 / dn
        var poly = 0.0
        for c in coefficients { poly = poly * (rn / dn) + c }
        return log(dn) / 2 - dn + log(2 * Double.pi) / 2 + rn * poly
    }

    /// The one-sided tail Pr(Dₙ⁺ ≥ x) by the Birnbaum–Tingey sum (all terms positive), each term
    /// in logarithms: x · Σⱼ C(n, j) (1 − x − j/n)^(n−j) (x + j/n)^(j−1).
    static func smirnov(n: Int, x: Double) -> Double {
        let dn = Double(n)
        let last = Int((dn * (1 - x)).rounded(.down))
        let logNFactorial = logGamma(dn + 1)
        var sum = 0.0
        for j in 0...max(last, 0) {
            let dj = Double(j)
            let lower = 1 - x - dj / dn
            if lower < 0 || (lower == 0 && j < n) { continue }
            let upper = x + dj / dn
            var term = logNFactorial - logGamma(dj + 1) - logGamma(dn - dj + 1) + (dj - 1) * log(upper)
            if j < n { term += (dn - dj) * log(lower) }
            sum += exp(term)
        }
        return clip(x * sum)
    }

    /// Pr(Dₙ ≤ d) by the Durbin matrix: the k-th diagonal entry of Hⁿ, times n!/nⁿ, with
    /// power-of-two rescaling to stay in range (Marsaglia, Tsang & Wang 2003).
    static func durbin(n: Int, d: Double) -> Double {
        if d >= 1 { return 1 }
        let nd = Double(n) * d
        if nd <= 0.5 { return 0 }
        let k = Int(nd.rounded(.up))
        let h = Double(k) - nd
        let m = 2 * k - 1
        var v = [Double](repeating: 0, count: m)
        var w = [Double](repeating: 0, count: m)
        var factorial = 1.0
        for j in 1...m {
            w[j - 1] = factorial
            factorial /= Double(j)
            v[j - 1] = (1 - pow(h, Double(j))) * factorial
        }
        let tt = pow(max(2 * h - 1, 0), Double(m)) - 2 * pow(h, Double(m))
        v[m - 1] = (1 + tt) * factorial
        var hMatrix = [Double](repeating: 0, count: m * m)
        for i in 1..<max(m, 1) {
            for r in (i - 1)..<m { hMatrix[r * m + i] = w[r - (i - 1)] }
        }
        for r in 0..<m { hMatrix[r * m] = v[r] }
        for c in 0..<m { hMatrix[(m - 1) * m + c] = v[m - 1 - c] }
        var power = [Double](repeating: 0, count: m * m)
        for i in 0..<m { power[i * m + i] = 1 }
        let big = 0x1p128, small = 0x1p-128
        var nn = n, exponent = 0, hExponent = 0
        while nn > 0 {
            if nn % 2 == 1 {
                power = multiply(power, hMatrix, m)
                exponent += hExponent
            }
            hMatrix = multiply(hMatrix, hMatrix, m)
            hExponent *= 2
            if abs(hMatrix[(k - 1) * m + (k - 1)]) > big {
                for i in hMatrix.indices { hMatrix[i] /= big }
                hExponent += 128
            }
            nn /= 2
        }
        var p = power[(k - 1) * m + (k - 1)]
        let dn = Double(n)
        for i in 1...n {
            p = Double(i) * p / dn
            if abs(p) < small {
                p *= big
                exponent -= 128
            }
        }
        if exponent != 0 { p = scalbn(p, Int32(exponent)) }
        return clip(p)
    }

    static func multiply(_ a: [Double], _ b: [Double], _ m: Int) -> [Double] {
        var c = [Double](repeating: 0, count: m * m)
        for i in 0..<m {
            for l in 0..<m {
                let ail = a[i * m + l]
                if ail == 0 { continue }
                for j in 0..<m { c[i * m + j] += ail * b[l * m + j] }
            }
        }
        return c
    }

    /// Pr(Dₙ ≤ x) by Pomeranz's recursion (1974): 2n + 1 rows, each the convolution of the previous
    /// row with one of three truncated Poisson weight vectors, times n!.
    static func pomeranz(n: Int, x: Double) -> Double {
        let t = Double(n) * x
        let ll = Int(t.rounded(.down))
        let f = t - Double(ll)
        let g = min(f, 1 - f)
        let ceilF = f > 0 ? 1 : 0
        let roundF = f > 0.5 ? 1 : 0
        let count = 2 * (ll + 1)
        var gPower = [Double](repeating: 1, count: count)
        var twoGPower = [Double](repeating: 1, count: count)
        var oneMinusTwoGPower = [Double](repeating: 1, count: count)
        let dn = Double(n)
        for i in 1..<count {
            gPower[i] = gPower[i - 1] * (g / dn) / Double(i)
            twoGPower[i] = twoGPower[i - 1] * (2 * g / dn) / Double(i)
            oneMinusTwoGPower[i] = oneMinusTwoGPower[i - 1] * ((1 - 2 * g) / dn) / Double(i)
        }
        var v0 = [Double](repeating: 0, count: count)
        var v1 = [Double](repeating: 0, count: count)
        v1[0] = 1
        var v0Start = 0, v1Start = 0
        var (j1, _) = bounds(0, n, ll, ceilF, roundF)
        var exponent = 0
        for i in 1..<(2 * n + 2) {
            let k1 = j1
            swap(&v0, &v1)
            swap(&v0Start, &v1Start)
            for idx in v1.indices { v1[idx] = 0 }
            let (newJ1, j2) = bounds(i, n, ll, ceilF, roundF)
            j1 = newJ1
            let weights = (i == 1 || i == 2 * n + 1) ? gPower : (i % 2 == 1 ? twoGPower : oneMinusTwoGPower)
            let length = j2 - k1 + 1
            if length > 0 {
                let start = k1 - v0Start
                let aCount = max(0, min(start + length, count) - start)
                let bCount = min(length, count)
                let convolutionCount = aCount + bCount - 1
                let first = j1 - k1, used = j2 - j1 + 1
                var largest = 0.0
                for r in 0..<max(used, 0) {
                    let kk = first + r
                    if kk < 0 || kk >= convolutionCount { break }
                    var s = 0.0
                    var a = max(0, kk - bCount + 1)
                    while a <= min(kk, aCount - 1) {
                        s += v0[start + a] * weights[kk - a]
                        a += 1
                    }
                    v1[r] = s
                    largest = max(largest, s)
                }
                if largest > 0 && largest < 0x1p-128 {
                    for idx in v1.indices { v1[idx] *= 0x1p128 }
                    exponent -= 128
                }
                v1Start = v0Start + j1 - k1
            }
        }
        var answer = v1[n - v1Start]
        for i in 1...n {
            if abs(answer) > 0x1p128 {
                answer *= 0x1p-128
                exponent += 128
            }
            answer *= Double(i)
        }
        if exponent != 0 { answer = scalbn(answer, Int32(exponent)) }
        return clip(answer)
    }

    static func bounds(_ i: Int, _ n: Int, _ ll: Int, _ ceilF: Int, _ roundF: Int) -> (Int, Int) {
        var j1: Int, j2: Int
        if i == 0 {
            (j1, j2) = (-ll - ceilF - 1, ll + ceilF - 1)
        } else {
            let half = (i + 1) / 2, odd = (i + 1) % 2
            if odd == 0 {
                if half == n + 1 {
                    (j1, j2) = (n - ll - ceilF - 1, n + ll + ceilF - 1)
                } else {
                    (j1, j2) = (half - 1 - ll - roundF - 1, half + ll - 1 + ceilF - 1)
                }
            } else {
                (j1, j2) = (half - 1 - ll - 1, half + ll + roundF - 1)
            }
        }
        return (max(j1 + 2, 0), min(j2, n))
    }

    /// Pr(Dₙ ≤ x) by the Pelz–Good (1976) expansion K₀ + K₁/√n + K₂/n + K₃/n^1.5 in its
    /// small-z (Jacobi theta) form.
    static func pelzGood(n: Int, x: Double) -> Double {
        if x <= 0 { return 0 }
        if x >= 1 { return 1 }
        let pi2 = Double.pi * Double.pi, pi4 = pi2 * pi2, pi6 = pi4 * pi2
        let z = Double(n).squareRoot() * x
        let z2 = z * z, z3 = z2 * z, z4 = z2 * z2, z6 = z4 * z2
        let qlog = -pi2 / 8 / z2
        if qlog < -708 { return 0 }
        var q = exp(qlog)
        let k1a = -z2, k1b = pi2 / 4
        let k2a = 6 * z6 + 2 * z4, k2b = (2 * z4 - 5 * z2) * pi2 / 4, k2c = pi4 * (1 - 2 * z2) / 16
        let k3d = pi6 * (5 - 30 * z2) / 64
        let k3c = pi4 * (-60 * z2 + 212 * z4) / 16
        let k3b = pi2 * (135 * z4 - 96 * z6) / 4
        let k3a = -30 * z6 - 90 * pow(z, 8)
        var k = [0.0, 0.0, 0.0, 0.0]
        let maxK = Int((16 * z / Double.pi).rounded(.up))
        var kk = maxK
        while kk >= 1 {
            let m = Double(2 * kk - 1)
            let m2 = m * m, m4 = m2 * m2, m6 = m4 * m2
            let qPower = pow(q, Double(8 * kk))
            let coefficients = [1.0, k1a + k1b * m2, k2a + k2b * m2 + k2c * m4, k3a + k3b * m2 + k3c * m4 + k3d * m6]
            for i in 0..<4 { k[i] = k[i] * qPower + coefficients[i] }
            kk -= 1
        }
        let sqrt2pi = (2 * Double.pi).squareRoot()
        let divisors = [z, 6 * z4, 72 * pow(z, 7), 6480 * pow(z, 10)]
        for i in 0..<4 { k[i] = k[i] * q * sqrt2pi / divisors[i] }
        q = exp(-pi2 / 2 / z2)
        var k2Extra = 0.0, k3Extra = 0.0
        let sqrt3z = 3.0.squareRoot() * z
        kk = maxK
        while kk >= 1 {
            let dk = Double(kk), k2 = dk * dk
            let qp = pow(q, k2)
            k2Extra += k2 * qp
            let kPi = Double.pi * dk
            k3Extra += (sqrt3z + kPi) * (sqrt3z - kPi) * k2 * qp
            kk -= 1
        }
        k[2] += k2Extra * pi2 * sqrt2pi / (-36 * z3)
        k[3] += k3Extra * pi2 * sqrt2pi / (216 * z6)
        var total = 0.0
        for i in 0..<4 { total += k[i] / pow(Double(n), Double(i) / 2) }
        return total
    }
}
