import ApusTable
import Foundation

/// A CSV file's inferred schema and per-column statistics, with how it was read: what
/// `apus data inspect` shows.
public struct DataInspection: Sendable {
    /// The statistics of every column.
    public var profile: TableProfile
    /// How the file was read (delimiter, re-typed columns, padded or skipped rows).
    public var report: CSVReadReport
    /// The data set's fingerprint (SHA-256 over the file's bytes and the schema), when asked for.
    public var fingerprint: String?
    /// SHA-256 of the file's bytes, when the fingerprint was asked for.
    public var fileSHA256: String?

    /// Reads and profiles the CSV file at `path`.
    /// - Parameters:
    ///   - streaming: read in batches with bounded memory (quantiles and some distinct
    ///     counts are then estimates) instead of loading the whole table.
    ///   - fingerprint: also hash the file (a second pass over its bytes).
    public static func inspect(path: String, options: CSVReadOptions = .init(), streaming: Bool = false,
                               fingerprint: Bool = false) throws -> DataInspection {
        let profile: TableProfile
        let report: CSVReadReport
        if streaming {
            var profiler = StreamingProfiler()
            report = try CSVReader.stream(path: path, options: options) { batch in try profiler.add(batch) }
            profile = profiler.profile()
        } else {
            let result = try CSVReader.read(path: path, options: options)
            profile = result.table.profile()
            report = result.report
        }
        var inspection = DataInspection(profile: profile, report: report)
        if fingerprint {
            let fileHash = try Fingerprint.sha256(ofFileAt: path)
            inspection.fileSHA256 = fileHash
            inspection.fingerprint = Fingerprint.dataset(fileSHA256: fileHash, schema: report.schema)
        }
        return inspection
    }

    /// A readable report: the file line, the statistics table, then notes and counts.
    public func renderText() -> String {
        var text = profile.renderText(title: report.file)
        var facts = ["delimiter \(report.delimiterName == "tab" ? "tab" : "`\(report.delimiterName)`")",
                     "\(NumberFormatting.significant(Double(report.bytes) / 1e6, digits: 4)) MB"]
        if !report.forcedColumns.isEmpty { facts.append("kinds forced by the schema: \(report.forcedColumns.joined(separator: ", "))") }
        if report.paddedRows > 0 { facts.append("\(formatCount(report.paddedRows)) short rows padded with missing values") }
        if report.skippedRows > 0 { facts.append("\(formatCount(report.skippedRows)) ragged rows skipped") }
        if report.blankLines > 0 { facts.append("\(formatCount(report.blankLines)) blank lines skipped") }
        text += "\n" + facts.joined(separator: "; ") + "\n"
        for note in report.notes { text += "note: \(note)\n" }
        if let fingerprint { text += "fingerprint: sha256:\(fingerprint)\n" }
        return text
    }

    /// One JSON object: the profile's `rows`, `schema` (a valid schema file) and `columns`,
    /// plus `file`, `bytes`, `delimiter`, `notes`, the row counts of the read, and
    /// `fingerprint` / `file_sha256` when computed. Keys are sorted.
    public func jsonData(pretty: Bool = true) throws -> Data {
        guard var object = try JSONSerialization.jsonObject(with: profile.jsonData(pretty: false)) as? [String: Any] else {
            throw CSVError(.invalidOption("the profile did not encode as a JSON object"))
        }
        object["file"] = report.file
        object["bytes"] = report.bytes
        object["delimiter"] = String(UnicodeScalar(report.delimiter))
        object["notes"] = report.notes
        object["padded_rows"] = report.paddedRows
        object["skipped_rows"] = report.skippedRows
        object["blank_lines"] = report.blankLines
        if let fingerprint { object["fingerprint"] = "sha256:" + fingerprint }
        if let fileSHA256 { object["file_sha256"] = fileSHA256 }
        var options: JSONSerialization.WritingOptions = [.sortedKeys, .withoutEscapingSlashes]
        if pretty { options.insert(.prettyPrinted) }
        return try JSONSerialization.data(withJSONObject: object, options: options)
    }
}
