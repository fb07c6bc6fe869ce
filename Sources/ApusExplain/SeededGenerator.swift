/// The random numbers of every seeded explanation: xoshiro256** (Blackman and Vigna, 2018),
/// its state filled by SplitMix64 from a 64-bit seed, as the authors recommend.
///
/// Only integer arithmetic on `UInt64`, so a seed gives the same stream on every machine.
/// Explanations never share one generator between rows, features or repeats: each unit of
/// work makes its own with ``init(seed:streams:)``, so results do not depend on the order
/// of work or on the thread count.
public struct SeededGenerator: RandomNumberGenerator, Sendable {
    private var s0: UInt64, s1: UInt64, s2: UInt64, s3: UInt64

    /// A generator whose state SplitMix64 makes from `seed`.
    public init(seed: UInt64) {
        var splitMix = seed
        s0 = Self.splitMix64(&splitMix)
        s1 = Self.splitMix64(&splitMix)
        s2 = Self.splitMix64(&splitMix)
        s3 = Self.splitMix64(&splitMix)
    }

    /// The generator of one unit of work (a row, a feature's repeat): `seed` and each stream
    /// number are mixed in turn by SplitMix64's finaliser, a bijection, so distinct stream
    /// numbers under one seed give distinct generators.
    public init(seed: UInt64, streams: UInt64...) {
        var mixed = Self.mix(seed)
        for stream in streams { mixed = Self.mix(mixed ^ Self.mix(stream &+ 0x9E37_79B9_7F4A_7C15)) }
        self.init(seed: mixed)
    }

    /// The next 64 random bits (xoshiro256**).
    public mutating func next() -> UInt64 {
        let result = rotate(s1 &* 5, 7) &* 9
        let shifted = s1 << 17
        s2 ^= s0
        s3 ^= s1
        s1 ^= s2
        s0 ^= s3
        s2 ^= shifted
        s3 = rotate(s3, 45)
        return result
    }

    /// A uniform double in [0, 1): the top 53 bits of ``next()``.
    public mutating func nextUnit() -> Double { Double(next() >> 11) * 0x1p-53 }

    /// A uniform integer in `0..<bound` (`bound` ≥ 1), unbiased (Lemire's multiply-and-reject).
    public mutating func nextInt(below bound: Int) -> Int {
        let range = UInt64(bound)
        var product = next().multipliedFullWidth(by: range)
        if product.low < range {
            let threshold = (0 &- range) % range
            while product.low < threshold { product = next().multipliedFullWidth(by: range) }
        }
        return Int(product.high)
    }

    /// Shuffles `buffer` in place (Fisher–Yates, from the last element down).
    public mutating func shuffle<T>(_ buffer: UnsafeMutableBufferPointer<T>) {
        var index = buffer.count - 1
        while index > 0 {
            buffer.swapAt(index, nextInt(below: index + 1))
            index -= 1
        }
    }

    /// SplitMix64's step: advances `state` and returns its mixed value.
    static func splitMix64(_ state: inout UInt64) -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        return mix(state)
    }

    /// SplitMix64's finaliser (a bijection of `UInt64`).
    static func mix(_ value: UInt64) -> UInt64 {
        var z = value
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    @inline(__always)
    private func rotate(_ x: UInt64, _ k: UInt64) -> UInt64 { (x << k) | (x >> (64 - k)) }
}
