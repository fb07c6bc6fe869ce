/// 64-bit hashes that are the same in every process and on every platform.
///
/// Swift's `Hasher` is seeded per process, so sketches built with it would differ from run
/// to run; these hashes make distinct-count estimates (and ApusMonitor's duplicate-row
/// check) reproducible.
public enum StableHash {
    private static let prime1: UInt64 = 0x9E37_79B1_85EB_CA87
    private static let prime2: UInt64 = 0xC2B2_AE3D_27D4_EB4F

    /// MurmurHash3's 64-bit finaliser: a bijection that spreads every input bit.
    @inline(__always)
    public static func mix(_ value: UInt64) -> UInt64 {
        var z = value
        z = (z ^ (z >> 33)) &* 0xFF51_AFD7_ED55_8CCD
        z = (z ^ (z >> 33)) &* 0xC4CE_B9FE_1A85_EC53
        return z ^ (z >> 33)
    }

    /// The hash of a number, with −0 and +0 hashing alike (they compare equal).
    @inline(__always)
    static func hash(_ value: Double) -> UInt64 {
        mix(canonicalBits(value))
    }

    /// The bit pattern of `value`, with −0 mapped to +0.
    @inline(__always)
    static func canonicalBits(_ value: Double) -> UInt64 {
        value == 0 ? 0 : value.bitPattern
    }

    /// The hash of `count` bytes at `start`, read eight at a time (little-endian).
    static func hash(_ start: UnsafeRawPointer, count: Int) -> UInt64 {
        var h = prime2 &+ UInt64(truncatingIfNeeded: count) &* prime1
        var offset = 0
        while offset + 8 <= count {
            let word = UInt64(littleEndian: start.loadUnaligned(fromByteOffset: offset, as: UInt64.self))
            h = round(h, word)
            offset += 8
        }
        var tail: UInt64 = 0
        var shift: UInt64 = 0
        while offset < count {
            tail |= UInt64(start.load(fromByteOffset: offset, as: UInt8.self)) << shift
            shift += 8
            offset += 1
        }
        return mix(round(h, tail))
    }

    /// The hash of the UTF-8 bytes of `text`, equal to `hash(_:count:)` over those bytes.
    static func hash(_ text: String) -> UInt64 {
        var copy = text
        return copy.withUTF8 { bytes in
            guard let base = bytes.baseAddress else { return hash(UnsafeRawPointer(bitPattern: 1)!, count: 0) }
            return hash(UnsafeRawPointer(base), count: bytes.count)
        }
    }

    @inline(__always)
    private static func round(_ h: UInt64, _ word: UInt64) -> UInt64 {
        let folded = h ^ ((word &* prime2).rotatedLeft(31) &* prime1)
        return folded.rotatedLeft(27) &* prime1 &+ 0x85EB_CA77_C2B2_AE63
    }
}

extension UInt64 {
    @inline(__always)
    fileprivate func rotatedLeft(_ bits: UInt64) -> UInt64 { (self << bits) | (self >> (64 - bits)) }
}
