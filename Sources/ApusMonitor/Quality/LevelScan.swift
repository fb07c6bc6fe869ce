import ApusTable

/// The distinct non-missing values of a categorical feature's column, as the text the
/// scorer looks up, with how often and where each first appears.
struct LevelScan: Sendable {
    struct Level: Sendable {
        let text: String
        var count: Int
        let firstRow: Int
    }

    /// Distinct values in order of first appearance.
    private(set) var levels: [Level] = []
    private(set) var missing = 0
    private(set) var firstMissingRow: Int?

    /// Rows holding a value.
    var present: Int { levels.reduce(0) { $0 + $1.count } }

    /// Scans `column`. A categorical column is counted by code; any other kind by value, each
    /// distinct value then written as the scorer writes it before looking it up
    /// (`Column.formattedValue`: `3` for 3.0, `true`, ISO-8601 timestamps).
    static func scan(_ column: Column) -> LevelScan {
        var scan = LevelScan()
        switch column {
        case .categorical(let c):
            var counts = [Int](repeating: 0, count: c.levels.count)
            var firstRows = [Int](repeating: -1, count: c.levels.count)
            c.codes.withUnsafeBufferPointer { codes in
                for row in codes.indices {
                    let code = codes[row]
                    if code == CategoricalColumn.missingCode { scan.noteMissing(row); continue }
                    let index = Int(code)
                    if counts[index] == 0 { firstRows[index] = row }
                    counts[index] &+= 1
                }
            }
            let order = counts.indices.filter { counts[$0] > 0 }.sorted { firstRows[$0] < firstRows[$1] }
            scan.levels = order.map { Level(text: c.levels[$0], count: counts[$0], firstRow: firstRows[$0]) }
        case .numeric(let c): scan.countBits(c.storage, column: column)
        case .timestamp(let c): scan.countBits(c.storage, column: column)
        case .boolean(let c):
            var counts = [0, 0], firstRows = [-1, -1]
            c.storage.withUnsafeBufferPointer { bytes in
                for row in bytes.indices {
                    let byte = bytes[row]
                    if byte == BooleanColumn.missingByte { scan.noteMissing(row); continue }
                    let index = byte == 0 ? 0 : 1
                    if counts[index] == 0 { firstRows[index] = row }
                    counts[index] += 1
                }
            }
            let order = [0, 1].filter { counts[$0] > 0 }.sorted { firstRows[$0] < firstRows[$1] }
            scan.levels = order.map { Level(text: $0 == 0 ? "false" : "true", count: counts[$0], firstRow: firstRows[$0]) }
        case .text(let c):
            var index: [String: Int] = [:]
            for row in 0..<c.count {
                guard let text = c[row] else { scan.noteMissing(row); continue }
                if let k = index[text] {
                    scan.levels[k].count += 1
                } else {
                    index[text] = scan.levels.count
                    scan.levels.append(Level(text: text, count: 1, firstRow: row))
                }
            }
        }
        return scan
    }

    private mutating func noteMissing(_ row: Int) {
        missing &+= 1
        if firstMissingRow == nil { firstMissingRow = row }
    }

    /// Counts doubles by bit pattern (NaN is missing), so distinct values stay distinct.
    private mutating func countBits(_ storage: ColumnBuffer<Double>, column: Column) {
        var index: [UInt64: Int] = [:]
        var found: [(count: Int, firstRow: Int)] = []
        storage.withUnsafeBufferPointer { values in
            for row in values.indices {
                let value = values[row]
                if value.isNaN { noteMissing(row); continue }
                if let k = index[value.bitPattern] {
                    found[k].count &+= 1
                } else {
                    index[value.bitPattern] = found.count
                    found.append((1, row))
                }
            }
        }
        levels = found.map { Level(text: column.formattedValue(at: $0.firstRow) ?? "", count: $0.count, firstRow: $0.firstRow) }
    }
}
