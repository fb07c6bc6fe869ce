/// SHA-256 (FIPS 180-4), computed incrementally.
///
/// ```swift
/// var hasher = SHA256()
/// hasher.update(chunk)            // any number of times, chunks of any size
/// let hex = hasher.hexDigest()    // or finalize() for the 32 bytes
/// ```
///
/// Whole 64-byte blocks are compressed straight from the caller's memory; only a block
/// split between two `update` calls is copied. A value type: copying a hasher forks it.
public struct SHA256: Sendable {
    /// The digest length in bytes.
    public static let digestByteCount = 32

    private var state: State = .initial
    /// Bytes of an unfinished block, fewer than 64.
    private var pending: [UInt8] = []
    /// Bytes hashed so far, pending ones included.
    private var byteCount: UInt64 = 0

    /// A hasher that has seen no bytes.
    public init() { pending.reserveCapacity(64) }

    /// Adds `bytes` to the message.
    /// - Complexity: O(*n*) for *n* bytes.
    public mutating func update(_ bytes: UnsafeRawBufferPointer) {
        guard var next = bytes.baseAddress, !bytes.isEmpty else { return }
        var remaining = bytes.count
        byteCount &+= UInt64(remaining)
        if !pending.isEmpty {
            let taken = min(64 - pending.count, remaining)
            pending.append(contentsOf: UnsafeRawBufferPointer(start: next, count: taken))
            next += taken
            remaining -= taken
            guard pending.count == 64 else { return }
            pending.withUnsafeBytes { SHA256.compress(&state, blocks: $0.baseAddress!, count: 1) }
            pending.removeAll(keepingCapacity: true)
        }
        let wholeBlocks = remaining / 64
        if wholeBlocks > 0 {
            SHA256.compress(&state, blocks: next, count: wholeBlocks)
            next += wholeBlocks * 64
            remaining -= wholeBlocks * 64
        }
        pending.append(contentsOf: UnsafeRawBufferPointer(start: next, count: remaining))
    }

    /// Adds `bytes` to the message.
    public mutating func update(_ bytes: [UInt8]) {
        bytes.withUnsafeBytes { update($0) }
    }

    /// Adds the UTF-8 bytes of `text` to the message.
    public mutating func update(_ text: String) {
        var text = text
        text.withUTF8 { update(UnsafeRawBufferPointer($0)) }
    }

    /// The 32-byte digest of the bytes added so far. The hasher is not changed, so more
    /// bytes can still be added.
    public func finalize() -> [UInt8] {
        var copy = self
        var padding: [UInt8] = [0x80]
        let used = Int(byteCount % 64)
        padding += Array(repeating: 0, count: (used < 56 ? 55 : 119) - used)
        let bitCount = byteCount &* 8
        for shift in stride(from: 56, through: 0, by: -8) { padding.append(UInt8(truncatingIfNeeded: bitCount >> shift)) }
        copy.update(padding)
        return copy.state.bigEndianBytes
    }

    /// The digest of the bytes added so far, as 64 lowercase hexadecimal digits.
    public func hexDigest() -> String { SHA256.hex(finalize()) }

    /// The digest of `bytes`, as 64 lowercase hexadecimal digits.
    public static func hexDigest(of bytes: [UInt8]) -> String {
        var hasher = SHA256()
        hasher.update(bytes)
        return hasher.hexDigest()
    }

    /// The digest of the UTF-8 bytes of `text`, as 64 lowercase hexadecimal digits.
    public static func hexDigest(of text: String) -> String {
        var hasher = SHA256()
        hasher.update(text)
        return hasher.hexDigest()
    }

    /// `bytes` as lowercase hexadecimal, two digits a byte.
    public static func hex(_ bytes: [UInt8]) -> String {
        let digits = Array("0123456789abcdef".utf8)
        var text: [UInt8] = []
        text.reserveCapacity(bytes.count * 2)
        for byte in bytes {
            text.append(digits[Int(byte >> 4)])
            text.append(digits[Int(byte & 0x0F)])
        }
        return String(decoding: text, as: UTF8.self)
    }
}

extension SHA256 {
    /// The eight working words H0…H7 (FIPS 180-4 §6.2).
    struct State: Sendable {
        var h0, h1, h2, h3, h4, h5, h6, h7: UInt32

        /// H(0): the first 32 bits of the fractional parts of the square roots of the
        /// first eight primes (§5.3.3).
        static let initial = State(
            h0: 0x6A09_E667, h1: 0xBB67_AE85, h2: 0x3C6E_F372, h3: 0xA54F_F53A,
            h4: 0x510E_527F, h5: 0x9B05_688C, h6: 0x1F83_D9AB, h7: 0x5BE0_CD19
        )

        /// The state as the digest: each word big-endian, H0 first.
        var bigEndianBytes: [UInt8] {
            var bytes: [UInt8] = []
            bytes.reserveCapacity(32)
            for word in [h0, h1, h2, h3, h4, h5, h6, h7] {
                for shift in stride(from: 24, through: 0, by: -8) { bytes.append(UInt8(truncatingIfNeeded: word >> shift)) }
            }
            return bytes
        }
    }
}
