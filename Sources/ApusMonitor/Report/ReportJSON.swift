/// A JSON value whose objects keep their members in the order they were added, so a report
/// lists features in the model's order. Numbers are written in their shortest round-tripping
/// form; NaN and infinities become `null`. The monitor's JSON and HTML reports are both made
/// from one such tree, so they always say the same thing.
public indirect enum ReportJSON: Sendable, Equatable {
    case null
    case bool(Bool)
    case number(Double)
    case integer(Int)
    case string(String)
    case array([ReportJSON])
    case object([(String, ReportJSON)])

    public static func == (lhs: ReportJSON, rhs: ReportJSON) -> Bool { lhs.text == rhs.text }

    /// An optional number (nil becomes null).
    public static func number(_ value: Double?) -> ReportJSON { value.map { .number($0) } ?? .null }

    /// An optional string (nil becomes null).
    public static func string(_ value: String?) -> ReportJSON { value.map { .string($0) } ?? .null }

    /// The member `key` of an object, or nil.
    public subscript(key: String) -> ReportJSON? {
        guard case .object(let members) = self else { return nil }
        return members.first { $0.0 == key }?.1
    }

    /// The members of an object, in order (empty for anything else).
    public var members: [(String, ReportJSON)] {
        if case .object(let members) = self { return members }
        return []
    }

    /// The elements of an array (empty for anything else).
    public var elements: [ReportJSON] {
        if case .array(let elements) = self { return elements }
        return []
    }

    /// The number (integers too), or nil.
    public var double: Double? {
        switch self {
        case .number(let value): value
        case .integer(let value): Double(value)
        default: nil
        }
    }

    /// The integer, or nil.
    public var int: Int? {
        switch self {
        case .integer(let value): value
        case .number(let value) where value == value.rounded() && abs(value) < 1e15: Int(value)
        default: nil
        }
    }

    /// The string, or nil.
    public var stringValue: String? {
        if case .string(let value) = self { return value }
        return nil
    }

    /// The boolean, or nil.
    public var bool: Bool? {
        if case .bool(let value) = self { return value }
        return nil
    }

    /// Compact JSON text.
    public var text: String {
        var out = ""
        write(to: &out, indent: nil, depth: 0)
        return out
    }

    /// JSON text indented by two spaces per level.
    public var prettyText: String {
        var out = ""
        write(to: &out, indent: "  ", depth: 0)
        return out
    }

    private func write(to out: inout String, indent: String?, depth: Int) {
        switch self {
        case .null: out += "null"
        case .bool(let value): out += value ? "true" : "false"
        case .integer(let value): out += String(value)
        case .number(let value): out += Self.format(value)
        case .string(let value): Self.writeString(value, to: &out)
        case .array(let elements):
            if elements.isEmpty { out += "[]"; return }
            out += "["
            for (index, element) in elements.enumerated() {
                if index > 0 { out += "," }
                Self.newline(&out, indent: indent, depth: depth + 1)
                element.write(to: &out, indent: indent, depth: depth + 1)
            }
            Self.newline(&out, indent: indent, depth: depth)
            out += "]"
        case .object(let members):
            if members.isEmpty { out += "{}"; return }
            out += "{"
            for (index, (key, value)) in members.enumerated() {
                if index > 0 { out += "," }
                Self.newline(&out, indent: indent, depth: depth + 1)
                Self.writeString(key, to: &out)
                out += indent == nil ? ":" : ": "
                value.write(to: &out, indent: indent, depth: depth + 1)
            }
            Self.newline(&out, indent: indent, depth: depth)
            out += "}"
        }
    }

    private static func newline(_ out: inout String, indent: String?, depth: Int) {
        guard let indent else { return }
        out += "\n"
        for _ in 0..<depth { out += indent }
    }

    /// The shortest text that reads back as `value`; integers without a fraction; null for
    /// NaN and infinities (JSON has no such numbers).
    static func format(_ value: Double) -> String {
        guard value.isFinite else { return "null" }
        if value == value.rounded() && abs(value) < 1e15 { return String(Int64(value)) }
        return "\(value)"
    }

    private static func writeString(_ value: String, to out: inout String) {
        out += "\""
        for scalar in value.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            default:
                if scalar.value < 0x20 {
                    let hex = String(scalar.value, radix: 16)
                    out += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
                } else {
                    out.unicodeScalars.append(scalar)
                }
            }
        }
        out += "\""
    }
}
