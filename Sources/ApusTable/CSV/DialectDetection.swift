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

    /// Occurrences of `delimiter` outside quotes in each of the first records, quotes
    /// followed as the parser follows them.
    private static func countsPerLine(_ base: UnsafePointer<UInt8>, count: Int, delimiter: UInt8, maxLines: Int) -> [Int] {
        var counts: [Int] = []
        var tracker = QuoteTracker()
        var current = 0
        for i in 0..<count {
            switch tracker.step(base[i], delimiter: delimiter) {
            case .fieldEnd: current += 1
            case .recordEnd:
                counts.append(current)
                current = 0
                if counts.count == maxLines { return counts }
            case .inField: break
            }
        }
        if counts.isEmpty { counts.append(current) }
        return counts
    }

    /// The fields of the record that starts at `base` and ends within `count` bytes (the
    /// header), with the same quoting rules as the data rows.
    static func firstRecord(_ base: UnsafePointer<UInt8>, count: Int, delimiter: UInt8) throws -> [[UInt8]] {
        var fields: [[UInt8]] = []
        var field: [UInt8] = []
        var i = 0
        while true {
            if i < count && base[i] == 34 {
                i += 1
                while true {
                    guard i < count else { throw CSVError(.unterminatedQuote) }
                    if base[i] == 34 {
                        if i + 1 < count && base[i + 1] == 34 { field.append(34); i += 2; continue }
                        i += 1
                        break
                    }
                    field.append(base[i])
                    i += 1
                }
                if i < count && base[i] == 13 && (i + 1 == count || base[i + 1] == 10) { i += 1 }
                if i < count && base[i] != delimiter && base[i] != 10 {
                    throw CSVError(.unexpectedAfterClosingQuote(SubrangeParser.lineExcerpt(base, i, count)))
                }
            } else {
                while i < count && base[i] != delimiter && base[i] != 10 { field.append(base[i]); i += 1 }
                if (i == count || base[i] == 10) && field.last == 13 { field.removeLast() }
            }
            fields.append(field)
            field = []
            if i < count && base[i] == delimiter { i += 1; continue }
            return fields
        }
    }
}
