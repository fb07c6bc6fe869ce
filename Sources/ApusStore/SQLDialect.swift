import Foundation

/// The few differences between the SQL dialects the store speaks. Statements are written
/// once, with `?` placeholders and `{serial}` for an auto-numbered primary key, and
/// rendered for each dialect (decision 0003).
public enum SQLDialect: String, Sendable, CaseIterable {
    case sqlite
    case postgres

    /// `sql` in this dialect: placeholders numbered for PostgreSQL, `{serial}` spelled out.
    public func render(_ sql: String) -> String {
        let text = sql.replacingOccurrences(
            of: "{serial}", with: self == .sqlite ? "INTEGER PRIMARY KEY" : "BIGSERIAL PRIMARY KEY")
        guard self == .postgres else { return text }
        var out = ""
        var number = 0
        var inQuote = false
        for character in text {
            if character == "'" { inQuote.toggle() }
            if character == "?" && !inQuote {
                number += 1
                out += "$\(number)"
            } else {
                out.append(character)
            }
        }
        return out
    }
}
