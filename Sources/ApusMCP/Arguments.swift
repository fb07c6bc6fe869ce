import MCP

/// A tool call's arguments, read with messages that name the argument and say what it takes.
struct Arguments {
    let values: [String: Value]
    let tool: String

    /// Refuses arguments the tool does not take.
    func only(_ names: [String]) throws {
        for name in values.keys.sorted() where !names.contains(name) {
            let takes = names.isEmpty ? "no arguments" : names.map { "`\($0)`" }.joined(separator: ", ")
            throw ToolError("\(tool) has no argument `\(name)`: it takes \(takes)")
        }
    }

    /// A required string.
    func string(_ name: String) throws -> String {
        guard let value = values[name] else { throw ToolError("\(tool) needs the argument `\(name)`") }
        guard case .string(let text) = value, !text.isEmpty else {
            throw ToolError("\(tool): `\(name)` must be a non-empty string, not \(JSONValues.typeName(value))")
        }
        return text
    }

    /// An optional string.
    func optionalString(_ name: String) throws -> String? {
        guard let value = values[name], value != .null else { return nil }
        return try string(name)
    }

    /// A version or alias: a string, or a whole number taken as its text.
    func versionText(_ name: String) throws -> String {
        if case .int(let number)? = values[name] { return String(number) }
        if case .double(let number)? = values[name], number == number.rounded(), abs(number) < 1e9 { return String(Int(number)) }
        return try string(name)
    }

    /// A required whole number within `range`.
    func integer(_ name: String, in range: ClosedRange<Int>) throws -> Int {
        guard let value = values[name] else { throw ToolError("\(tool) needs the argument `\(name)`") }
        return try integer(name, value, in: range)
    }

    /// An optional whole number within `range`.
    func optionalInteger(_ name: String, in range: ClosedRange<Int>) throws -> Int? {
        guard let value = values[name], value != .null else { return nil }
        return try integer(name, value, in: range)
    }

    private func integer(_ name: String, _ value: Value, in range: ClosedRange<Int>) throws -> Int {
        let number: Int?
        switch value {
        case .int(let integer): number = integer
        case .double(let double) where double == double.rounded() && abs(double) < 1e15: number = Int(double)
        default: number = nil
        }
        guard let number, range.contains(number) else {
            throw ToolError("\(tool): `\(name)` must be a whole number from \(range.lowerBound) to \(range.upperBound), not \(value)")
        }
        return number
    }

    /// The rows argument: an array of objects.
    func rows(_ name: String) throws -> [[String: Value]] {
        guard let value = values[name] else { throw ToolError("\(tool) needs the argument `\(name)`: an array of rows, each an object of feature values") }
        guard case .array(let elements) = value else {
            throw ToolError("\(tool): `\(name)` must be an array of rows (objects of feature values), not \(JSONValues.typeName(value))")
        }
        return try elements.enumerated().map { index, element in
            guard case .object(let row) = element else {
                throw ToolError("\(tool): `\(name)[\(index)]` must be an object of feature values, not \(JSONValues.typeName(element))")
            }
            return row
        }
    }

    /// The row argument: one object.
    func row(_ name: String) throws -> [String: Value] {
        guard let value = values[name] else { throw ToolError("\(tool) needs the argument `\(name)`: an object of feature values") }
        guard case .object(let row) = value else {
            throw ToolError("\(tool): `\(name)` must be an object of feature values, not \(JSONValues.typeName(value))")
        }
        return row
    }
}
