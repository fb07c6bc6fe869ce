/// Huber loss (`huber`), as LightGBM's `RegressionHuberLoss`, whose `alpha` is the
/// delta δ: loss (s − y)²/2 within δ of the label and δ(|s − y| − δ/2) beyond, gradient
/// s − y clipped to [−δ, δ], and a constant hessian of 1 (the true one is 0 beyond δ).
///
/// The initial score is the weighted mean label, as LightGBM's (its Huber objective
/// inherits the L2 one's `BoostFromScore`); leaves are not renewed. Predictions are the
/// raw score.
public struct HuberLoss: RowObjective {
    /// The delta δ (LightGBM's `alpha`).
    public let delta: Double

    /// Creates the objective.
    ///
    /// - Parameter delta: Positive; defaults to 0.9, LightGBM's default `alpha`.
    /// - Throws: ObjectiveError/invalidParameter(objective:parameter:value:expected:).
    public init(delta: Double = 0.9) throws(ObjectiveError) {
        try requireParameter("huber", "alpha", delta, expected: "a positive number") { $0 > 0 }
        self.delta = delta
    }

    public var name: String { "huber" }
    public var hasConstantHessian: Bool { true }

    public func initialScore(
        labels: UnsafeBufferPointer<Double>, weights: UnsafeBufferPointer<Double>?
    ) throws(ObjectiveError) -> [Double] {
        try validate(labels: labels, weights: weights)
        return [ObjectiveInput.weightedMean(labels, weights)]
    }

    func derivatives(label: Double, score: Double, weight: Double) -> (gradient: Double, hessian: Double) {
        (weight * min(max(score - label, -delta), delta), weight)
    }

    public func loss(label: Double, scores: UnsafeBufferPointer<Double>) -> Double {
        let residual = abs(scores[0] - label)
        return residual <= delta ? residual * residual / 2 : delta * (residual - delta / 2)
    }
}
