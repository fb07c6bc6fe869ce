/// Exact null distribution of the two-sample two-sided statistic: the share of monotone lattice
/// paths from (0, 0) to (m, n) that reach the band |x/m − y/n| ≥ h / lcm(m, n) (Hodges 1958).
enum ExactSmirnov {
    /// m = n: 2·Σₖ (−1)^(k+1) C(2n, n−kh) / C(2n, n), evaluated as a Horner-like nested product
    /// so that no large binomial coefficient or cancellation appears.
    static func outsideSquare(n: Int, h: Int) -> Double {
        var p = 0.0
        var k = n / h
        while k >= 0 {
            var ratio = 1.0
            for j in 0..<h {
                ratio = Double(n - k * h - j) * ratio / Double(n + k * h + j + 1)
            }
            p = ratio * (1 - p)
            k -= 1
        }
        return 2 * p
    }

    /// m ≠ n: walks the lattice column by column keeping, for each point inside the band, the
    /// probability that a uniformly random path reaching it has already left the band. Points
    /// outside the band count as 1. One column of n + 1 doubles; O(m · band width).
    static func outsideBand(_ first: Int, _ second: Int, g: Int, h: Int) -> Double {
        let m = max(first, second), n = min(first, second)
        let mg = m / g, ng = n / g
        var column = [Double](repeating: 1, count: n + 1)
        var low = 0
        var high = min(ceilDiv(h, mg), n + 1)
        for j in 0..<high { column[j] = 0 }
        return column.withUnsafeMutableBufferPointer { a -> Double in
            for i in 1...m {
                low = min(max(floorDiv(ng * i - h, mg) + 1, 0), n)
                high = min(ceilDiv(ng * i + h, mg), n + 1)
                if high <= low { return 1 }
                let di = Double(i)
                var previous = low == 0 ? 0.0 : 1.0
                for j in low..<high {
                    let dj = Double(j)
                    previous = (a[j] * di + previous * dj) / (di + dj)
                    a[j] = previous
                }
                // Points below the band are outside it from now on.
                // (The band only moves up, so entries below `low` are never read again.)
            }
            return a[high - 1]
        }
    }

    static func floorDiv(_ a: Int, _ b: Int) -> Int {
        let q = a / b
        return (a % b != 0 && (a < 0) != (b < 0)) ? q - 1 : q
    }

    static func ceilDiv(_ a: Int, _ b: Int) -> Int { -floorDiv(-a, b) }
}
