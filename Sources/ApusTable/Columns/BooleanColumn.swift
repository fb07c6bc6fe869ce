/// A column of `true` / `false` values stored one byte per row: 0, 1, or 2 for missing.
public struct BooleanColumn: Sendable {
    /// The byte that marks a missing value.
    public static let missingByte: UInt8 = 2

    /// One byte per row: 0 = false, 1 = true, `missingByte` = missing.
    public let storage: ColumnBuffer<UInt8>

    /// Wraps finished storage.
    public init(storage: ColumnBuffer<UInt8>) { self.storage = storage }

    /// A column holding `values`; `nil` is missing.
    public init(_ values: [Bool?]) {
        storage = ColumnBuffer(values.map { $0.map { $0 ? 1 : 0 } ?? Self.missingByte })
    }

    /// Number of rows.
    public var count: Int { storage.count }

    /// The value at `row`, or `nil` when it is missing.
    public subscript(row: Int) -> Bool? {
        let byte = storage[row]
        return byte == Self.missingByte ? nil : byte == 1
    }

    /// Whether the value at `row` is missing.
    public func isMissing(_ row: Int) -> Bool { storage[row] == Self.missingByte }
}
