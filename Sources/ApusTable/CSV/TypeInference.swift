/// What the values of one column in the sample could be, gathered field by field while
/// the sample is parsed (no strings are made), and merged across threads.
///
/// The kind chosen over the sample's non-missing values, in this order: all
/// `true`/`false` (any case) → boolean; all numbers → numeric; all ISO-8601 dates or
/// times → timestamp; otherwise strings: text when they are long (over 64 bytes on
/// average) or mostly distinct (over 100 distinct strings, more than half of the values
/// that are not numbers), categorical otherwise. A column with no value in the sample is numeric. Numbers are
/// never taken as timestamps or booleans by inference; a schema file can force that.
struct KindEvidence: Sendable {
    private(set) var present = 0
    private var totalLength = 0
    private var couldBeBoolean = true
    private var couldBeNumber = true
    private var couldBeTimestamp = true
    /// Hashes of the values that are not numbers (up to `hashLimit`), counted distinct only
    /// if the column turns out to hold strings.
    private var hashes: [UInt64] = []
    private static let hashLimit = 200_000

    /// Takes one non-missing field (missing tokens are filtered by the caller).
    mutating func observe(_ base: UnsafePointer<UInt8>, _ start: Int, _ stop: Int) {
        var blank = true
        for k in start..<stop where base[k] != 32 && base[k] != 9 { blank = false; break }
        if blank { return }
        present += 1
        totalLength += stop - start
        // A number is neither a boolean nor an ISO timestamp, so one successful parse
        // settles all three questions for this value.
        if couldBeNumber && FieldParsing.parseDouble(base, start, stop) != nil {
            couldBeBoolean = false
            couldBeTimestamp = false
            return
        }
        couldBeNumber = false
        if couldBeBoolean && FieldParsing.parseBoolean(base, start, stop, lenient: false) == nil { couldBeBoolean = false }
        if couldBeTimestamp && FieldParsing.parseTimestamp(base, start, stop, allowEpochSeconds: false) == nil {
            couldBeTimestamp = false
        }
        // Only strings decide between categorical and text, so only they are counted.
        if hashes.count < Self.hashLimit { hashes.append(Self.hash(base, start, stop)) }
    }

    /// Adds what another thread saw.
    mutating func merge(_ other: KindEvidence) {
        present += other.present
        totalLength += other.totalLength
        couldBeBoolean = couldBeBoolean && other.couldBeBoolean
        couldBeNumber = couldBeNumber && other.couldBeNumber
        couldBeTimestamp = couldBeTimestamp && other.couldBeTimestamp
        hashes += other.hashes.prefix(max(0, Self.hashLimit - hashes.count))
    }

    /// The kind the evidence points to.
    var kind: ColumnKind {
        if present == 0 { return .numeric }
        if couldBeBoolean { return .boolean }
        if couldBeNumber { return .numeric }
        if couldBeTimestamp { return .timestamp }
        if totalLength / present > 64 { return .text }
        let distinct = distinctCount
        if distinct > 100 && distinct * 2 > hashes.count { return .text }
        return .categorical
    }

    /// Distinct hashes, counted in an open-addressing table (the hashes are already well
    /// mixed, so their low bits index it directly).
    private var distinctCount: Int {
        var size = 16
        while size < hashes.count * 2 { size <<= 1 }
        var slots = [UInt64](repeating: 0, count: size)
        var distinct = 0, sawZero = false
        for hash in hashes {
            if hash == 0 { if !sawZero { sawZero = true; distinct += 1 }; continue }
            var slot = Int(truncatingIfNeeded: hash) & (size - 1)
            while slots[slot] != 0 && slots[slot] != hash { slot = (slot + 1) & (size - 1) }
            if slots[slot] == 0 { slots[slot] = hash; distinct += 1 }
        }
        return distinct
    }

    /// FNV-1a, 64 bits: collisions among a sample's values are negligible.
    private static func hash(_ base: UnsafePointer<UInt8>, _ start: Int, _ stop: Int) -> UInt64 {
        var h: UInt64 = 0xCBF2_9CE4_8422_2325
        for k in start..<stop { h = (h ^ UInt64(base[k])) &* 0x0000_0100_0000_01B3 }
        return h
    }
}
