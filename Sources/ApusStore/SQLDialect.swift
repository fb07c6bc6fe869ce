import Foundation

/// The few differences between the SQL dialects the store speaks. Statements are written
/// once, with `?` placeholders, `{serial}` for an auto-numbered primary key and
/// `{without_rowid}` after a table keyed by its primary key alone (SQLite stores such a
/// table as one B-tree; PostgreSQL has no such clause), and rendered for each dialect
/// (decision 0003).
public enum SQLDialect: String, Sendable, CaseIterable {
    case sqlite
    case postgres

    /// `sql` in this dialect: placeholders numbered for PostgreSQL, `{serial}` spelled out.
    public func render(_ sql: String) -> String {
        if self == .sqlite && !sql.contains("{") { return sql }
        let text = sql
            .replacingOccurrences(of: "{serial}", with: self == .sqlite ? "INTEGER PRIMARY KEY" : "BIGSERIAL PRIMARY KEY")
            .replacingOccurrences(of: " {without_rowid}", with: self == .sqlite ? " WITHOUT ROWID" : "")
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
