/// The area under the precision–recall curve as scikit-learn's
/// `average_precision_score` computes it (`average_precision`).
///
/// A step-wise sum, without interpolation: AP = Σₙ (Rₙ − Rₙ₋₁) Pₙ over the distinct
/// scores from the highest down, where rows of equal score form one threshold. Weights
/// scale each row's contribution to the true and false positive counts.
///
/// Labels must be 0 or 1, with at least one positive of positive weight (scikit-learn
/// warns and returns 0 when there are none; Apus throws). Predictions are any finite
/// scores (only their order matters).
///
/// - Complexity: O(n log n): one sort.
public struct AveragePrecision: InputMetric {
    /// Creates the metric.
    public init() {}

    public var name: String { "average_precision" }
    public var isHigherBetter: Bool { true }
    public var tasks: Set<MetricTask> { [.binaryClassification] }

    func evaluate(_ input: MetricInput) throws(MetricError) -> Double {
        try input.requireBinaryLabels()
        let ranked = RankedScores(input)
        guard ranked.positives > 0 else { throw .singleClass(metric: name, present: 0) }
        var sum = 0.0
        var previousTruePositives = 0.0
        ranked.forEachThreshold { truePositives, falsePositives in
            let predictedPositives = truePositives + falsePositives
            if predictedPositives > 0 {
                sum += (truePositives - previousTruePositives) * (truePositives / predictedPositives)
            }
            previousTruePositives = truePositives
        }
        return sum / ranked.positives
    }
}
