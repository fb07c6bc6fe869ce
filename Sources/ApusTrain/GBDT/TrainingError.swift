/// Why training could not start or go on; every message names the column, row or
/// parameter involved.
public enum TrainingError: Error, Equatable, Sendable, CustomStringConvertible {
    case missingTarget(name: String, suggestion: String?)
    case constantTarget(name: String, value: String)
    case targetNotNumeric(name: String, kind: String, task: String)
    case oneClass(name: String, value: String)
    case tooManyClasses(name: String, count: Int, task: String)
    case missingLabel(name: String, row: Int)
    case unknownClass(name: String, row: Int, value: String, classes: [String])
    case noFeatures
    case parameter(ParameterError)
    case objective(String)
    case validation(String)

    public var description: String {
        switch self {
        case .missingTarget(let name, let suggestion):
            return "the data has no target column `\(name)`" + (suggestion.map { " (did you mean `\($0)`?)" } ?? "")
        case .constantTarget(let name, let value):
            return "target `\(name)` is `\(value)` in every row: there is nothing to learn"
        case .targetNotNumeric(let name, let kind, let task):
            return "target `\(name)` is \(kind), but a \(task) target must be numeric"
        case .oneClass(let name, let value):
            return "target `\(name)` has one class only (`\(value)`): binary classification needs two"
        case .tooManyClasses(let name, let count, let task):
            return "target `\(name)` has \(count) distinct values, which does not fit task \(task)"
        case .missingLabel(let name, let row):
            return "target `\(name)`, row \(row + 1): the label is missing"
        case .unknownClass(let name, let row, let value, let classes):
            return "target `\(name)`, row \(row + 1): `\(value)` is not one of the training classes (\(classes.joined(separator: ", ")))"
        case .noFeatures:
            return "there are no feature columns besides the target (text columns are not features)"
        case .parameter(let error):
            return error.description
        case .objective(let message), .validation(let message):
            return message
        }
    }
}
