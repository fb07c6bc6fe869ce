import MCP

/// Checks a JSON value against a JSON Schema: the subset of draft 2020-12 that Apus's tool
/// schemas use (`type`, `properties`, `required`, `additionalProperties`, `items`,
/// `minItems`, `maxItems`, `enum`, `minimum`, `maximum`, `anyOf`). The SDK does not check a
/// tool's `structuredContent` against its `outputSchema`; every answer passes through this
/// before it leaves, so a client validating it never meets a surprise.
///
/// A keyword outside the subset is an error of the schema, not ignored: a schema the check
/// cannot read fully must not pass values it would reject.
enum SchemaCheck {
    /// Where `value` breaks `schema` and how (`/predictions/0/label: expected a string,
    /// found null`), or nil when it conforms.
    static func violation(of schema: Value, by value: Value, at path: String = "") -> String? {
        guard case .object(let keywords) = schema else {
            if case .bool(let allowed) = schema { return allowed ? nil : "\(place(path)): no value is allowed here" }
            return "\(place(path)): the schema is not an object"
        }
        for key in keywords.keys where !known.contains(key) {
            return "\(place(path)): the schema uses `\(key)`, which the check does not know"
        }
        if let type = keywords["type"], !matches(type: type, value) {
            return "\(place(path)): expected \(describe(type)), found \(JSONValues.typeName(value))"
        }
        if case .array(let allowed)? = keywords["enum"], !allowed.contains(where: { equal($0, value) }) {
            return "\(place(path)): \(json(value)) is not one of \(allowed.map(json).joined(separator: ", "))"
        }
        if let number = numeric(value) {
            if let minimum = keywords["minimum"].flatMap(numeric), number < minimum { return "\(place(path)): \(number) is below \(minimum)" }
            if let maximum = keywords["maximum"].flatMap(numeric), number > maximum { return "\(place(path)): \(number) is above \(maximum)" }
        }
        if case .array(let options)? = keywords["anyOf"],
           !options.contains(where: { violation(of: $0, by: value, at: path) == nil }) {
            return "\(place(path)): matches none of the \(options.count) forms allowed"
                + (options.first.flatMap { violation(of: $0, by: value, at: path) }.map { " (the first: \($0))" } ?? "")
        }
        switch value {
        case .object(let members):
            if case .array(let required)? = keywords["required"] {
                for case .string(let name) in required where members[name] == nil {
                    return "\(place(path)): the member `\(name)` is missing"
                }
            }
            let properties = keywords["properties"]?.objectValue ?? [:]
            for (name, member) in members.sorted(by: { $0.key < $1.key }) {
                let memberPath = path + "/" + name
                if let property = properties[name] {
                    if let problem = violation(of: property, by: member, at: memberPath) { return problem }
                } else if let additional = keywords["additionalProperties"] {
                    if case .bool(false) = additional { return "\(place(memberPath)): no member `\(name)` is allowed" }
                    if let problem = violation(of: additional, by: member, at: memberPath) { return problem }
                }
            }
        case .array(let elements):
            if let least = keywords["minItems"]?.intValue, elements.count < least {
                return "\(place(path)): \(elements.count) items, fewer than \(least)"
            }
            if let most = keywords["maxItems"]?.intValue, elements.count > most {
                return "\(place(path)): \(elements.count) items, more than \(most)"
            }
            if let items = keywords["items"] {
                for (index, element) in elements.enumerated() {
                    if let problem = violation(of: items, by: element, at: path + "/\(index)") { return problem }
                }
            }
        default:
            break
        }
        return nil
    }

    /// The keywords read (the annotations among them are only carried).
    static let known: Set<String> = [
        "$schema", "title", "description", "examples", "default", "type", "properties", "required", "additionalProperties",
        "items", "minItems", "maxItems", "enum", "minimum", "maximum", "anyOf", "x-training-range",
    ]

    private static func place(_ path: String) -> String { path.isEmpty ? "/" : path }

    private static func matches(type: Value, _ value: Value) -> Bool {
        switch type {
        case .string(let name): matches(name, value)
        case .array(let names): names.contains { $0.stringValue.map { matches($0, value) } ?? false }
        default: false
        }
    }

    private static func matches(_ name: String, _ value: Value) -> Bool {
        switch (name, value) {
        case ("null", .null), ("boolean", .bool), ("string", .string), ("array", .array), ("object", .object),
             ("number", .int), ("number", .double), ("integer", .int):
            true
        case ("integer", .double(let number)):
            number.rounded() == number && number.isFinite
        default:
            false
        }
    }

    private static func describe(_ type: Value) -> String {
        switch type {
        case .string(let name): article(name)
        case .array(let names): names.compactMap(\.stringValue).map(article).joined(separator: " or ")
        default: "\(type)"
        }
    }

    private static func article(_ name: String) -> String {
        name == "null" ? "null" : (name == "array" || name == "object" || name == "integer" ? "an " : "a ") + name
    }

    private static func numeric(_ value: Value) -> Double? {
        switch value {
        case .int(let integer): Double(integer)
        case .double(let number): number
        default: nil
        }
    }

    /// A value as JSON text, for messages.
    static func json(_ value: Value) -> String {
        switch value {
        case .string(let text): "\"\(text)\""
        case .null: "null"
        default: value.description
        }
    }

    /// JSON equality: 1 and 1.0 are equal.
    private static func equal(_ a: Value, _ b: Value) -> Bool {
        if let x = numeric(a), let y = numeric(b) { return x == y }
        return a == b
    }
}
