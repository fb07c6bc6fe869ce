/// An estimated metric and the standard error of the realised metric around it.
public struct EstimatedMetric: Sendable, Equatable {
    /// The estimate (NaN only for ROC AUC when every calibrated probability is 0, or every one is 1).
    public let value: Double
    /// The standard deviation of the metric realised when each label is an independent
    /// Bernoulli(calibrated probability) draw; see `CBPE` for the formulas.
    public let standardError: Double
}

/// Confidence-based performance estimates for a binary classifier on unlabelled data.
public struct CBPEEstimate: Sendable, Equatable {
    /// Rows estimated.
    public let count: Int
    /// The decision threshold: a row is predicted positive when its probability is at least this.
    public let threshold: Double
    /// Expected confusion counts: Σ p over predicted positives (TP), Σ (1 − p) over predicted
    /// positives (FP), Σ p over predicted negatives (FN), Σ (1 − p) over predicted negatives (TN).
    public let truePositives: Double
    public let falsePositives: Double
    public let falseNegatives: Double
    public let trueNegatives: Double

    public let accuracy: EstimatedMetric
    public let precision: EstimatedMetric
    public let recall: EstimatedMetric
    public let f1: EstimatedMetric
    public let specificity: EstimatedMetric
    public let rocAUC: EstimatedMetric
}
