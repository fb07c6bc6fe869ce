#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The random draws the synthetic scenarios need, all built on one `SeededRandom` stream.
///
/// Every draw consumes a fixed or data-determined number of uniforms, so a row's values
/// depend only on the seed and the rows before it.
struct SyntheticDraws {
    var random: SeededRandom

    init(seed: UInt64) {
        random = SeededRandom(seed: seed)
    }

    /// Uniform on [0, 1).
    mutating func uniform() -> Double { random.nextDouble() }

    /// Uniform on [low, high).
    mutating func uniform(_ low: Double, _ high: Double) -> Double {
        low + (high - low) * random.nextDouble()
    }

    /// A uniform whole number in `range`.
    mutating func integer(in range: ClosedRange<Int>) -> Int {
        range.lowerBound + random.nextInt(below: range.count)
    }

    /// `true` with probability `probability`.
    mutating func chance(_ probability: Double) -> Bool {
        random.nextDouble() < probability
    }

    /// A standard normal draw.
    mutating func gaussian() -> Double { random.nextGaussian() }

    /// A log-normal draw: `median * exp(sigma * Z)`.
    mutating func logNormal(median: Double, sigma: Double) -> Double {
        median * exp(sigma * random.nextGaussian())
    }

    /// An exponential draw with mean `mean`.
    mutating func exponential(mean: Double) -> Double {
        -mean * log(1 - random.nextDouble())
    }

    /// An index drawn with probability proportional to `weights` (inverse CDF, one uniform).
    mutating func pick(_ weights: [Double]) -> Int {
        var total = 0.0
        for weight in weights { total += weight }
        var target = random.nextDouble() * total
        for index in weights.indices {
            target -= weights[index]
            if target < 0 { return index }
        }
        return weights.count - 1
    }

    /// A Poisson draw with mean `mean`: Knuth's product of uniforms below a mean of 10,
    /// Hörmann's transformed rejection (PTRS, 1993) from 10 up. Exact in both regimes.
    mutating func poisson(mean: Double) -> Int {
        guard mean > 0 else { return 0 }
        if mean < 10 {
            let limit = exp(-mean)
            var product = random.nextDouble()
            var count = 0
            while product > limit {
                product *= random.nextDouble()
                count += 1
            }
            return count
        }
        let rootMean = mean.squareRoot()
        let logMean = log(mean)
        let b = 0.931 + 2.53 * rootMean
        let a = -0.059 + 0.02483 * b
        let inverseAlpha = 1.1239 + 1.1328 / (b - 3.4)
        let acceptBound = 0.9277 - 3.6224 / (b - 2)
        while true {
            let u = random.nextDouble() - 0.5
            let v = random.nextDouble()
            let us = 0.5 - abs(u)
            let k = ((2 * a / us + b) * u + mean + 0.43).rounded(.down)
            if us >= 0.07 && v <= acceptBound { return Int(k) }
            if k < 0 || (us < 0.013 && v > us) { continue }
            let lhs = log(v) + log(inverseAlpha) - log(a / (us * us) + b)
            if lhs <= -mean + k * logMean - Self.logFactorial(Int(k)) { return Int(k) }
        }
    }

    /// 1 / (1 + e^-x).
    static func sigmoid(_ x: Double) -> Double {
        1 / (1 + exp(-x))
    }

    /// log(k!): exact sums below 16, Stirling's series (error below 1e-12) from there.
    static func logFactorial(_ k: Int) -> Double {
        if k < 16 {
            var sum = 0.0
            var i = 2
            while i <= k { sum += log(Double(i)); i += 1 }
            return sum
        }
        let x = Double(k)
        let inverse = 1 / x
        let inverseSquared = inverse * inverse
        let series = inverse * (1.0 / 12 - inverseSquared * (1.0 / 360 - inverseSquared / 1260))
        return x * log(x) - x + 0.5 * log(2 * Double.pi * x) + series
    }
}
