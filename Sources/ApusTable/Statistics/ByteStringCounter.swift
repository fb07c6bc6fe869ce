#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Counts the distinct values of a text column in one pass, without building a `String`
/// per row: an open-addressing hash table whose keys are byte ranges of the column.
///
/// The counter refers to the column's bytes and must not outlive the column.
struct ByteStringCounter {
    /// One distinct value: its byte range in the column, its hash and its tally.
    struct Entry {
        var start: Int
        var length: Int
        var hash: UInt64
        var tally: LevelTally
    }

    /// Distinct values in order of first appearance.
    private(set) var entries: [Entry] = []
    /// Number of missing rows.
    private(set) var missing = 0
    /// Entry index + 1 per slot; 0 is an empty slot.
    private var slots = [Int](repeating: 0, count: 64)

    /// Counts every row of `column`.
    /// - Complexity: O(total bytes) expected.
    init(_ column: TextColumn) {
        column.bytes.withUnsafeBufferPointer { bytes in
            column.offsets.withUnsafeBufferPointer { offsets in
                column.missing.withUnsafeBufferPointer { missing in
                    let base = UnsafeRawPointer(bytes.baseAddress ?? UnsafePointer(bitPattern: 1)!)
                    for row in 0..<missing.count {
                        if missing[row] != 0 { self.missing &+= 1; continue }
                        let start = offsets[row], length = offsets[row + 1] - start
                        insert(base, start: start, length: length, row: row)
                    }
                }
            }
        }
    }

    private mutating func insert(_ base: UnsafeRawPointer, start: Int, length: Int, row: Int) {
        let hash = StableHash.hash(base + start, count: length)
        let mask = slots.count - 1
        var slot = Int(truncatingIfNeeded: hash) & mask
        while slots[slot] != 0 {
            let index = slots[slot] - 1
            let entry = entries[index]
            if entry.hash == hash && entry.length == length
                && (length == 0 || memcmp(base + entry.start, base + start, length) == 0) {
                entries[index].tally.count &+= 1
                return
            }
            slot = (slot + 1) & mask
        }
        entries.append(Entry(start: start, length: length, hash: hash, tally: LevelTally(count: 1, firstRow: row)))
        slots[slot] = entries.count
        if entries.count * 2 > slots.count { grow() }
    }

    private mutating func grow() {
        slots = [Int](repeating: 0, count: slots.count * 2)
        let mask = slots.count - 1
        for (index, entry) in entries.enumerated() {
            var slot = Int(truncatingIfNeeded: entry.hash) & mask
            while slots[slot] != 0 { slot = (slot + 1) & mask }
            slots[slot] = index + 1
        }
    }

    /// The text of `entry`, read from `column` (the column that was counted).
    static func text(of entry: Entry, in column: TextColumn) -> String {
        column.bytes.withUnsafeBufferPointer { bytes in
            String(decoding: UnsafeBufferPointer(rebasing: bytes[entry.start..<entry.start + entry.length]), as: UTF8.self)
        }
    }
}
