/// Chooses each column's kind from a sample of its values.
///
/// Over the sample's non-missing values, in this order: all `true`/`false` (any case) →
/// boolean; all numbers → numeric; all ISO-8601 dates or times → timestamp; otherwise
/// strings: text when they are long (over 64 bytes on average) or mostly distinct (over
/// 100 distinct values, more than half of the values), categorical otherwise. A column
/// with no value in the sample is numeric. Numbers are never taken as timestamps or
/// booleans by inference; a schema file can force that.
enum TypeInference {
    static func inferKind(of sample: TextColumn) -> ColumnKind {
        var isBoolean = true, isNumeric = true, isTimestamp = true
        var present = 0, totalLength = 0
        var distinct = Set<String>()
        sample.bytes.withUnsafeBufferPointer { bytes in
            let base = bytes.baseAddress ?? UnsafePointer(bitPattern: 1)!
            for row in 0..<sample.count where !sample.isMissing(row) {
                let start = sample.offsets[row], end = sample.offsets[row + 1]
                var blank = true
                for k in start..<end where base[k] != 32 && base[k] != 9 { blank = false; break }
                if blank { continue }
                present += 1
                totalLength += end - start
                if isBoolean && FieldParsing.parseBoolean(base, start, end, lenient: false) == nil { isBoolean = false }
                if isNumeric && FieldParsing.parseDouble(base, start, end) == nil { isNumeric = false }
                if isTimestamp && FieldParsing.parseTimestamp(base, start, end, allowEpochSeconds: false) == nil { isTimestamp = false }
            }
            guard !isBoolean && !isNumeric && !isTimestamp else { return }
            for row in 0..<sample.count where !sample.isMissing(row) && distinct.count <= 100_000 {
                let start = sample.offsets[row], end = sample.offsets[row + 1]
                distinct.insert(String(decoding: UnsafeBufferPointer(start: base + start, count: end - start), as: UTF8.self))
            }
        }
        if present == 0 { return .numeric }
        if isBoolean { return .boolean }
        if isNumeric { return .numeric }
        if isTimestamp { return .timestamp }
        if totalLength / present > 64 { return .text }
        if distinct.count > 100 && distinct.count * 2 > present { return .text }
        return .categorical
    }
}
