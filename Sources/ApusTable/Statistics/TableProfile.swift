/// Statistics of every column of a table, or of a stream of batches.
///
/// Encoded as JSON, a profile also carries the table's schema in the shape of a schema
/// file, so the output of `apus data inspect --json` can be saved and edited as one:
///
/// ```json
/// { "approximate": false, "rows": 3,
///   "schema": { "columns": [ { "kind": "numeric", "name": "x" } ] },
///   "columns": [ { "count": 3, "kind": "numeric", "mean": 1.5, "missing": 1, ... } ] }
/// ```
public struct TableProfile: Sendable, Codable, Equatable {
    /// Number of rows.
    public var rows: Int
    /// One entry per column, in table order.
    public var columns: [ColumnStatistics]
    /// Whether any field of any column is an estimate (see `ColumnStatistics.approximate`).
    public var approximate: Bool

    /// A profile of `columns`; `approximate` is derived from the columns.
    public init(rows: Int, columns: [ColumnStatistics]) {
        self.rows = rows
        self.columns = columns
        self.approximate = columns.contains { $0.approximate != nil }
    }

    /// The names and kinds of the columns.
    public var schema: Schema {
        Schema(columns: columns.map { Schema.Field(name: $0.name, kind: $0.kind) })
    }

    /// The statistics of the column called `name`, or `nil`.
    public subscript(name: String) -> ColumnStatistics? {
        columns.first { $0.name == name }
    }

    private enum CodingKeys: String, CodingKey {
        case rows, columns, approximate, schema
    }

    /// Decodes a profile; the `schema` member, derived from the columns, is not read.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        rows = try container.decode(Int.self, forKey: .rows)
        columns = try container.decode([ColumnStatistics].self, forKey: .columns)
        approximate = try container.decodeIfPresent(Bool.self, forKey: .approximate) ?? false
    }

    /// Encodes the profile with its schema.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(rows, forKey: .rows)
        try container.encode(schema, forKey: .schema)
        try container.encode(columns, forKey: .columns)
        try container.encode(approximate, forKey: .approximate)
    }
}
