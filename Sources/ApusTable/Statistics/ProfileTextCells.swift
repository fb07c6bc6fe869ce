/// The cells of one line of `TableProfile.renderText`.
struct ProfileTextCells {
    /// Longest column name shown before it is cut with `…`.
    var nameWidth: Int
    /// Longest level shown before it is cut with `…`.
    var levelWidth: Int
    /// Most levels shown in the `top` cell.
    var levelsShown = 3

    /// Column titles, in order.
    static let header = ["column", "kind", "missing", "mean", "std", "min", "p50", "max", "distinct", "top"]
    /// Which columns hold numbers and are right-aligned.
    static let rightAligned: Set<Int> = [2, 3, 4, 5, 6, 7, 8]
    /// The mark before an estimated cell.
    static let estimateMark = "≈"

    /// The cells for `statistics`, in the order of `header`.
    func cells(_ statistics: ColumnStatistics) -> [String] {
        let isTime = statistics.kind == .timestamp
        let value: (Double?) -> String = { $0.map { isTime ? Self.shortTimestamp($0) : NumberFormatting.significant($0) } ?? "" }
        let quantileMark = statistics.isApproximate(.quantiles) ? Self.estimateMark : ""
        return [
            Self.truncated(Self.printable(statistics.name), to: nameWidth),
            statistics.kind.rawValue,
            Self.missingCell(statistics),
            value(statistics.mean),
            statistics.std.map { isTime ? Self.duration($0) : NumberFormatting.significant($0) } ?? "",
            value(statistics.min),
            statistics.median.map { quantileMark + value($0) } ?? "",
            value(statistics.max),
            statistics.distinct.map { (statistics.isApproximate(.distinct) ? Self.estimateMark : "") + formatCount($0) } ?? "",
            topCell(statistics),
        ]
    }

    /// `3 (1.5%)`, or `0`.
    static func missingCell(_ statistics: ColumnStatistics) -> String {
        guard statistics.missing > 0, statistics.count > 0 else { return "0" }
        let percent = 100 * Double(statistics.missing) / Double(statistics.count)
        return "\(formatCount(statistics.missing)) (\(NumberFormatting.significant(percent, digits: 3))%)"
    }

    /// `a (40), b (30), …` for the most frequent levels.
    func topCell(_ statistics: ColumnStatistics) -> String {
        guard let levels = statistics.topLevels, !levels.isEmpty else { return "" }
        let mark = statistics.isApproximate(.topLevels) ? Self.estimateMark : ""
        var parts = levels.prefix(levelsShown).map { level in
            let text = level.value.isEmpty ? "\"\"" : Self.truncated(Self.printable(level.value), to: levelWidth)
            return "\(text) (\(mark)\(formatCount(level.count)))"
        }
        if levels.count > levelsShown { parts.append("…") }
        return parts.joined(separator: ", ")
    }

    /// A timestamp in ISO 8601, without the time of day when it is midnight.
    static func shortTimestamp(_ seconds: Double) -> String {
        guard seconds.isFinite else { return NumberFormatting.significant(seconds) }
        let text = TimestampParsing.iso8601(seconds)
        return text.hasSuffix("T00:00:00Z") ? String(text.prefix(text.count - 10)) : text
    }

    /// A duration in seconds as `45s`, `12.5m`, `3.2h` or `41.7d`.
    static func duration(_ seconds: Double) -> String {
        let units: [(String, Double)] = [("d", 86_400), ("h", 3_600), ("m", 60)]
        for (unit, size) in units where abs(seconds) >= size {
            return NumberFormatting.significant(seconds / size, digits: 3) + unit
        }
        return NumberFormatting.significant(seconds, digits: 3) + "s"
    }

    /// `text` with control characters escaped (`\n`, `\t`) so that it stays on one line.
    static func printable(_ text: String) -> String {
        guard text.unicodeScalars.contains(where: { $0.properties.generalCategory == .control }) else { return text }
        var out = ""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            default: out.unicodeScalars.append(scalar.properties.generalCategory == .control ? "·" : scalar)
            }
        }
        return out
    }

    /// `text` cut to `width` characters, the last being `…` when it was cut.
    static func truncated(_ text: String, to width: Int) -> String {
        guard text.count > width else { return text }
        return String(text.prefix(Swift.max(width - 1, 0))) + "…"
    }
}
