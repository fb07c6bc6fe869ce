/// Absolute error (`regression_l1`, aliases `l1`, `mae`), as LightGBM's
/// `RegressionL1loss`: loss |s − y|, gradient sign(s − y) (0 at s = y), and a constant
/// hessian of 1 (the true one is 0), so trees split on gradients alone.
///
/// The initial score is the weighted median label. After growing each tree, the trainer
/// renews every leaf's output with the weighted median of its rows' residuals
/// (leafRenewalQuantile is 0.5), as LightGBM does. Predictions are the raw score.
public struct AbsoluteError: RowObjective {
    /// Creates the objective.
    public init() {}

    public var name: String { "regression_l1" }
    public var hasConstantHessian: Bool { true }
    public var leafRenewalQuantile: Double? { 0.5 }

    public func initialScore(
        labels: UnsafeBufferPointer<Double>, weights: UnsafeBufferPointer<Double>?
    ) throws(ObjectiveError) -> [Double] {
        try validate(labels: labels, weights: weights)
        return [ObjectiveInput.weightedQuantile(labels, weights, alpha: 0.5)]
    }

    func derivatives(label: Double, score: Double, weight: Double) -> (gradient: Double, hessian: Double) {
        (weight * sign(score - label), weight)
    }

    public func loss(label: Double, scores: UnsafeBufferPointer<Double>) -> Double {
        abs(scores[0] - label)
    }
}
