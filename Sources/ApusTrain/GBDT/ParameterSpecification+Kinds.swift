import ApusTable

/// Why a parameter was rejected; every message names the parameter.
public enum ParameterError: Error, Equatable, Sendable, CustomStringConvertible {
    case unknown(name: String, suggestion: String?)
    case invalid(name: String, value: String, expected: String)
    /// Parameters that are fine alone but not together, or not with the data.
    case inconsistent(String)

    public var description: String {
        switch self {
        case .unknown(let name, let suggestion):
            return "unknown parameter `\(name)`" + (suggestion.map { " (did you mean `\($0)`?)" } ?? "")
        case .invalid(let name, let value, let expected):
            return "parameter `\(name)`: `\(value)` is not \(expected)"
        case .inconsistent(let message):
            return message
        }
    }
}

extension ParameterSpecification {
    static func int(
        _ name: String, aliases: [String], _ key: WritableKeyPath<GBDTParameters, Int> & Sendable,
        _ range: ClosedRange<Int>, _ summary: String
    ) -> ParameterSpecification {
        let words = "an integer in \(range.lowerBound)...\(range.upperBound)"
        return ParameterSpecification(
            name: name, aliases: aliases, range: words, summary: summary,
            get: { String($0[keyPath: key]) },
            set: { (parameters, text) throws(ParameterError) in
                guard let value = Int(text.trimmingSpaces()), range.contains(value) else {
                    throw .invalid(name: name, value: text, expected: words)
                }
                parameters[keyPath: key] = value
            })
    }

    /// A number in `(lower, upper]` (`open`) or `[lower, upper]` (`closed`); infinite upper bounds are open.
    static func double(
        _ name: String, aliases: [String], _ key: WritableKeyPath<GBDTParameters, Double> & Sendable,
        open lower: Double, _ upper: Double, _ summary: String
    ) -> ParameterSpecification {
        number(name, aliases, key, lower: lower, lowerClosed: false, upper: upper, summary)
    }

    static func double(
        _ name: String, aliases: [String], _ key: WritableKeyPath<GBDTParameters, Double> & Sendable,
        closed lower: Double, _ upper: Double, _ summary: String
    ) -> ParameterSpecification {
        number(name, aliases, key, lower: lower, lowerClosed: true, upper: upper, summary)
    }

    static func fraction(
        _ name: String, aliases: [String], _ key: WritableKeyPath<GBDTParameters, Double> & Sendable, _ summary: String
    ) -> ParameterSpecification {
        number(name, aliases, key, lower: 0, lowerClosed: false, upper: 1, summary)
    }

    static func choice(
        _ name: String, aliases: [String], _ key: WritableKeyPath<GBDTParameters, String> & Sendable,
        _ choices: [String], _ summary: String
    ) -> ParameterSpecification {
        let words = "one of \(choices.joined(separator: ", "))"
        return ParameterSpecification(
            name: name, aliases: aliases, range: words + ", or empty for the default", summary: summary,
            get: { $0[keyPath: key] },
            set: { (parameters, text) throws(ParameterError) in
                let value = text.trimmingSpaces()
                guard value.isEmpty || choices.contains(value) else { throw .invalid(name: name, value: text, expected: words) }
                parameters[keyPath: key] = value
            })
    }

    private static func number(
        _ name: String, _ aliases: [String], _ key: WritableKeyPath<GBDTParameters, Double> & Sendable,
        lower: Double, lowerClosed: Bool, upper: Double, _ summary: String
    ) -> ParameterSpecification {
        let upperText = upper.isInfinite ? "∞)" : "\(formatParameter(upper))]"
        let words = "a number in \(lowerClosed ? "[" : "(")\(formatParameter(lower)), \(upperText)"
        return ParameterSpecification(
            name: name, aliases: aliases, range: words, summary: summary,
            get: { formatParameter($0[keyPath: key]) },
            set: { (parameters, text) throws(ParameterError) in
                guard let value = Double(text.trimmingSpaces()), value.isFinite,
                      lowerClosed ? value >= lower : value > lower, value <= upper else {
                    throw .invalid(name: name, value: text, expected: words)
                }
                parameters[keyPath: key] = value
            })
    }
}

/// A parameter's canonical text: the shortest decimal that reads back as the same number.
func formatParameter(_ value: Double) -> String {
    value == value.rounded() && abs(value) < 1e15 ? String(Int64(value)) : "\(value)"
}

extension GBDTParameters {
    /// The specification named `name`, by canonical name or alias.
    public static func specification(named name: String) -> ParameterSpecification? {
        specifications.first { $0.name == name || $0.aliases.contains(name) }
    }

    /// Sets the parameter `name` (canonical or alias) from text.
    ///
    /// - Throws: ``ParameterError/unknown(name:suggestion:)`` with the closest name, or
    ///   ``ParameterError/invalid(name:value:expected:)`` naming the valid range.
    public mutating func set(_ name: String, to value: String) throws(ParameterError) {
        let name = name.trimmingSpaces()
        guard let specification = Self.specification(named: name) else {
            let names = Self.specifications.flatMap { [$0.name] + $0.aliases }
            let closest = closestName(to: name, among: names)
            throw .unknown(name: name, suggestion: closest.flatMap { Self.specification(named: $0)?.name })
        }
        try specification.set(&self, value)
    }

    /// The parameters with `assignments` (`name=value` texts) applied in order.
    public func setting(_ assignments: [String]) throws(ParameterError) -> GBDTParameters {
        var parameters = self
        for assignment in assignments {
            guard let equals = assignment.firstIndex(of: "=") else {
                throw .invalid(name: assignment, value: assignment, expected: "of the form NAME=VALUE")
            }
            try parameters.set(String(assignment[..<equals]), to: String(assignment[assignment.index(after: equals)...]))
        }
        return parameters
    }

    /// Every parameter that shapes a model, canonical name to canonical text
    /// (`num_threads` is left out: it never changes the model).
    public var canonicalText: [String: String] {
        var text: [String: String] = [:]
        for specification in Self.specifications where specification.name != "num_threads" {
            text[specification.name] = specification.get(self)
        }
        return text
    }

    /// The value of `name` as canonical text.
    public func text(of name: String) -> String? { Self.specification(named: name)?.get(self) }
}
