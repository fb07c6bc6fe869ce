import Foundation

/// A LightGBM text model file (`Booster.save_model`, `model.txt`) read into its sections:
/// the header's `key=value` lines, each `Tree=N` block's lines, the `parameters:` block and
/// the pandas categorical levels. No meaning is given to the values here; ``LightGBMImport``
/// does that.
struct LightGBMTextModel {
    var header: [String: String] = [:]
    var trees: [[String: String]] = []
    var parameters: [String: String] = [:]
    /// `pandas_categorical:[["x", "y"], ...]`, one level list per categorical feature.
    var pandasCategorical: [[String]]?

    /// The most trees, and the longest line, a file may have (bounded memory on hostile files).
    static let maxTrees = 1_000_000
    static let maxLineBytes = 64 << 20

    init(text: String) throws(ImportError) {
        var section = 0  // 0 header, 1 trees, 2 parameters, 3 after
        var current: [String: String]?
        var lineNumber = 0
        for rawLine in text.split(separator: "\n", omittingEmptySubsequences: false) {
            lineNumber += 1
            let line = rawLine.hasSuffix("\r") ? rawLine.dropLast() : rawLine
            guard line.utf8.count <= Self.maxLineBytes else { throw ImportError("line \(lineNumber) is longer than 64 MB") }
            if line.isEmpty { continue }
            if line.hasPrefix("Tree=") {
                if let current { trees.append(current) }
                guard trees.count < Self.maxTrees else { throw ImportError("more than \(Self.maxTrees) trees") }
                guard Int(line.dropFirst(5)) == trees.count else {
                    throw ImportError("line \(lineNumber): expected Tree=\(trees.count), found `\(line.prefix(40))`")
                }
                current = [:]
                section = 1
                continue
            }
            if line == "end of trees" {
                if let current { trees.append(current) }
                current = nil
                section = 3
                continue
            }
            if line == "parameters:" { section = 2; continue }
            if line == "end of parameters" { section = 3; continue }
            if line.hasPrefix("pandas_categorical:") {
                pandasCategorical = try Self.levelLists(String(line.dropFirst("pandas_categorical:".count)), line: lineNumber)
                continue
            }
            switch section {
            case 0:
                if let equals = line.firstIndex(of: "=") {
                    header[String(line[..<equals])] = String(line[line.index(after: equals)...])
                } else if line != "tree" {
                    throw ImportError("line \(lineNumber): `\(line.prefix(40))` is not a LightGBM model header line (is this a LightGBM text model?)")
                }
            case 1:
                guard let equals = line.firstIndex(of: "=") else {
                    throw ImportError("line \(lineNumber): `\(line.prefix(40))` in tree \(trees.count) is not key=value")
                }
                current?[String(line[..<equals])] = String(line[line.index(after: equals)...])
            case 2:
                // `[key: value]`
                if line.hasPrefix("["), line.hasSuffix("]"), let colon = line.firstIndex(of: ":") {
                    let key = line[line.index(after: line.startIndex)..<colon]
                    let value = line[line.index(after: colon)..<line.index(before: line.endIndex)]
                    parameters[String(key)] = value.trimmingCharacters(in: .whitespaces)
                }
            default:
                continue
            }
        }
        if let current { trees.append(current) }
        guard header["version"] != nil || header["num_class"] != nil else {
            throw ImportError("no LightGBM header (version=, num_class=, ...): is this a LightGBM text model?")
        }
    }

    /// `[["x", "y"], [...]]` or `null`.
    static func levelLists(_ text: String, line: Int) throws(ImportError) -> [[String]]? {
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        if trimmed == "null" || trimmed.isEmpty { return nil }
        var lists: [[String]] = []
        var current: [String]?
        var iterator = trimmed.unicodeScalars.makeIterator()
        var depth = 0
        while let scalar = iterator.next() {
            switch scalar {
            case "[":
                depth += 1
                if depth == 2 { current = [] }
                guard depth <= 2 else { throw ImportError("line \(line): pandas_categorical is nested too deep") }
            case "]":
                if depth == 2, let list = current { lists.append(list); current = nil }
                depth -= 1
            case "\"":
                var value = String.UnicodeScalarView()
                while let next = iterator.next(), next != "\"" {
                    if next == "\\", let escaped = iterator.next() {
                        value.append(escaped == "n" ? "\n" : escaped == "t" ? "\t" : escaped)
                    } else {
                        value.append(next)
                    }
                }
                current?.append(String(value))
            case ",", " ":
                continue
            default:
                // Numbers (integer categories) are kept as their text.
                var value = String.UnicodeScalarView([scalar])
                while let next = iterator.next() {
                    if next == "," { break }
                    if next == "]" {
                        current?.append(String(value))
                        value = String.UnicodeScalarView()
                        if depth == 2, let list = current { lists.append(list); current = nil }
                        depth -= 1
                        break
                    }
                    value.append(next)
                }
                if !value.isEmpty { current?.append(String(value)) }
            }
        }
        guard depth == 0 else { throw ImportError("line \(line): pandas_categorical's brackets do not balance") }
        return lists
    }
}
