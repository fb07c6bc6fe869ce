import ApusService
import ApusStore
import ApusTable
import ApusTrain
import Foundation

/// Opens the store that `APUS_STORE` names (else `.apus` in the working directory),
/// creating it unless `existing` (commands that only read never leave an empty store behind).
func openStore(existing: Bool = false) throws -> any Store {
    try StoreLocation.open(apusVersion: apusVersion, create: !existing)
}

/// Prints `value` as JSON (sorted keys, indented; NaN and infinities as the strings "NaN",
/// "inf" and "-inf", as `apus data inspect --json` writes them).
func printJSON<T: Encodable>(_ value: T) throws {
    let encoder = JSONEncoder()
    encoder.outputFormatting = [.sortedKeys, .prettyPrinted, .withoutEscapingSlashes]
    encoder.nonConformingFloatEncodingStrategy = .convertToString(positiveInfinity: "inf", negativeInfinity: "-inf", nan: "NaN")
    print(String(decoding: try encoder.encode(value), as: UTF8.self))
}

/// A plain-text table: a header row, a rule, one line per row; columns padded to their
/// widest cell, numbers right-aligned.
struct TextTable {
    var headers: [String]
    var rows: [[String]] = []
    /// Columns to align right (numbers).
    var rightAligned: Set<Int> = []

    init(_ headers: [String], rightAligned: Set<Int> = []) {
        self.headers = headers
        self.rightAligned = rightAligned
    }

    mutating func add(_ row: [String]) { rows.append(row) }

    var text: String {
        let widths = headers.indices.map { column in
            ([headers[column]] + rows.map { column < $0.count ? $0[column] : "" }).map(\.count).max() ?? 0
        }
        func line(_ cells: [String]) -> String {
            cells.indices.map { column in
                let cell = cells[column], pad = String(repeating: " ", count: widths[column] - cell.count)
                return rightAligned.contains(column) ? pad + cell : (column == cells.count - 1 ? cell : cell + pad)
            }.joined(separator: "  ")
        }
        var lines = [line(headers), widths.map { String(repeating: "-", count: $0) }.joined(separator: "  ")]
        lines += rows.map(line)
        return lines.joined(separator: "\n")
    }
}

/// A stored timestamp shortened for a table: `2026-11-29 09:10:11` (UTC).
func shortTime(_ iso: String?) -> String {
    guard let iso, iso.count >= 19 else { return "-" }
    return iso.prefix(10) + " " + iso.dropFirst(11).prefix(8)
}

/// Seconds for a person: `0.42 s`, `12.3 s`, `4 min 05 s`.
func formatSeconds(_ seconds: Double) -> String {
    if seconds < 10 { return NumberFormatting.formatFixed(seconds, decimals: 2) + " s" }
    if seconds < 60 { return NumberFormatting.formatFixed(seconds, decimals: 1) + " s" }
    let whole = Int(seconds.rounded())
    return "\(whole / 60) min \(whole % 60 < 10 ? "0" : "")\(whole % 60) s"
}

/// Bytes for a person: `512 B`, `3.4 MB`.
func formatBytes(_ bytes: Int64) -> String {
    let value = Double(bytes)
    if value < 1024 { return "\(bytes) B" }
    if value < 1024 * 1024 { return NumberFormatting.formatFixed(value / 1024, decimals: 1) + " KB" }
    if value < 1024 * 1024 * 1024 { return NumberFormatting.formatFixed(value / 1024 / 1024, decimals: 1) + " MB" }
    return NumberFormatting.formatFixed(value / 1024 / 1024 / 1024, decimals: 2) + " GB"
}

/// Sends webhook deliveries that are due, reporting failures on standard error.
func deliverWebhooks(_ store: any Store) {
    do {
        let outcome = try WebhookDispatcher().deliverDue(store)
        for error in outcome.errors { Terminal.writeError("warning: \(error)\n") }
    } catch {
        Terminal.writeError("warning: webhook deliveries: \(error)\n")
    }
}
