/// A column of real numbers in contiguous `Double` storage; a missing value is NaN.
public struct NumericColumn: Sendable {
    /// The values; NaN marks a missing value.
    public let storage: ColumnBuffer<Double>

    /// Wraps finished storage.
    public init(storage: ColumnBuffer<Double>) { self.storage = storage }

    /// A column holding `values`; `nil` is missing.
    public init(_ values: [Double?]) {
        storage = ColumnBuffer(values.map { $0 ?? .nan })
    }

    /// A column holding `values`; NaN is missing.
    public init(_ values: [Double]) { storage = ColumnBuffer(values) }

    /// Number of rows.
    public var count: Int { storage.count }

    /// The value at `row`, or `nil` when it is missing.
    public subscript(row: Int) -> Double? {
        let value = storage[row]
        return value.isNaN ? nil : value
    }

    /// Whether the value at `row` is missing.
    public func isMissing(_ row: Int) -> Bool { storage[row].isNaN }

    /// Calls `body` with the values (NaN = missing).
    @inlinable
    public func withUnsafeBufferPointer<R>(_ body: (UnsafeBufferPointer<Double>) throws -> R) rethrows -> R {
        try storage.withUnsafeBufferPointer(body)
    }

    /// The values as an array, NaN for missing.
    public var values: [Double] { storage.array }
}
