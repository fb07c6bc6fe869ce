import ApusTable

/// Rows identical to an earlier row over every column of a table.
///
/// Each row gets a 64-bit hash (numbers by canonical bits, so −0 and +0 and every NaN
/// agree; categorical codes; text bytes), computed column by column over blocks of rows in
/// parallel into one array. An open-addressing table of first occurrences then finds the
/// earlier row with the same hash, and the two rows are compared value by value, so a hash
/// collision is never counted. No allocation per row: one hash and one slot array.
enum DuplicateRows {
    struct Result: Equatable {
        /// Rows equal to an earlier row.
        let count: Int
        /// The first such row and the earlier row it repeats (0-based).
        let firstPair: (earlier: Int, later: Int)?

        static func == (a: Result, b: Result) -> Bool {
            a.count == b.count && a.firstPair?.earlier == b.firstPair?.earlier && a.firstPair?.later == b.firstPair?.later
        }
    }

    static func find(in table: Table) -> Result {
        let rows = table.rowCount
        guard rows > 1, !table.columns.isEmpty else { return Result(count: 0, firstPair: nil) }
        let hashes = rowHashes(table)
        var bits = 1
        while (1 << bits) < rows * 2 { bits += 1 }
        let mask = (1 << bits) - 1
        var slots = [Int](repeating: -1, count: 1 << bits)
        var count = 0
        var firstPair: (Int, Int)?
        let columns = table.columns
        hashes.withUnsafeBufferPointer { hashes in
            slots.withUnsafeMutableBufferPointer { slots in
                for row in 0..<rows {
                    let hash = hashes[row]
                    var slot = Int(truncatingIfNeeded: hash) & mask
                    while true {
                        let other = slots[slot]
                        if other < 0 { slots[slot] = row; break }
                        if hashes[other] == hash && rowsEqual(columns, other, row) {
                            count += 1
                            if firstPair == nil { firstPair = (other, row) }
                            break
                        }
                        slot = (slot + 1) & mask
                    }
                }
            }
        }
        return Result(count: count, firstPair: firstPair)
    }

    /// One hash per row over all columns, in parallel over blocks of rows.
    static func rowHashes(_ table: Table) -> [UInt64] {
        let rows = table.rowCount, columns = table.columns
        let blockRows = 32_768
        let blocks = (rows + blockRows - 1) / blockRows
        var hashes = [UInt64](repeating: 0x2545_F491_4F6C_DD1D, count: rows)
        Parallel.forEachBlock(count: blocks, writing: &hashes) { block, out in
            let range = block * blockRows..<min(rows, (block + 1) * blockRows)
            for column in columns { combine(column, rows: range, into: out) }
        }
        return hashes
    }

    private static let nanBits: UInt64 = 0x7FF8_0000_0000_0001
    private static let missingText: UInt64 = 0x6A09_E667_F3BC_C909

    private static func combine(_ column: Column, rows: Range<Int>, into out: UnsafeMutablePointer<UInt64>) {
        switch column {
        case .numeric(let c): combineDoubles(c.storage, rows: rows, into: out)
        case .timestamp(let c): combineDoubles(c.storage, rows: rows, into: out)
        case .categorical(let c):
            c.codes.withUnsafeBufferPointer { codes in
                for row in rows { out[row] = step(out[row], UInt64(codes[row])) }
            }
        case .boolean(let c):
            c.storage.withUnsafeBufferPointer { bytes in
                for row in rows { out[row] = step(out[row], UInt64(bytes[row])) }
            }
        case .text(let c):
            c.bytes.withUnsafeBufferPointer { bytes in
                c.offsets.withUnsafeBufferPointer { offsets in
                    c.missing.withUnsafeBufferPointer { missing in
                        for row in rows {
                            let cell = missing[row] != 0 ? missingText
                                : hashBytes(bytes, from: offsets[row], to: offsets[row + 1])
                            out[row] = step(out[row], cell)
                        }
                    }
                }
            }
        }
    }

    private static func combineDoubles(_ storage: ColumnBuffer<Double>, rows: Range<Int>, into out: UnsafeMutablePointer<UInt64>) {
        storage.withUnsafeBufferPointer { values in
            for row in rows {
                let value = values[row]
                let bits = value.isNaN ? nanBits : (value == 0 ? 0 : value.bitPattern)
                out[row] = step(out[row], bits)
            }
        }
    }

    /// Folds one cell into a row's hash, order-sensitively.
    @inline(__always)
    private static func step(_ hash: UInt64, _ cell: UInt64) -> UInt64 {
        StableHash.mix(hash &* 0x9E37_79B1_85EB_CA87 &+ cell)
    }

    /// FNV-1a over a row's text bytes, finalised.
    private static func hashBytes(_ bytes: UnsafeBufferPointer<UInt8>, from start: Int, to end: Int) -> UInt64 {
        var h: UInt64 = 0xCBF2_9CE4_8422_2325
        for k in start..<end { h = (h ^ UInt64(bytes[k])) &* 0x0000_0100_0000_01B3 }
        return StableHash.mix(h ^ UInt64(end - start))
    }

    /// Whether rows `a` and `b` hold the same values in every column (missing equals missing).
    private static func rowsEqual(_ columns: [Column], _ a: Int, _ b: Int) -> Bool {
        for column in columns {
            switch column {
            case .numeric(let c): if !sameDouble(c.storage[a], c.storage[b]) { return false }
            case .timestamp(let c): if !sameDouble(c.storage[a], c.storage[b]) { return false }
            case .categorical(let c): if c.codes[a] != c.codes[b] { return false }
            case .boolean(let c): if c.storage[a] != c.storage[b] { return false }
            case .text(let c): if !sameText(c, a, b) { return false }
            }
        }
        return true
    }

    @inline(__always)
    private static func sameDouble(_ x: Double, _ y: Double) -> Bool { x == y || (x.isNaN && y.isNaN) }

    private static func sameText(_ c: TextColumn, _ a: Int, _ b: Int) -> Bool {
        let missingA = c.missing[a] != 0, missingB = c.missing[b] != 0
        if missingA || missingB { return missingA == missingB }
        let startA = c.offsets[a], startB = c.offsets[b]
        let length = c.offsets[a + 1] - startA
        guard length == c.offsets[b + 1] - startB else { return false }
        return c.bytes.withUnsafeBufferPointer { bytes in
            for k in 0..<length where bytes[startA + k] != bytes[startB + k] { return false }
            return true
        }
    }
}
