#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// How to write a table as CSV.
public struct CSVWriteOptions: Sendable {
    /// The field separator. Defaults to `,`.
    public var delimiter: UInt8
    /// Whether to write the column names first. Defaults to `true`.
    public var writeHeader: Bool

    public init(delimiter: UInt8 = 44, writeHeader: Bool = true) {
        self.delimiter = delimiter
        self.writeHeader = writeHeader
    }
}

/// Writes tables as RFC 4180 CSV that `CSVReader` reads back to the same values.
///
/// A missing value is an empty field. Strings are quoted when they hold the delimiter, a
/// quote, a line end, or leading or trailing spaces, and when they equal a missing token
/// (so the empty string is written `""` and the text `NA` stays text). Numbers use the
/// shortest text that reads back exactly; timestamps are ISO-8601 in UTC.
public enum CSVWriter {
    /// Writes `table` to the file at `path`, replacing it.
    public static func write(_ table: Table, to path: String, options: CSVWriteOptions = .init()) throws {
        guard let file = fopen(path, "wb") else {
            throw CSVError(.writeFailed(String(cString: strerror(errno))), file: path)
        }
        var failure: Int32?
        encode(table, options: options) { chunk in
            if failure == nil && fwrite(chunk.baseAddress, 1, chunk.count, file) != chunk.count { failure = errno }
        }
        if fclose(file) != 0 && failure == nil { failure = errno }
        if let failure { throw CSVError(.writeFailed(String(cString: strerror(failure))), file: path) }
    }

    /// The CSV text of `table`.
    public static func string(_ table: Table, options: CSVWriteOptions = .init()) -> String {
        var bytes: [UInt8] = []
        encode(table, options: options) { bytes.append(contentsOf: $0) }
        return String(decoding: bytes, as: UTF8.self)
    }

    /// Encodes `table`, handing out chunks of about 1 MiB.
    static func encode(_ table: Table, options: CSVWriteOptions, emit: (UnsafeBufferPointer<UInt8>) -> Void) {
        var out: [UInt8] = []
        out.reserveCapacity(1 << 20 + 4096)
        let missingTokens = CSVReadOptions.defaultMissingTokens
        func flushIfFull() {
            if out.count >= 1 << 20 {
                out.withUnsafeBufferPointer(emit)
                out.removeAll(keepingCapacity: true)
            }
        }
        if options.writeHeader {
            for (index, name) in table.columnNames.enumerated() {
                if index > 0 { out.append(options.delimiter) }
                appendString(name, to: &out, delimiter: options.delimiter, missingTokens: [])
            }
            out.append(10)
        }
        for row in 0..<table.rowCount {
            for (index, column) in table.columns.enumerated() {
                if index > 0 { out.append(options.delimiter) }
                appendValue(column, row: row, to: &out, delimiter: options.delimiter, missingTokens: missingTokens)
            }
            out.append(10)
            flushIfFull()
        }
        if !out.isEmpty { out.withUnsafeBufferPointer(emit) }
    }

    private static func appendValue(_ column: Column, row: Int, to out: inout [UInt8], delimiter: UInt8, missingTokens: Set<String>) {
        switch column {
        case .numeric(let c):
            if let value = c[row] { out.append(contentsOf: NumberFormatting.shortest(value).utf8) }
        case .categorical(let c):
            if let value = c[row] { appendString(value, to: &out, delimiter: delimiter, missingTokens: missingTokens) }
        case .text(let c):
            if let value = c[row] { appendString(value, to: &out, delimiter: delimiter, missingTokens: missingTokens) }
        case .boolean(let c):
            if let value = c[row] { out.append(contentsOf: (value ? "true" : "false").utf8) }
        case .timestamp(let c):
            if let value = c[row] { out.append(contentsOf: TimestampParsing.iso8601(value).utf8) }
        }
    }

    private static func appendString(_ value: String, to out: inout [UInt8], delimiter: UInt8, missingTokens: Set<String>) {
        var needsQuotes = missingTokens.contains(value) || value.first == " " || value.last == " "
        if !needsQuotes {
            for byte in value.utf8 where byte == delimiter || byte == 34 || byte == 10 || byte == 13 {
                needsQuotes = true
                break
            }
        }
        guard needsQuotes else { out.append(contentsOf: value.utf8); return }
        out.append(34)
        for byte in value.utf8 {
            out.append(byte)
            if byte == 34 { out.append(34) }
        }
        out.append(34)
    }
}
