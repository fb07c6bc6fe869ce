/// Counting loops over the storage of categorical and boolean columns.
enum LevelCounting {
    /// Per-level counts of a categorical column.
    struct CategoricalCounts {
        /// Rows per code (index = code).
        var counts: [Int]
        /// First row holding each code; meaningful where the count is above zero.
        var firstRows: [Int]
        /// Number of missing rows.
        var missing: Int
    }

    /// Counts the rows of each level of `column`.
    /// - Complexity: O(rows + levels), one pass over the codes.
    static func count(_ column: CategoricalColumn) -> CategoricalCounts {
        let levelCount = column.levels.count
        var counts = [Int](repeating: 0, count: levelCount)
        var firstRows = [Int](repeating: 0, count: levelCount)
        var missing = 0
        column.codes.withUnsafeBufferPointer { codes in
            counts.withUnsafeMutableBufferPointer { counts in
                firstRows.withUnsafeMutableBufferPointer { firstRows in
                    for row in 0..<codes.count {
                        let code = codes[row]
                        if code == CategoricalColumn.missingCode { missing &+= 1; continue }
                        let level = Int(code)
                        precondition(level < levelCount, "categorical code \(code) has no level")
                        if counts[level] == 0 { firstRows[level] = row }
                        counts[level] &+= 1
                    }
                }
            }
        }
        return CategoricalCounts(counts: counts, firstRows: firstRows, missing: missing)
    }

    /// Counts of a boolean column.
    struct BooleanCounts {
        /// Rows holding `false`, and the first of them.
        var falseTally = LevelTally(count: 0, firstRow: 0)
        /// Rows holding `true`, and the first of them.
        var trueTally = LevelTally(count: 0, firstRow: 0)
        /// Number of missing rows.
        var missing = 0
    }

    /// Counts the `true`, `false` and missing rows of `column`.
    /// - Complexity: O(rows).
    static func count(_ column: BooleanColumn) -> BooleanCounts {
        var tallies = (0, 0, 0)
        column.storage.withUnsafeBufferPointer { bytes in
            for byte in bytes {
                tallies.0 &+= byte == 0 ? 1 : 0
                tallies.1 &+= byte == 1 ? 1 : 0
            }
            tallies.2 = bytes.count - tallies.0 - tallies.1
        }
        let firstFalse = tallies.0 > 0 ? firstRow(of: 0, in: column) : 0
        let firstTrue = tallies.1 > 0 ? firstRow(of: 1, in: column) : 0
        return BooleanCounts(
            falseTally: LevelTally(count: tallies.0, firstRow: firstFalse),
            trueTally: LevelTally(count: tallies.1, firstRow: firstTrue),
            missing: tallies.2
        )
    }

    private static func firstRow(of byte: UInt8, in column: BooleanColumn) -> Int {
        column.storage.withUnsafeBufferPointer { $0.firstIndex(of: byte) ?? 0 }
    }
}
