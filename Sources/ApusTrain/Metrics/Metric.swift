/// The kind of prediction task a metric can score.
public enum MetricTask: String, Sendable, CaseIterable {
    /// Labels 0 and 1; one prediction per row (a probability or a score for class 1).
    case binaryClassification = "binary"
    /// Labels 0..<k; one row of k class probabilities per label.
    case multiclassClassification = "multiclass"
    /// Real-valued labels; one prediction per row.
    case regression
}

/// An evaluation metric: a function of labels, predictions and optional sample weights.
///
/// Every metric validates its input and throws a ``MetricError`` naming what is wrong
/// (lengths, the first non-finite value and its row, labels outside the task's range),
/// so no metric returns NaN for bad input. Weights follow scikit-learn's
/// `sample_weight`: each row counts `weight` times; weights must be finite, not negative,
/// and not all zero.
///
/// Binary and regression metrics take one prediction per row. Multiclass metrics take
/// the probability matrix in row-major order, `labels.count` rows by `k` classes, and
/// infer `k` from `predictions.count / labels.count`.
public protocol Metric: Sendable {
    /// The registry name, also the key in `apus evaluate --json` (`auc`, `logloss`, ...).
    var name: String { get }
    /// Whether a larger value means a better model (true for `auc`, false for `rmse`).
    var isHigherBetter: Bool { get }
    /// The tasks this metric can score.
    var tasks: Set<MetricTask> { get }

    /// Scores `predictions` against `labels`.
    ///
    /// - Parameters:
    ///   - labels: One label per row.
    ///   - predictions: One prediction per row, or `labels.count × k` class
    ///     probabilities in row-major order for a multiclass metric.
    ///   - weights: One non-negative weight per row, or `nil` for equal weights.
    /// - Returns: The metric's value.
    /// - Throws: ``MetricError`` for input the metric cannot score.
    func evaluate(
        labels: UnsafeBufferPointer<Double>,
        predictions: UnsafeBufferPointer<Double>,
        weights: UnsafeBufferPointer<Double>?
    ) throws(MetricError) -> Double
}

extension Metric {
    /// Scores `predictions` against `labels` held in arrays, without copying them.
    ///
    /// - Parameters:
    ///   - labels: One label per row.
    ///   - predictions: One prediction per row, or `labels.count × k` class
    ///     probabilities in row-major order for a multiclass metric.
    ///   - weights: One non-negative weight per row, or `nil` (the default) for equal weights.
    /// - Returns: The metric's value.
    /// - Throws: ``MetricError`` for input the metric cannot score.
    public func evaluate(
        labels: [Double], predictions: [Double], weights: [Double]? = nil
    ) throws(MetricError) -> Double {
        try labels.withUnsafeBufferPointer { (labels) throws(MetricError) in
            try predictions.withUnsafeBufferPointer { (predictions) throws(MetricError) in
                guard let weights else {
                    return try evaluate(labels: labels, predictions: predictions, weights: nil)
                }
                return try weights.withUnsafeBufferPointer { (weights) throws(MetricError) in
                    try evaluate(labels: labels, predictions: predictions, weights: weights)
                }
            }
        }
    }
}

/// A metric of one prediction per row, checked the same way for all: it scores a
/// validated ``MetricInput``, and reading the buffers into one is shared.
protocol InputMetric: Metric {
    /// Scores labels, predictions and weights whose lengths and values were checked.
    func evaluate(_ input: MetricInput) throws(MetricError) -> Double
}

extension InputMetric {
    public func evaluate(
        labels: UnsafeBufferPointer<Double>,
        predictions: UnsafeBufferPointer<Double>,
        weights: UnsafeBufferPointer<Double>?
    ) throws(MetricError) -> Double {
        try evaluate(MetricInput(metric: name, labels: labels, predictions: predictions, weights: weights))
    }
}
