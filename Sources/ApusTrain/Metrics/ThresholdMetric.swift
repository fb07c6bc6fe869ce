/// Accuracy, precision, recall and F1 of a binary classifier whose scores are cut at a
/// threshold (`accuracy`, `precision`, `recall`, `f1`).
///
/// A row is predicted positive when its score is strictly greater than the threshold, as
/// LightGBM's `binary_error` and scikit-learn's `predict` do for probabilities at 0.5.
/// Counts are weighted. A ratio whose denominator is zero (no predicted positives for
/// precision, no actual positives for recall, neither for F1) is 0, like scikit-learn's
/// `zero_division=0`.
///
/// Labels must be 0 or 1; scores are any finite numbers.
public struct ThresholdMetric: InputMetric {
    /// Which ratio of the confusion matrix to report.
    public enum Kind: String, Sendable, CaseIterable {
        /// (TP + TN) / all.
        case accuracy
        /// TP / (TP + FP).
        case precision
        /// TP / (TP + FN).
        case recall
        /// 2 TP / (2 TP + FP + FN), the harmonic mean of precision and recall.
        case f1
    }

    /// The ratio reported.
    public let kind: Kind
    /// The score above which a row is predicted positive. Defaults to 0.5.
    public let threshold: Double

    /// Creates the metric for `kind` at `threshold`.
    public init(_ kind: Kind, threshold: Double = 0.5) {
        self.kind = kind
        self.threshold = threshold
    }

    public var name: String { kind.rawValue }
    public var isHigherBetter: Bool { true }
    public var tasks: Set<MetricTask> { [.binaryClassification] }

    func evaluate(_ input: MetricInput) throws(MetricError) -> Double {
        let labels = input.labels, predictions = input.predictions
        try input.requireBinaryLabels()
        var truePositives = 0.0
        var falsePositives = 0.0
        var falseNegatives = 0.0
        var trueNegatives = 0.0
        for row in 0..<labels.count {
            let weight = input.weight(row)
            let isPredictedPositive = predictions[row] > threshold
            if labels[row] == 1 {
                if isPredictedPositive { truePositives += weight } else { falseNegatives += weight }
            } else if isPredictedPositive {
                falsePositives += weight
            } else {
                trueNegatives += weight
            }
        }
        switch kind {
        case .accuracy:
            return (truePositives + trueNegatives) / input.totalWeight
        case .precision:
            return ratio(truePositives, truePositives + falsePositives)
        case .recall:
            return ratio(truePositives, truePositives + falseNegatives)
        case .f1:
            return ratio(2 * truePositives, 2 * truePositives + falsePositives + falseNegatives)
        }
    }

    /// `numerator / denominator`, or 0 when the denominator is 0.
    private func ratio(_ numerator: Double, _ denominator: Double) -> Double {
        denominator > 0 ? numerator / denominator : 0
    }
}
