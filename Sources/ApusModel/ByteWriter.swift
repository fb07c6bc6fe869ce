/// Appends little-endian values to a byte array (the model file's encoding).
struct ByteWriter {
    private(set) var bytes: [UInt8] = []

    /// Appends raw bytes as they are.
    mutating func append(bytes more: some Sequence<UInt8>) {
        bytes.append(contentsOf: more)
    }

    /// Appends an integer, least significant byte first.
    mutating func append<T: FixedWidthInteger>(_ value: T) {
        withUnsafeBytes(of: value.littleEndian) { bytes.append(contentsOf: $0) }
    }

    /// Appends a double as its IEEE 754 bit pattern, least significant byte first.
    mutating func append(_ value: Double) {
        append(value.bitPattern)
    }

    /// Appends integers back to back.
    mutating func append<T: FixedWidthInteger>(contentsOf values: [T]) {
        bytes.reserveCapacity(bytes.count + values.count * MemoryLayout<T>.size)
        for value in values { append(value) }
    }

    /// Appends doubles back to back, as bit patterns.
    mutating func append(contentsOf values: [Double]) {
        bytes.reserveCapacity(bytes.count + values.count * 8)
        for value in values { append(value.bitPattern) }
    }
}
