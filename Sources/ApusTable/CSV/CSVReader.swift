/// Reads CSV files into tables, in parallel on every core.
///
/// ```swift
/// let result = try CSVReader.read(path: "credit.csv")
/// print(result.table.rowCount, result.report.schema)
/// ```
///
/// Quoting follows RFC 4180 (delimiters, quotes and newlines inside quoted fields; `""`
/// for a quote); CRLF and LF line ends; a UTF-8 byte order mark is skipped. Kinds are
/// inferred from the first rows (`TypeInference`) unless a schema forces them. When a
/// later value does not fit an inferred kind, the column is read again as categorical
/// and the report says so.
public enum CSVReader {
    /// Reads the file at `path`. A path that is not a regular file (a pipe, `/dev/stdin`)
    /// is read into memory first, so that a second pass is possible.
    public static func read(path: String, options: CSVReadOptions = .init()) throws -> CSVReadResult {
        if FileByteSource.isRegularFile(path) {
            return try read(label: path, options: options) { try FileByteSource(path: path) }
        }
        let bytes = try FileByteSource.readAll(path: path)
        return try read(label: path, options: options) { MemoryByteSource(bytes) }
    }

    /// Reads CSV text held in memory.
    public static func read(bytes: [UInt8], options: CSVReadOptions = .init()) throws -> CSVReadResult {
        try read(label: nil, options: options) { MemoryByteSource(bytes) }
    }

    /// Reads CSV text held in a string.
    public static func read(string: String, options: CSVReadOptions = .init()) throws -> CSVReadResult {
        try read(bytes: Array(string.utf8), options: options)
    }

    /// Reads the file at `path` in batches of rows, for files larger than memory: `body`
    /// gets each batch as a table with the same schema, in file order. Categorical codes
    /// stay the same across batches (a batch's levels extend the previous batch's).
    /// A value that does not fit a kind inferred from the first rows is an error here
    /// (the batches before it are already handed out); force kinds with a schema.
    public static func stream(path: String, options: CSVReadOptions = .init(), body: (Table) throws -> Void) throws -> CSVReadReport {
        var session = try ReadSession(label: path, options: options, source: FileByteSource(path: path), overrides: [:], streaming: true)
        return try session.run(batch: body)
    }

    private static func read(label: String?, options: CSVReadOptions, open: () throws -> ByteSource) throws -> CSVReadResult {
        var session = try ReadSession(label: label, options: options, source: open(), overrides: [:], streaming: false)
        let table = try session.readAll()
        if session.demotions.isEmpty { return CSVReadResult(table: table, report: session.report) }
        // Some inferred kinds did not hold for the whole file: read again with those
        // columns as categorical, and say so.
        var overrides = session.inferredKinds  // the unforced columns only
        for demotion in session.demotions { overrides[demotion.column] = .categorical }
        var again = try ReadSession(label: label, options: options, source: open(), overrides: overrides, streaming: false)
        let retyped = try again.readAll()
        var report = again.report
        report.notes = session.demotions.map { demotion in
            "column `\(demotion.column)` looked \(demotion.kind) in the first rows, but row \(formatCount(demotion.row)) has `\(demotion.value)`; it was read as categorical"
        } + report.notes
        return CSVReadResult(table: retyped, report: report)
    }
}
