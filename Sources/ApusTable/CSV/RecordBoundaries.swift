#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A stretch of a block holding whole records, parsed by one thread.
struct BlockPart {
    var start: Int
    var end: Int
    /// Records in the stretch (blank lines included).
    var records: Int
}

/// Finds where whole records end in a block of bytes and cuts the block into stretches of
/// whole records for the threads.
///
/// A block without any `"` byte is cut at newlines directly. Otherwise a small state
/// machine tracks quoted fields, so a newline inside quotes never ends a record; or, to
/// keep that sequential pass off the critical path, the block is cut at newlines anyway
/// (`cutAtNewlines`) and the parse proves each cut (`BlockPipeline.process(speculative:)`).
enum RecordBoundaries {
    /// The outcome of scanning a block.
    enum Scan {
        /// `parts` cover `0..<parts.last!.end`; bytes after that begin an incomplete record.
        case parts([BlockPart])
        /// No record ends in the block; `insideQuotes` tells whether a quoted field is open.
        case needMore(insideQuotes: Bool)
    }

    /// The number of fields of the record that starts at `start`, where it ends (after its
    /// newline, or at `end`), and whether it reaches `end` inside an open quoted field;
    /// quotes are followed as the parser follows them.
    static func fields(_ base: UnsafePointer<UInt8>, from start: Int, end: Int, delimiter: UInt8)
        -> (count: Int, end: Int, endsInsideQuotes: Bool) {
        var tracker = QuoteTracker()
        var fields = 1
        var i = start
        while i < end {
            let step = tracker.step(base[i], delimiter: delimiter)
            i += 1
            if step == .recordEnd { return (fields, i, false) }
            if step == .fieldEnd { fields += 1 }
        }
        return (fields, end, tracker.isInsideQuotes)
    }

    /// Whether the record that starts at `start` ends (with its newline) before `limit`.
    static func endsWithin(_ base: UnsafePointer<UInt8>, from start: Int, limit: Int, delimiter: UInt8) -> Bool {
        var tracker = QuoteTracker()
        var i = start
        while i < limit {
            if tracker.step(base[i], delimiter: delimiter) == .recordEnd { return true }
            i += 1
        }
        return false
    }

    /// Where the first `wanted` records end (fewer if fewer end within `count` bytes; at
    /// the end of the input, trailing bytes without a newline are a record too).
    static func prefix(_ base: UnsafePointer<UInt8>, count: Int, records wanted: Int, delimiter: UInt8,
                       isEndOfInput: Bool) -> (end: Int, records: Int) {
        var end = 0, records = 0
        if memchr(base, 34, count) == nil {
            while records < wanted, end < count, let newline = memchr(base + end, 10, count - end) {
                end = UnsafeRawPointer(newline) - UnsafeRawPointer(base) + 1
                records += 1
            }
        } else {
            var tracker = QuoteTracker()
            var i = 0
            while i < count && records < wanted {
                if tracker.step(base[i], delimiter: delimiter) == .recordEnd { records += 1; end = i + 1 }
                i += 1
            }
        }
        if isEndOfInput && records < wanted && end < count { return (count, records + 1) }
        return (end, records)
    }

    static func scan(_ base: UnsafePointer<UInt8>, count: Int, delimiter: UInt8, isEndOfInput: Bool, parts wanted: Int) -> Scan {
        if count == 0 { return .parts([]) }
        if memchr(base, 34, count) == nil {
            return cutAtNewlines(base, count: count, isEndOfInput: isEndOfInput, parts: wanted)
        }
        return scanWithQuotes(base, count: count, delimiter: delimiter, isEndOfInput: isEndOfInput, parts: wanted)
    }

    /// 0x80 in exactly the bytes of `word` that are zero.
    @inline(__always)
    static func zeroBytes(_ word: UInt64) -> UInt64 {
        let low7: UInt64 = 0x7F7F_7F7F_7F7F_7F7F
        return ~(((word & low7) &+ low7) | word | low7)
    }

    /// Newlines in `base[start..<end]`, eight bytes at a time.
    static func countNewlines(_ base: UnsafePointer<UInt8>, _ start: Int, _ end: Int) -> Int {
        var total = 0
        var i = start
        while i &+ 8 <= end {
            let word = UnsafeRawPointer(base + i).loadUnaligned(as: UInt64.self) ^ 0x0A0A_0A0A_0A0A_0A0A
            total &+= zeroBytes(word).nonzeroBitCount
            i &+= 8
        }
        while i < end {
            total &+= base[i] == 10 ? 1 : 0
            i &+= 1
        }
        return total
    }

