/// Multiclass cross-entropy (`multi_logloss`), as LightGBM's `multi_logloss` and
/// scikit-learn's `log_loss` on a probability matrix: the weighted mean of −log p[i, yᵢ],
/// with p clipped to [1e-15, 1 − 1e-15].
///
/// Predictions are `labels.count × k` probabilities in row-major order, each in [0, 1];
/// labels are class indices in `0..<k`. Rows are not renormalized (scikit-learn rejects
/// rows that do not sum to 1; Apus scores them as given, like LightGBM).
public struct MulticlassLogLoss: Metric {
    /// Creates the metric.
    public init() {}

    public var name: String { "multi_logloss" }
    public var isHigherBetter: Bool { false }
    public var tasks: Set<MetricTask> { [.multiclassClassification] }

    public func evaluate(
        labels: UnsafeBufferPointer<Double>,
        predictions: UnsafeBufferPointer<Double>,
        weights: UnsafeBufferPointer<Double>?
    ) throws(MetricError) -> Double {
        let input = try MetricInput(
            metric: name, labels: labels, predictions: predictions, weights: weights, isMatrix: true)
        try input.requireClassLabels()
        try input.requireProbabilities()
        let width = input.width
        var sum = 0.0
        for row in 0..<labels.count {
            let probability = predictions[row * width + Int(labels[row])]
            sum += input.weight(row) * clippedNegativeLog(probability)
        }
        return sum / input.totalWeight
    }
}

/// The weighted share of rows whose most probable class is wrong (`multi_error`), or
/// right (`multi_accuracy`, scikit-learn's `accuracy_score` of the arg-max).
///
/// The predicted class is the first of the largest scores in a row, as NumPy's `argmax`
/// picks it. (LightGBM's `multi_error` counts a tie with the true class as an error.)
/// Predictions are `labels.count × k` scores in row-major order, any finite numbers;
/// labels are class indices in `0..<k`.
public struct MulticlassError: Metric {
    /// Whether to report the share of correct rows instead of wrong ones.
    public let reportsAccuracy: Bool

    /// Creates `multi_error`, or `multi_accuracy` when `reportsAccuracy` is true.
    public init(reportsAccuracy: Bool = false) {
        self.reportsAccuracy = reportsAccuracy
    }

    public var name: String { reportsAccuracy ? "multi_accuracy" : "multi_error" }
    public var isHigherBetter: Bool { reportsAccuracy }
    public var tasks: Set<MetricTask> { [.multiclassClassification] }

    public func evaluate(
        labels: UnsafeBufferPointer<Double>,
        predictions: UnsafeBufferPointer<Double>,
        weights: UnsafeBufferPointer<Double>?
    ) throws(MetricError) -> Double {
        let input = try MetricInput(
            metric: name, labels: labels, predictions: predictions, weights: weights, isMatrix: true)
        try input.requireClassLabels()
        let width = input.width
        var correct = 0.0
        for row in 0..<labels.count {
            let start = row * width
            var best = 0
            for column in 1..<width where predictions[start + column] > predictions[start + best] {
                best = column
            }
            if best == Int(labels[row]) { correct += input.weight(row) }
        }
        let accuracy = correct / input.totalWeight
        return reportsAccuracy ? accuracy : (input.totalWeight - correct) / input.totalWeight
    }
}
