/// The kind of values a column holds.
///
/// Every kind has a first-class missing value: NaN for numeric and timestamp columns,
/// a reserved code for categorical and boolean columns, a flag for text.
public enum ColumnKind: String, Sendable, Codable, CaseIterable, CustomStringConvertible {
    /// Real numbers, stored as contiguous `Double`s; missing is NaN.
    case numeric
    /// A small set of repeated strings, dictionary-encoded as `UInt32` codes.
    case categorical
    /// `true` / `false`.
    case boolean
    /// Free text, stored as UTF-8 bytes with offsets.
    case text
    /// Points in time as seconds since 1970-01-01T00:00:00Z, from ISO-8601 or epoch seconds.
    case timestamp

    public var description: String { rawValue }
}
