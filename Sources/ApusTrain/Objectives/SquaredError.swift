/// Squared error (`regression`, aliases `regression_l2`, `l2`, `mse`), as LightGBM's
/// `RegressionL2loss`: loss (s − y)²/2, gradient s − y, hessian 1.
///
/// The initial score is the weighted mean label; predictions are the raw score.
public struct SquaredError: RowObjective {
    /// Creates the objective.
    public init() {}

    public var name: String { "regression" }
    public var hasConstantHessian: Bool { true }

    public func initialScore(
        labels: UnsafeBufferPointer<Double>, weights: UnsafeBufferPointer<Double>?
    ) throws(ObjectiveError) -> [Double] {
        try validate(labels: labels, weights: weights)
        return [ObjectiveInput.weightedMean(labels, weights)]
    }

    func derivatives(label: Double, score: Double, weight: Double) -> (gradient: Double, hessian: Double) {
        (weight * (score - label), weight)
    }

    public func loss(label: Double, scores: UnsafeBufferPointer<Double>) -> Double {
        (scores[0] - label) * (scores[0] - label) / 2
    }
}
