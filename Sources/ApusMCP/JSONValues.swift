import ApusMonitor
import ApusService
import MCP

/// Building the SDK's JSON ``Value``s from Apus's results.
enum JSONValues {
    /// A number; null when it is not finite (JSON has no NaN or infinity).
    static func number(_ value: Double?) -> Value {
        guard let value, value.isFinite else { return .null }
        return .double(value)
    }

    /// A string, or null.
    static func string(_ value: String?) -> Value { value.map { .string($0) } ?? .null }

    /// An integer, or null.
    static func integer(_ value: Int?) -> Value { value.map { .int($0) } ?? .null }

    /// Numbers by name, keys sorted.
    static func numbers(_ values: [String: Double]) -> Value {
        .object(values.mapValues { number($0) })
    }

    /// Strings by name.
    static func strings(_ values: [String: String]) -> Value { .object(values.mapValues { .string($0) }) }

    /// A monitoring report's ordered JSON as a ``Value``.
    static func value(_ json: ReportJSON) -> Value {
        switch json {
        case .null: .null
        case .bool(let flag): .bool(flag)
        case .number(let number): self.number(number)
        case .integer(let integer): .int(integer)
        case .string(let text): .string(text)
        case .array(let elements): .array(elements.map(value))
        case .object(let members): .object(Dictionary(members.map { ($0.0, value($0.1)) }, uniquingKeysWith: { _, last in last }))
        }
    }

    /// A JSON argument as one field of a record.
    static func recordValue(_ value: Value) -> RecordValue {
        switch value {
        case .null: .missing
        case .bool(let flag): .bool(flag)
        case .int(let integer): .number(Double(integer))
        case .double(let number): .number(number)
        case .string(let text): .string(text)
        case .data: .unsupported("binary data")
        case .array: .unsupported("an array")
        case .object: .unsupported("an object")
        }
    }

    /// The JSON type of `value`, for messages.
    static func typeName(_ value: Value) -> String {
        switch value {
        case .null: "null"
        case .bool: "a boolean"
        case .int, .double: "a number"
        case .string: "a string"
        case .data: "binary data"
        case .array: "an array"
        case .object: "an object"
        }
    }
}
