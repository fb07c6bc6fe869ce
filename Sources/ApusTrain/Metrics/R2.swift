/// The coefficient of determination (`r2`), as scikit-learn's `r2_score`:
/// 1 − Σ w (y − ŷ)² / Σ w (y − ȳ)², with ȳ the weighted mean of the labels.
///
/// A constant target (every label of positive weight equal) has no variance to explain:
/// r2 is then 1 if every prediction of positive weight is exact and 0 otherwise, which is
/// scikit-learn's `force_finite=True` convention. Apus detects a constant target by
/// comparing the labels rather than testing the floating-point sum of squares for
/// zero, so a constant such as 0.1, whose computed mean may be off by one ulp, is still
/// recognised as constant.
public struct R2Score: InputMetric {
    /// Creates the metric.
    public init() {}

    public var name: String { "r2" }
    public var isHigherBetter: Bool { true }
    public var tasks: Set<MetricTask> { [.regression] }

    func evaluate(_ input: MetricInput) throws(MetricError) -> Double {
        let labels = input.labels, predictions = input.predictions
        let mean = input.weightedMean { label, _ in label }
        var residual = 0.0
        var total = 0.0
        var firstLabel: Double?
        var isConstant = true
        for row in 0..<labels.count {
            let weight = input.weight(row)
            guard weight > 0 else { continue }
            let label = labels[row]
            residual += weight * (label - predictions[row]) * (label - predictions[row])
            total += weight * (label - mean) * (label - mean)
            if let firstLabel, firstLabel != label { isConstant = false }
            if firstLabel == nil { firstLabel = label }
        }
        if isConstant || total == 0 {
            return residual == 0 ? 1 : 0
        }
        return 1 - residual / total
    }
}
