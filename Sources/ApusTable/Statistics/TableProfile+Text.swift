extension TableProfile {
    /// The profile as an aligned text table for a terminal, one line per column:
    ///
    /// ```text
    /// data.csv: 4 rows × 2 columns
    /// column  kind         missing  mean  std  min  p50  max  distinct  top
    /// ------  -----------  -------  ----  ---  ---  ---  ---  --------  ------------------
    /// x       numeric      1 (25%)     2    1    1    2    3         3
    /// city    categorical        0                                   2  Oslo (3), Rome (1)
    /// ```
    ///
    /// Numbers have at most six significant digits; timestamps are shown in ISO 8601 (the
    /// date alone at midnight), their standard deviation as a duration. Long names and
    /// levels are cut with `…`, control characters escaped, so a wide or messy table stays
    /// readable. A `≈` marks an estimate of a streaming profile.
    /// - Parameters:
    ///   - title: shown before the row and column counts, such as the file name.
    ///   - nameWidth: longest column name shown in full. Defaults to 24.
    ///   - levelWidth: longest level shown in full in the `top` cell. Defaults to 16.
    public func renderText(title: String? = nil, nameWidth: Int = 24, levelWidth: Int = 16) -> String {
        let cells = ProfileTextCells(nameWidth: Swift.max(nameWidth, 2), levelWidth: Swift.max(levelWidth, 2))
        let body = columns.map(cells.cells)
        let header = ProfileTextCells.header
        let rule = header.indices.map { column in
            String(repeating: "-", count: ([header] + body).map { $0[column].count }.max() ?? 0)
        }
        var lines = [summaryLine(title: title)]
        lines += Self.aligned([header, rule] + body)
        if approximate {
            lines.append("\(ProfileTextCells.estimateMark) estimated: quantiles from a sample, counts from sketches")
        }
        return lines.joined(separator: "\n") + "\n"
    }

    private func summaryLine(title: String?) -> String {
        let shape = "\(formatCount(rows)) \(rows == 1 ? "row" : "rows") × "
            + "\(formatCount(columns.count)) \(columns.count == 1 ? "column" : "columns")"
        return title.map { "\($0): \(shape)" } ?? shape
    }

    /// Pads every cell to its column's width, numbers to the right, and trims line ends.
    private static func aligned(_ rows: [[String]]) -> [String] {
        guard let first = rows.first else { return [] }
        let widths = first.indices.map { column in rows.map { $0[column].count }.max() ?? 0 }
        return rows.map { row in
            let padded = row.enumerated().map { column, cell in
                let padding = String(repeating: " ", count: widths[column] - cell.count)
                return ProfileTextCells.rightAligned.contains(column) ? padding + cell : cell + padding
            }
            var line = padded.joined(separator: "  ")
            while line.hasSuffix(" ") { line.removeLast() }
            return line
        }
    }
}
