/// An error reading a CSV file, naming the file, row and column where it applies.
///
/// Rows are numbered from 1 for the first record after the header; a record spanning
/// several lines (a quoted newline) is one row.
public struct CSVError: Error, Equatable, CustomStringConvertible {
    /// What went wrong.
    public enum Reason: Equatable, Sendable {
        case cannotOpen(String)
        case writeFailed(String)
        case emptyFile
        case noDataRows
        case emptyColumnName(position: Int)
        case duplicateColumnName(String, firstPosition: Int, secondPosition: Int)
        case unterminatedQuote
        case unexpectedAfterClosingQuote(String)
        case raggedRow(expected: Int, found: Int)
        case invalidUTF8
        case notA(ColumnKind, value: String)
        case inferredKindConflict(ColumnKind, value: String)
        case rowTooLong(limit: Int)
        case invalidSchema(String)
        case invalidOption(String)
    }

    /// What went wrong.
    public var reason: Reason
    /// The file read, when reading from a file.
    public var file: String?
    /// The row (1 = first data row), when the error belongs to one.
    public var row: Int?
    /// The column's name, when the error belongs to one.
    public var column: String?

    public init(_ reason: Reason, file: String? = nil, row: Int? = nil, column: String? = nil) {
        self.reason = reason
        self.file = file
        self.row = row
        self.column = column
    }

    public var description: String {
        var place: [String] = []
        if let file { place.append(file) }
        if let row { place.append("row \(formatCount(row))") }
        if let column { place.append("column `\(column)`") }
        let prefix = place.isEmpty ? "" : place.joined(separator: ", ") + ": "
        return prefix + message
    }

    private var message: String {
        switch reason {
        case .cannotOpen(let why): "cannot read the file: \(why)"
        case .writeFailed(let why): "cannot write the file: \(why)"
        case .emptyFile: "the file is empty"
        case .noDataRows: "the file has a header but no data rows"
        case .emptyColumnName(let position): "column \(position) of the header has an empty name"
        case .duplicateColumnName(let name, let first, let second):
            "the header names `\(name)` twice (columns \(first) and \(second)); column names must be unique"
        case .unterminatedQuote: "a quoted field is never closed (missing `\"`)"
        case .unexpectedAfterClosingQuote(let text):
            "unexpected `\(text)` after a closing quote; a quote inside a quoted field is written `\"\"`"
        case .raggedRow(let expected, let found):
            "expected \(expected) fields, found \(found) (use ragged-row handling `pad` or `skip` to accept such rows)"
        case .invalidUTF8: "the text is not valid UTF-8"
        case .notA(let kind, let value): "`\(value)` is not \(Self.article(kind))"
        case .inferredKindConflict(let kind, let value):
            "`\(value)` is not \(Self.article(kind)), the kind inferred from the first rows; force the column's kind in a schema file"
        case .rowTooLong(let limit): "a row is longer than \(formatCount(limit)) bytes (the limit; is the quoting or line ending broken?)"
        case .invalidSchema(let why): "invalid schema: \(why)"
        case .invalidOption(let why): why
        }
    }

    private static func article(_ kind: ColumnKind) -> String {
        switch kind {
        case .numeric: "a number"
        case .boolean: "a boolean (true/false)"
        case .timestamp: "a timestamp (ISO-8601 or seconds since 1970)"
        case .categorical: "a category"
        case .text: "text"
        }
    }
}
