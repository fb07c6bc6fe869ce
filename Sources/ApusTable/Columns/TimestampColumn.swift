/// Points in time as seconds since 1970-01-01T00:00:00Z (UTC); a missing value is NaN.
///
/// `Double` seconds keep microsecond precision for dates within a few centuries of 1970.
public struct TimestampColumn: Sendable {
    /// Seconds since the Unix epoch; NaN is missing.
    public let storage: ColumnBuffer<Double>

    /// Wraps finished storage.
    public init(storage: ColumnBuffer<Double>) { self.storage = storage }

    /// A column holding `secondsSinceEpoch`; `nil` is missing.
    public init(secondsSinceEpoch values: [Double?]) {
        storage = ColumnBuffer(values.map { $0 ?? .nan })
    }

    /// Number of rows.
    public var count: Int { storage.count }

    /// Seconds since the epoch at `row`, or `nil` when it is missing.
    public subscript(row: Int) -> Double? {
        let value = storage[row]
        return value.isNaN ? nil : value
    }

    /// Whether the value at `row` is missing.
    public func isMissing(_ row: Int) -> Bool { storage[row].isNaN }
}
