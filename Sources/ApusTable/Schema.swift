/// The names and kinds of a table's columns.
///
/// A schema file (JSON) read with `Schema.load(from:)` forces kinds on some or all columns
/// when reading a CSV file; columns it does not name are inferred:
///
/// ```json
/// { "columns": [ { "name": "income", "kind": "numeric" },
///                { "name": "opened", "kind": "timestamp" } ] }
/// ```
public struct Schema: Sendable, Codable, Equatable {
    /// One column's name and kind.
    public struct Field: Sendable, Codable, Equatable {
        /// The column's name as in the header row.
        public var name: String
        /// The kind its values are read as.
        public var kind: ColumnKind

        public init(name: String, kind: ColumnKind) {
            self.name = name
            self.kind = kind
        }
    }

    /// The columns, in order.
    public var columns: [Field]

    public init(columns: [Field]) { self.columns = columns }

    /// The kind given for `name`, or `nil` when the schema does not name it.
    public func kind(of name: String) -> ColumnKind? {
        columns.first { $0.name == name }?.kind
    }

    /// A stable, canonical text of the schema (used in fingerprints).
    public var canonicalText: String {
        columns.map { "\($0.name)\u{1F}\($0.kind.rawValue)" }.joined(separator: "\u{1E}")
    }
}
