/// Free text: the UTF-8 bytes of all rows back to back, with one offset per row boundary.
///
/// A missing value is distinct from the empty string.
public struct TextColumn: Sendable {
    /// The bytes of every row, concatenated.
    public let bytes: ColumnBuffer<UInt8>
    /// `count + 1` offsets into `bytes`; row `i` spans `offsets[i]..<offsets[i + 1]`.
    public let offsets: ColumnBuffer<Int>
    /// One byte per row: 1 when the value is missing.
    public let missing: ColumnBuffer<UInt8>

    /// Wraps finished storage.
    /// - Precondition: `offsets.count == missing.count + 1`, offsets ascending.
    public init(bytes: ColumnBuffer<UInt8>, offsets: ColumnBuffer<Int>, missing: ColumnBuffer<UInt8>) {
        self.bytes = bytes
        self.offsets = offsets
        self.missing = missing
    }

    /// A column holding `values`; `nil` is missing.
    public init(_ values: [String?]) {
        let bytes = ColumnBuffer<UInt8>()
        let offsets = ColumnBuffer<Int>(capacity: values.count + 1)
        let missing = ColumnBuffer<UInt8>(capacity: values.count)
        offsets.append(0)
        for value in values {
            if let value { for byte in value.utf8 { bytes.append(byte) } }
            offsets.append(bytes.count)
            missing.append(value == nil ? 1 : 0)
        }
        self.init(bytes: bytes, offsets: offsets, missing: missing)
    }

    /// Number of rows.
    public var count: Int { missing.count }

    /// The string at `row`, or `nil` when it is missing.
    public subscript(row: Int) -> String? {
        if missing[row] != 0 { return nil }
        let start = offsets[row], end = offsets[row + 1]
        return String(decoding: UnsafeBufferPointer(start: bytes.baseAddress + start, count: end - start), as: UTF8.self)
    }

    /// Whether the value at `row` is missing.
    public func isMissing(_ row: Int) -> Bool { missing[row] != 0 }
}
