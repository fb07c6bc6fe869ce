import ApusTable

/// Labels, weights or parameters an objective cannot train on, or an unknown objective.
///
/// `row` is a 0-based position in the arrays given to the objective; messages count rows
/// from 1, as a data file's rows are counted.
public enum ObjectiveError: Error, Equatable, CustomStringConvertible {
    /// No objective has this name; `suggestion` is the closest registered name, if any.
    case unknownObjective(String, suggestion: String?)
    /// A parameter is outside its range (`expected` says what it accepts).
    case invalidParameter(objective: String, parameter: String, value: String, expected: String)
    /// A parameter the objective needs was not given.
    case missingParameter(objective: String, parameter: String)
    /// There are no rows to train on.
    case emptyInput(objective: String)
    /// Weights or scores do not match the rows.
    case lengthMismatch(objective: String, what: String, expected: Int, found: Int)
    /// A label or weight is NaN or infinite.
    case notFinite(objective: String, what: String, row: Int, value: Double)
    /// A weight is negative.
    case negativeWeight(objective: String, row: Int, value: Double)
    /// Every weight is zero.
    case zeroTotalWeight(objective: String)
    /// A label is outside what the objective accepts (`expected` says what it accepts).
    case invalidLabel(objective: String, row: Int, value: Double, expected: String)
    /// The weighted sum of the labels is zero, so a log-link's initial score is −∞.
    case zeroLabelSum(objective: String)

    public var description: String {
        switch self {
        case .unknownObjective(let name, let suggestion):
            "no objective named `\(name)`" + (suggestion.map { "; did you mean `\($0)`?" } ?? "")
                + " (known: \(Objectives.names.joined(separator: ", ")))"
        case .invalidParameter(let objective, let parameter, let value, let expected):
            "objective `\(objective)`: `\(parameter)` is \(value); expected \(expected)"
        case .missingParameter(let objective, let parameter):
            "objective `\(objective)` needs `\(parameter)`"
        case .emptyInput(let objective):
            "objective `\(objective)`: no rows to train on"
        case .lengthMismatch(let objective, let what, let expected, let found):
            "objective `\(objective)`: expected \(formatCount(expected)) \(what) but found \(formatCount(found))"
        case .notFinite(let objective, let what, let row, let value):
            "objective `\(objective)`: the \(what) at row \(formatCount(row + 1)) is \(value), not a finite number"
        case .negativeWeight(let objective, let row, let value):
            "objective `\(objective)`: the weight at row \(formatCount(row + 1)) is \(value); weights must not be negative"
        case .zeroTotalWeight(let objective):
            "objective `\(objective)`: every weight is zero"
        case .invalidLabel(let objective, let row, let value, let expected):
            "objective `\(objective)`: the label at row \(formatCount(row + 1)) is \(value); expected \(expected)"
        case .zeroLabelSum(let objective):
            "objective `\(objective)`: every label (of positive weight) is 0, so the mean is 0 and its log is −∞"
        }
    }
}
