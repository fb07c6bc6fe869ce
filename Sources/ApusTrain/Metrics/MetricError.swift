import ApusTable

/// Input a metric cannot score, or an unknown metric name.
///
/// `row` is a 0-based position in the arrays given to the metric; messages count rows
/// from 1, as a data file's rows are counted.
public enum MetricError: Error, Equatable, CustomStringConvertible {
    /// No metric has this name; `suggestion` is the closest registered name, if any.
    case unknownMetric(String, suggestion: String?)
    /// Labels and predictions (or weights) have different lengths.
    case lengthMismatch(metric: String, what: String, labels: Int, found: Int)
    /// A multiclass metric's predictions do not form a `rows × k` matrix with `k ≥ 2`.
    case notAMatrix(metric: String, labels: Int, predictions: Int)
    /// There are no rows to score.
    case emptyInput(metric: String)
    /// A label, prediction or weight is NaN or infinite.
    case notFinite(metric: String, what: String, row: Int, value: Double)
    /// A weight is negative.
    case negativeWeight(metric: String, row: Int, value: Double)
    /// Every weight is zero.
    case zeroTotalWeight(metric: String)
    /// A label is outside what the metric accepts (`expected` says what it accepts).
    case invalidLabel(metric: String, row: Int, value: Double, expected: String)
    /// A probability is outside [0, 1].
    case probabilityOutOfRange(metric: String, row: Int, value: Double)
    /// A prediction is zero or negative where the metric needs it positive.
    case nonPositivePrediction(metric: String, row: Int, value: Double)
    /// Only one class is present (counting rows of positive weight): AUC is undefined,
    /// and average precision is undefined without positives.
    case singleClass(metric: String, present: Double)

    public var description: String {
        switch self {
        case .unknownMetric(let name, let suggestion):
            "no metric named `\(name)`" + (suggestion.map { "; did you mean `\($0)`?" } ?? "")
                + " (known: \(Metrics.names.joined(separator: ", ")))"
        case .lengthMismatch(let metric, let what, let labels, let found):
            "metric `\(metric)`: \(formatCount(labels)) labels but \(formatCount(found)) \(what)"
        case .notAMatrix(let metric, let labels, let predictions):
            "metric `\(metric)`: \(formatCount(predictions)) probabilities do not form a matrix of "
                + "\(formatCount(labels)) rows (one per label) by 2 or more classes"
        case .emptyInput(let metric):
            "metric `\(metric)`: no rows to score"
        case .notFinite(let metric, let what, let row, let value):
            "metric `\(metric)`: the \(what) at row \(formatCount(row + 1)) is \(value), not a finite number"
        case .negativeWeight(let metric, let row, let value):
            "metric `\(metric)`: the weight at row \(formatCount(row + 1)) is \(value); weights must not be negative"
        case .zeroTotalWeight(let metric):
            "metric `\(metric)`: every weight is zero"
        case .invalidLabel(let metric, let row, let value, let expected):
            "metric `\(metric)`: the label at row \(formatCount(row + 1)) is \(value); expected \(expected)"
        case .probabilityOutOfRange(let metric, let row, let value):
            "metric `\(metric)`: the prediction at row \(formatCount(row + 1)) is \(value), not a probability in [0, 1]"
        case .nonPositivePrediction(let metric, let row, let value):
            "metric `\(metric)`: the prediction at row \(formatCount(row + 1)) is \(value); it must be positive"
        case .singleClass(let metric, let present):
            "metric `\(metric)` needs both classes, but every label (of positive weight) is \(present == 1 ? "1" : "0")"
        }
    }
}
