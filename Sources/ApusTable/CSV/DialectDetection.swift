/// Finds the delimiter and reads the header row.
enum DialectDetection {
    /// The candidates, in order of preference on a tie.
    static let candidateDelimiters: [UInt8] = [44, 59, 9, 124]  // , ; tab |

    /// The delimiter that splits the first lines into the same number of fields most
    /// consistently; `,` when none appears.
    static func detectDelimiter(_ base: UnsafePointer<UInt8>, count: Int) -> UInt8 {
        var best: (delimiter: UInt8, consistent: Int, perLine: Int)?
        for candidate in candidateDelimiters {
            let counts = countsPerLine(base, count: count, delimiter: candidate, maxLines: 30)
            guard let first = counts.first, first > 0 else { continue }
            let consistent = counts.filter { $0 == first }.count
            if best == nil || consistent > best!.consistent || (consistent == best!.consistent && first > best!.perLine) {
                best = (candidate, consistent, first)
            }
        }
        return best?.delimiter ?? 44
    }

    /// Occurrences of `delimiter` outside quotes on each complete line.
    private static func countsPerLine(_ base: UnsafePointer<UInt8>, count: Int, delimiter: UInt8, maxLines: Int) -> [Int] {
        var counts: [Int] = []
        var current = 0, quoted = false
        for i in 0..<count {
            let byte = base[i]
            if byte == 34 { quoted.toggle() }
            else if !quoted && byte == delimiter { current += 1 }
            else if !quoted && byte == 10 {
                counts.append(current)
                current = 0
                if counts.count == maxLines { break }
            }
        }
        if counts.isEmpty { counts.append(current) }
        return counts
    }

    /// The fields of the record starting at `base`, and the offset just past it; `nil` when
    /// the record does not end within `count` bytes and more input follows.
    static func firstRecord(_ base: UnsafePointer<UInt8>, count: Int, delimiter: UInt8, isEndOfInput: Bool) throws -> (fields: [[UInt8]], end: Int)? {
        var fields: [[UInt8]] = []
        var field: [UInt8] = []
        var i = 0, quoted = false, atFieldStart = true
        while i < count {
            let byte = base[i]
            if quoted {
                if byte == 34 {
                    if i + 1 < count && base[i + 1] == 34 { field.append(34); i += 2; continue }
                    if i + 1 == count && !isEndOfInput { return nil }
                    quoted = false
                } else {
                    field.append(byte)
                }
            } else if byte == 34 && atFieldStart {
                quoted = true
            } else if byte == delimiter {
                fields.append(field); field = []
                atFieldStart = true
                i += 1
                continue
            } else if byte == 10 {
                if field.last == 13 { field.removeLast() }
                fields.append(field)
                return (fields, i + 1)
            } else {
                field.append(byte)
            }
            atFieldStart = false
            i += 1
        }
        guard isEndOfInput else { return nil }
        if quoted { throw CSVError(.unterminatedQuote, row: nil) }
        if field.last == 13 { field.removeLast() }
        fields.append(field)
        return (fields, count)
    }
}
