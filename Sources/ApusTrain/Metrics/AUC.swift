/// The area under the ROC curve (`auc`), as scikit-learn's `roc_auc_score` computes it.
///
/// Rows of equal score form one threshold, and the curve joins the thresholds by straight
/// lines (the trapezoid rule), so a tie between a positive and a negative counts one half:
/// the same value as the average-rank (Mann–Whitney) formula. Weights scale each row's
/// contribution to the true and false positive counts.
///
/// Labels must be 0 or 1, both present with positive weight; predictions are any finite
/// scores (only their order matters).
///
/// - Complexity: O(n log n): one sort.
public struct AUC: InputMetric {
    /// Creates the metric.
    public init() {}

    public var name: String { "auc" }
    public var isHigherBetter: Bool { true }
    public var tasks: Set<MetricTask> { [.binaryClassification] }

    func evaluate(_ input: MetricInput) throws(MetricError) -> Double {
        try input.requireBinaryLabels()
        let ranked = RankedScores(input)
        guard ranked.positives > 0, ranked.negatives > 0 else {
            throw .singleClass(metric: name, present: ranked.positives > 0 ? 1 : 0)
        }
        var area = 0.0
        var previousTruePositives = 0.0
        var previousFalsePositives = 0.0
        ranked.forEachThreshold { truePositives, falsePositives in
            area += (falsePositives - previousFalsePositives) * (truePositives + previousTruePositives)
            previousTruePositives = truePositives
            previousFalsePositives = falsePositives
        }
        return area / (2 * ranked.positives * ranked.negatives)
    }
}