    /// Cuts the block after the newline nearest each thread's share, and after its last
    /// newline unless the input ends here; counts each part's newlines on its own thread.
    /// Exact for a block without quotes; with quotes, a cut may fall inside a quoted field
    /// and the counts are upper bounds, which the speculative parse allows for.
    static func cutAtNewlines(_ base: UnsafePointer<UInt8>, count: Int, isEndOfInput: Bool, parts wanted: Int) -> Scan {
        var end = count
        if !isEndOfInput {
            var last = count - 1
            while last >= 0 && base[last] != 10 { last -= 1 }
            guard last >= 0 else { return .needMore(insideQuotes: false) }
            end = last + 1
        }
        var parts: [BlockPart] = []
        var start = 0
        for k in 1...wanted where start < end {
            var cut = end
            if k < wanted {
                let target = max(start, end * k / wanted)
                if let newline = memchr(base + target, 10, end - target) {
                    cut = UnsafeRawPointer(newline) - UnsafeRawPointer(base) + 1
                }
            }
            if cut <= start { continue }
            parts.append(BlockPart(start: start, end: cut, records: 0))
            start = cut
        }
        // Count each part's records on its own thread.
        let shared = UnsafeSendablePointer(base), bounds = parts
        let counts = Parallel.map(count: parts.count) { k in countNewlines(shared.pointer, bounds[k].start, bounds[k].end) }
        for k in parts.indices { parts[k].records = counts[k] }
        if let last = parts.last, base[last.end - 1] != 10 { parts[parts.count - 1].records += 1 }
        return .parts(parts)
    }

    private static func scanWithQuotes(_ base: UnsafePointer<UInt8>, count: Int, delimiter: UInt8, isEndOfInput: Bool, parts wanted: Int) -> Scan {
        var tracker = QuoteTracker()
        var recordEnds: [Int] = []
        recordEnds.reserveCapacity(count / 32)
        var i = 0
        while i < count {
            if tracker.step(base[i], delimiter: delimiter) == .recordEnd { recordEnds.append(i &+ 1) }
            i &+= 1
        }
        if isEndOfInput && (recordEnds.last ?? 0) < count { recordEnds.append(count) }
        guard let end = recordEnds.last else { return .needMore(insideQuotes: tracker.isInsideQuotes) }
        var parts: [BlockPart] = []
        var start = 0, firstRecord = 0
        for k in 1...wanted where firstRecord < recordEnds.count {
            var lastRecord = recordEnds.count - 1
            if k < wanted {
                let target = end * k / wanted
                var low = firstRecord, high = recordEnds.count - 1
                while low < high {
                    let middle = (low + high) / 2
                    if recordEnds[middle] < target { low = middle + 1 } else { high = middle }
                }
                lastRecord = low
            }
            let cut = recordEnds[lastRecord]
            parts.append(BlockPart(start: start, end: cut, records: lastRecord - firstRecord + 1))
            start = cut
            firstRecord = lastRecord + 1
        }
        return .parts(parts)
    }
}

/// Follows quoting byte by byte exactly as the parser reads it: a `"` opens a quoted field
/// only at the start of a field; inside one, `""` is a quote and a lone `"` closes it, so
/// delimiters and newlines inside quotes are data.
struct QuoteTracker {
    enum Step { case inField, fieldEnd, recordEnd }

    /// 0 at a field's start, 1 in an unquoted field, 2 inside quotes, 3 after a quote
    /// inside quotes (closing, or the first of `""`).
    private var state: UInt8 = 0

    /// Whether the bytes so far end inside an open quoted field.
    var isInsideQuotes: Bool { state == 2 }

    @inline(__always)
    mutating func step(_ byte: UInt8, delimiter: UInt8) -> Step {
        switch state {
        case 2:
            if byte == 34 { state = 3 }
            return .inField
        case 3 where byte == 34:
            state = 2
            return .inField
        default:
            if byte == 10 { state = 0; return .recordEnd }
            if byte == delimiter { state = 0; return .fieldEnd }
            state = state == 0 && byte == 34 ? 2 : 1
            return .inField
        }
    }
}
