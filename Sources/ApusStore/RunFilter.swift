/// A filter over runs in MLflow's search syntax, so `mlflow runs search` users know it:
/// conditions joined by `and`, each `metrics.NAME OP NUMBER`, `params.NAME OP 'TEXT'`,
/// `tags.NAME OP 'TEXT'`, `status = 'finished'`, `kind = 'train'` or
/// `experiment = 'credit-risk'`.
///
/// `OP` is one of `=`, `!=`, `<`, `<=`, `>`, `>=` (numbers compare as numbers; text as
/// text, and `=`/`!=` only). A metric's value is its value at its last step. A parameter
/// compared with a number matches only where its value is a number.
public struct RunFilter: Sendable, Equatable {
    /// What a condition looks at.
    public enum Subject: Sendable, Equatable {
        case metric(String)
        case parameter(String)
        case tag(String)
        case status
        case kind
        case experiment
    }

    /// A comparison.
    public enum Comparison: String, Sendable, Equatable, CaseIterable {
        case equal = "="
        case notEqual = "!="
        case less = "<"
        case lessOrEqual = "<="
        case greater = ">"
        case greaterOrEqual = ">="
    }

    /// The value compared with.
    public enum Value: Sendable, Equatable {
        case number(Double)
        case text(String)
    }

    /// One condition.
    public struct Condition: Sendable, Equatable {
        /// What it looks at.
        public var subject: Subject
        /// How it compares.
        public var comparison: Comparison
        /// With what.
        public var value: Value
    }

    /// The conditions; all must hold.
    public var conditions: [Condition]

    /// A filter with `conditions` (none: every run).
    public init(conditions: [Condition] = []) { self.conditions = conditions }

    /// Parses `text`.
    ///
    /// - Throws: `StoreError` naming the condition that cannot be read and why.
    public init(parsing text: String) throws {
        var conditions: [Condition] = []
        for part in Self.splitOnAnd(text) {
            let trimmed = part.trimmingSpaces
            if trimmed.isEmpty { throw StoreError("filter `\(text)`: an empty condition around `and`") }
            conditions.append(try Self.condition(trimmed))
        }
        self.conditions = conditions
    }

    private static func condition(_ text: String) throws -> Condition {
        let scalars = Array(text.unicodeScalars)
        guard let opStart = scalars.firstIndex(where: { "=!<>".unicodeScalars.contains($0) }) else {
            throw StoreError("filter condition `\(text)`: no comparison (use =, !=, <, <=, >, >=)")
        }
        var opEnd = opStart + 1
        if opEnd < scalars.count && scalars[opEnd] == "=" { opEnd += 1 }
        let opText = String(String.UnicodeScalarView(scalars[opStart..<opEnd]))
        guard let comparison = Comparison(rawValue: opText == "==" ? "=" : opText) else {
            throw StoreError("filter condition `\(text)`: `\(opText)` is not a comparison (use =, !=, <, <=, >, >=)")
        }
        let left = String(String.UnicodeScalarView(scalars[..<opStart])).trimmingSpaces
        let right = String(String.UnicodeScalarView(scalars[opEnd...])).trimmingSpaces
        let subject = try Self.subject(left, in: text)
        let value: Value
        if right.count >= 2, let quote = right.first, quote == "'" || quote == "\"", right.last == quote {
            value = .text(String(right.dropFirst().dropLast()))
        } else if let number = Double(right) {
            value = .number(number)
        } else {
            throw StoreError("filter condition `\(text)`: `\(right)` is neither a number nor quoted text ('like this')")
        }
        switch (subject, value) {
        case (.metric, .text):
            throw StoreError("filter condition `\(text)`: a metric compares with a number")
        case (.status, .text(let status)) where RunStatus(rawValue: status) == nil:
            throw StoreError("filter condition `\(text)`: status is one of \(RunStatus.allCases.map(\.rawValue).joined(separator: ", "))")
        case (.status, .number), (.kind, .number), (.experiment, .number), (.tag, .number):
            throw StoreError("filter condition `\(text)`: `\(left)` compares with quoted text")
        default: break
        }
        if case .text = value, comparison != .equal && comparison != .notEqual {
            throw StoreError("filter condition `\(text)`: text compares with = or != only")
        }
        return Condition(subject: subject, comparison: comparison, value: value)
    }

    private static func subject(_ text: String, in condition: String) throws -> Subject {
        func name(after prefix: String) throws -> String {
            var name = String(text.dropFirst(prefix.count))
            if name.count >= 2, name.first == "`" && name.last == "`" { name = String(name.dropFirst().dropLast()) }
            guard !name.isEmpty else { throw StoreError("filter condition `\(condition)`: `\(text)` names nothing after `\(prefix)`") }
            return name
        }
        for prefix in ["metrics.", "metric."] where text.hasPrefix(prefix) { return .metric(try name(after: prefix)) }
        for prefix in ["params.", "param.", "parameters."] where text.hasPrefix(prefix) { return .parameter(try name(after: prefix)) }
        for prefix in ["tags.", "tag."] where text.hasPrefix(prefix) { return .tag(try name(after: prefix)) }
        switch text {
        case "status", "attributes.status": return .status
        case "kind", "attributes.kind": return .kind
        case "experiment", "attributes.experiment": return .experiment
        default:
            throw StoreError("filter condition `\(condition)`: `\(text)` is not metrics.NAME, params.NAME, tags.NAME, status, kind or experiment")
        }
    }

    /// Splits on the word `and` (any case) outside quotes.
    private static func splitOnAnd(_ text: String) -> [String] {
        var parts: [String] = []
        var current: [Character] = []
        var quote: Character?
        let characters = Array(text)
        var index = 0
        while index < characters.count {
            let character = characters[index]
            if let open = quote {
                if character == open { quote = nil }
                current.append(character)
                index += 1
                continue
            }
            if character == "'" || character == "\"" { quote = character }
            if character == " ", index + 4 < characters.count,
               String(characters[(index + 1)...(index + 3)]).lowercased() == "and", characters[index + 4] == " " {
                parts.append(String(current))
                current = []
                index += 5
                continue
            }
            current.append(character)
            index += 1
        }
        parts.append(String(current))
        return text.trimmingSpaces.isEmpty ? [] : parts
    }
}

extension String {
    var trimmingSpaces: String {
        var scalars = Substring(self)
        while let first = scalars.first, first == " " || first == "\t" { scalars = scalars.dropFirst() }
        while let last = scalars.last, last == " " || last == "\t" { scalars = scalars.dropLast() }
        return String(scalars)
    }
}
