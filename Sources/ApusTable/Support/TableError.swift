/// An error from building or operating on a table.
public enum TableError: Error, Equatable, CustomStringConvertible {
    case emptyColumnName(position: Int)
    case duplicateColumnName(String, firstPosition: Int, secondPosition: Int)
    case lengthMismatch(column: String, expected: Int, found: Int)
    case unknownColumn(String, suggestion: String?)
    case wrongKind(column: String, expected: String, found: ColumnKind)
    case invalidArgument(String)
    case rowOutOfRange(row: Int, rowCount: Int)

    public var description: String {
        switch self {
        case .emptyColumnName(let position):
            "column \(position) has an empty name"
        case .duplicateColumnName(let name, let first, let second):
            "column name `\(name)` appears twice (columns \(first) and \(second)); names must be unique"
        case .lengthMismatch(let column, let expected, let found):
            "column `\(column)` has \(formatCount(found)) rows, the others \(formatCount(expected))"
        case .unknownColumn(let name, let suggestion):
            "no column named `\(name)`" + (suggestion.map { "; did you mean `\($0)`?" } ?? "")
        case .wrongKind(let column, let expected, let found):
            "column `\(column)` is \(found), expected \(expected)"
        case .invalidArgument(let message):
            message
        case .rowOutOfRange(let row, let rowCount):
            "row index \(row) is out of range for a table of \(formatCount(rowCount)) rows"
        }
    }
}

/// `1204` as `1,204`: counts in messages read more easily with separators.
public func formatCount(_ value: Int) -> String {
    let digits = String(value.magnitude)
    var out = ""
    for (index, character) in digits.enumerated() {
        if index > 0 && (digits.count - index) % 3 == 0 { out.append(",") }
        out.append(character)
    }
    return value < 0 ? "-" + out : out
}

/// The name in `candidates` closest to `name` by edit distance, if reasonably close.
public func closestName(to name: String, among candidates: [String]) -> String? {
    var best: (String, Int)?
    let a = Array(name.lowercased().unicodeScalars)
    for candidate in candidates {
        let b = Array(candidate.lowercased().unicodeScalars)
        var previous = Array(0...b.count)
        for i in 1...max(a.count, 1) where !a.isEmpty {
            var current = [i] + Array(repeating: 0, count: b.count)
            for j in stride(from: 1, through: b.count, by: 1) {
                let cost = a[i - 1] == b[j - 1] ? 0 : 1
                current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + cost)
            }
            previous = current
        }
        let distance = a.isEmpty ? b.count : previous[b.count]
        if best == nil || distance < best!.1 { best = (candidate, distance) }
    }
    guard let (candidate, distance) = best, distance <= max(2, name.count / 3) else { return nil }
    return candidate
}
