/// Reads little-endian values from a byte array, checking every length first: a count
/// read from a damaged or hostile file can never make it read past the end or allocate
/// more than the bytes that remain.
struct ByteReader {
    let bytes: [UInt8]
    /// The offset of the next byte to read.
    private(set) var offset: Int

    init(_ bytes: [UInt8], offset: Int = 0) {
        self.bytes = bytes
        self.offset = offset
    }

    /// The bytes not read yet.
    var remaining: Int { bytes.count - offset }

    /// Checks that `count` values of `size` bytes remain, naming `field` if not.
    func require(_ count: Int, of size: Int, field: String) throws(ModelError) {
        guard count >= 0, count <= remaining / size else {
            let (needed, overflow) = count.multipliedReportingOverflow(by: size)
            let amount = count < 0 ? "a negative count (\(count))" : overflow ? "more than \(Int.max) bytes" : "\(needed) bytes"
            throw .corrupt(field: field, reason: "needs \(amount) at byte \(offset), but only \(remaining) remain")
        }
    }

    /// Reads `count` raw bytes.
    mutating func readBytes(_ count: Int, field: String) throws(ModelError) -> ArraySlice<UInt8> {
        try require(count, of: 1, field: field)
        defer { offset += count }
        return bytes[offset..<offset + count]
    }

    /// Reads one integer.
    mutating func read<T: FixedWidthInteger>(_: T.Type, field: String) throws(ModelError) -> T {
        try require(1, of: MemoryLayout<T>.size, field: field)
        let value = bytes.withUnsafeBytes { T(littleEndian: $0.loadUnaligned(fromByteOffset: offset, as: T.self)) }
        offset += MemoryLayout<T>.size
        return value
    }

    /// Reads `count` integers.
    mutating func read<T: FixedWidthInteger>(_: T.Type, count: Int, field: String) throws(ModelError) -> [T] {
        let size = MemoryLayout<T>.size
        try require(count, of: size, field: field)
        let start = offset
        let values = bytes.withUnsafeBytes { raw in
            [T](unsafeUninitializedCapacity: count) { buffer, initialized in
                for index in 0..<count {
                    buffer[index] = T(littleEndian: raw.loadUnaligned(fromByteOffset: start + index * size, as: T.self))
                }
                initialized = count
            }
        }
        offset += count * size
        return values
    }

    /// Reads `count` doubles stored as bit patterns.
    mutating func readDoubles(count: Int, field: String) throws(ModelError) -> [Double] {
        try read(UInt64.self, count: count, field: field).map(Double.init(bitPattern:))
    }
}
