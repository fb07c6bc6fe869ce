import ApusModel
import Foundation
import ApusService
import MCP

/// JSON Schemas derived from a model: one input row (types, categorical levels as enums,
/// training ranges) and one prediction (the classes a classifier answers with).
enum RowSchema {
    /// The schema of one row of `description`'s model: every feature required, no others.
    static func row(_ description: ModelDescription) -> Value {
        var properties: [String: Value] = [:]
        for feature in description.features {
            properties[feature.name] = field(feature)
        }
        return .object([
            "type": "object",
            "description": .string("One row for \(description.resolved): a value for each of its \(description.features.count) features (null when missing)."),
            "properties": .object(properties),
            "required": .array(description.features.map { .string($0.name) }),
            "additionalProperties": false,
        ])
    }

    /// The schema of one feature's value.
    static func field(_ feature: FeatureDescription) -> Value {
        var schema: [String: Value] = [:]
        var text: String
        switch feature.kind {
        case .numeric:
            schema["type"] = ["number", "null"]
            text = "A number; null when missing."
            if let range = feature.trainingRange {
                text += " Training saw \(short(range.minimum)) to \(short(range.maximum)); the trees answer a value outside as they answer the nearest end."
                schema["x-training-range"] = .object(["minimum": JSONValues.number(range.minimum), "maximum": JSONValues.number(range.maximum)])
            }
        case .categorical:
            schema["type"] = ["string", "null"]
            schema["enum"] = .array(feature.levels.map { .string($0) } + [.null])
            text = "One of the \(feature.levels.count) levels training saw; null when missing."
        }
        if let share = feature.trainingMissingShare, share > 0 {
            text += " Missing in \(short(share * 100))% of training rows."
        }
        schema["description"] = .string(text)
        return .object(schema)
    }

    /// The schema of one prediction of a model of `task` with `classes`.
    static func prediction(task: ModelTask?, classes: [String]) -> Value {
        var properties: [String: Value] = ["row": ["type": "integer", "minimum": 0]]
        var required: [Value] = ["row", "prediction"]
        switch task {
        case .regression?:
            properties["prediction"] = ["type": "number", "description": "The predicted value."]
        case .binary?:
            properties["prediction"] = ["type": "number", "minimum": 0, "maximum": 1,
                                        "description": .string("The probability of the positive class `\(classes.last ?? "1")`.")]
        case .multiclass?:
            properties["prediction"] = ["type": "string", "enum": .array(classes.map { .string($0) }), "description": "The most probable class."]
        case nil:
            properties["prediction"] = ["type": ["number", "string"],
                                        "description": "Binary: the probability of the positive class; multiclass: the most probable class; regression: the value."]
        }
        if task != .regression {
            let label: Value = task == nil ? ["type": "string"] : ["type": "string", "enum": .array(classes.map { .string($0) })]
            properties["label"] = .object(label.objectValue!.merging(["description": "The predicted class (probability ≥ 0.5 for binary)."]) { a, _ in a })
            let probability: Value = ["type": "number", "minimum": 0, "maximum": 1]
            var byClass: [String: Value] = [:]
            for label in classes { byClass[label] = probability }
            properties["probabilities"] = task == nil
                ? ["type": "object", "additionalProperties": probability, "description": "Each class's probability (classifiers)."]
                : .object(["type": "object", "properties": .object(byClass), "required": .array(classes.map { .string($0) }),
                           "additionalProperties": false, "description": "Each class's probability."])
            if task != nil { required += ["label", "probabilities"] }
        }
        return .object(["type": "object", "properties": .object(properties), "required": .array(required), "additionalProperties": false])
    }

    /// A number in at most 6 significant digits.
    static func short(_ value: Double) -> String {
        if value == value.rounded(), abs(value) < 1e12 { return String(Int64(value)) }
        var text = String(format: "%.6g", value)
        if text.contains("e") { return text }
        while text.contains("."), text.hasSuffix("0") { text.removeLast() }
        return text
    }
}
