import ApusTable

/// The wording shared by the findings' messages.
enum QualityText {
    /// `30.0%`.
    static func percent(_ share: Double) -> String { NumberFormatting.formatFixed(share * 100, decimals: 1) + "%" }

    /// `3 of 10 rows (30.0%)`.
    static func rows(_ count: Int, of total: Int) -> String {
        "\(formatCount(count)) of \(formatCount(total)) row\(total == 1 ? "" : "s") (\(percent(Double(count) / Double(total))))"
    }

    /// A number as the CSV writer writes it (`5`, `0.25`, `-inf`).
    static func number(_ value: Double) -> String { NumberFormatting.shortest(value) }

    /// A 1-based data row from a 0-based index: `row 7`.
    static func row(_ index: Int) -> String { "row \(formatCount(index + 1))" }

    /// A p-value: two significant digits, or `< 0.0001`.
    static func pValue(_ p: Double) -> String {
        p < 1e-4 ? "p < 0.0001" : "p = " + NumberFormatting.significant(p, digits: 2)
    }

    /// `` `a`, `b` ``, with ", and N more" past `limit`.
    static func list(_ names: [String], limit: Int) -> String {
        let shown = names.prefix(max(limit, 0)).map { "`\($0)`" }.joined(separator: ", ")
        let rest = names.count - min(names.count, max(limit, 0))
        return rest > 0 ? shown + ", and \(formatCount(rest)) more" : shown
    }
}
