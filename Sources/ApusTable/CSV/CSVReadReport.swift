/// What reading a CSV file found, beside the table itself. Nothing is dropped or changed
/// silently: padded, skipped and re-typed columns are all counted or noted here.
public struct CSVReadReport: Sendable {
    /// The file read, if any.
    public var file: String?
    /// The field separator used (given or detected).
    public var delimiter: UInt8
    /// Data rows in the table.
    public var rows: Int
    /// Bytes read.
    public var bytes: Int
    /// Each column's name and kind as read.
    public var schema: Schema
    /// Columns whose kind a schema forced; the others were inferred.
    public var forcedColumns: [String]
    /// Short rows filled with missing values (`RaggedRows.pad`).
    public var paddedRows: Int
    /// Ragged rows left out (`RaggedRows.skip`).
    public var skippedRows: Int
    /// Empty lines between records, which hold no data and are skipped.
    public var blankLines: Int
    /// Things the reader decided that a user should know, one sentence each.
    public var notes: [String]

    /// The delimiter as readable text (`,`, `;`, `tab`, `|`).
    public var delimiterName: String {
        delimiter == 9 ? "tab" : String(UnicodeScalar(delimiter))
    }
}

/// A table read from CSV and the report of how it was read.
public struct CSVReadResult: Sendable {
    public var table: Table
    public var report: CSVReadReport
}
