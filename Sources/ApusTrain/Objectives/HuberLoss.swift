/// Huber loss (`huber`), as LightGBM's `RegressionHuberLoss`, whose `alpha` is the
/// delta δ: loss (s − y)²/2 within δ of the label and δ(|s − y| − δ/2) beyond, gradient
/// s − y clipped to [−δ, δ], and a constant hessian of 1 (the true one is 0 beyond δ).
///
/// The initial score is the weighted mean label, as LightGBM's (its Huber objective
/// inherits the L2 one's `BoostFromScore`); leaves are not renewed. Predictions are the
/// raw score.
public struct HuberLoss: Objective {
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

    public func gradients(
        labels: UnsafeBufferPointer<Double>,
        scores: UnsafeBufferPointer<Double>,
        weights: UnsafeBufferPointer<Double>?,
        gradients: UnsafeMutableBufferPointer<Double>,
        hessians: UnsafeMutableBufferPointer<Double>
    ) {
        assert(scores.count == labels.count && gradients.count >= labels.count && hessians.count >= labels.count)
        for row in 0..<labels.count {
            let weight = weights?[row] ?? 1
            gradients[row] = weight * min(max(scores[row] - labels[row], -delta), delta)
            hessians[row] = weight
        }
    }

    public func loss(label: Double, scores: UnsafeBufferPointer<Double>) -> Double {
        let residual = abs(scores[0] - label)
        return residual <= delta ? residual * residual / 2 : delta * (residual - delta / 2)
    }
}
