import Foundation

/// fairlearn's values, written once per test process by fairness_reference.py beside this file.
enum FairnessReference {
    typealias Failure = ReferenceScript.Failure

    /// The directory fairness_reference.py wrote, or why it could not run.
    static let directory = ReferenceScript.run("fairness_reference.py", needs: "numpy scikit-learn fairlearn")

    /// One case: its inputs and fairlearn's outputs.
    struct Case {
        var groups: [String?] = []
        var predicted: [Bool] = []
        var actual: [Bool] = []
        var names: [String] = []
        var numbers: [String: [Double]] = [:]

        func number(_ key: String) throws -> Double {
            guard let value = numbers[key]?.first else { throw Failure(description: "no \(key)") }
            return value
        }

        func list(_ key: String) throws -> [Double] {
            guard let value = numbers[key] else { throw Failure(description: "no \(key)") }
            return value
        }
    }

    static func load(_ name: String) throws -> Case {
        let text = try String(contentsOfFile: try directory.get() + "/fair_\(name).txt", encoding: .utf8)
        var result = Case()
        for line in text.split(separator: "\n") {
            let fields = line.split(separator: " ").map(String.init)
            guard let key = fields.first else { continue }
            let rest = fields.dropFirst()
            switch key {
            case "input_groups": result.groups = rest.map { $0 == "-" ? nil : $0 }
            case "groups": result.names = Array(rest)
            case "predicted": result.predicted = rest.map { $0 == "1.0" }
            case "actual": result.actual = rest.map { $0 == "1.0" }
            default: result.numbers[key] = rest.map { Double($0) ?? .nan }
            }
        }
        return result
    }

    /// Equal to within `tolerance`, or both NaN.
    static func same(_ actual: Double?, _ expected: Double, tolerance: Double = 1e-12) -> Bool {
        guard let actual else { return false }
        if expected.isNaN { return actual.isNaN }
        return abs(actual - expected) <= tolerance
    }
}
