/// Pinball loss (`quantile`), as LightGBM's `RegressionQuantileloss`: with d = s − y,
/// loss (1 − α)d for d ≥ 0 and −αd below, gradient 1 − α or −α, and a constant hessian
/// of 1 (the true one is 0).
///
/// The initial score is the weighted α-quantile of the labels. After growing each tree,
/// the trainer renews every leaf's output with the weighted α-quantile of its rows'
/// residuals (leafRenewalQuantile is α), as LightGBM does. Predictions are the raw score.
public struct QuantileLoss: RowObjective {
    /// The quantile α.
    public let alpha: Double

    /// Creates the objective.
    ///
    /// - Parameter alpha: In (0, 1); defaults to 0.9, LightGBM's default.
    /// - Throws: ObjectiveError/invalidParameter(objective:parameter:value:expected:).
    public init(alpha: Double = 0.9) throws(ObjectiveError) {
        try requireParameter("quantile", "alpha", alpha, expected: "a number in (0, 1)") { $0 > 0 && $0 < 1 }
        self.alpha = alpha
    }

    public var name: String { "quantile" }
    public var hasConstantHessian: Bool { true }
    public var leafRenewalQuantile: Double? { alpha }

    public func initialScore(
        labels: UnsafeBufferPointer<Double>, weights: UnsafeBufferPointer<Double>?
    ) throws(ObjectiveError) -> [Double] {
        try validate(labels: labels, weights: weights)
        return [ObjectiveInput.weightedQuantile(labels, weights, alpha: alpha)]
    }

    func derivatives(label: Double, score: Double, weight: Double) -> (gradient: Double, hessian: Double) {
        (weight * (score - label >= 0 ? 1 - alpha : -alpha), weight)
    }

    public func loss(label: Double, scores: UnsafeBufferPointer<Double>) -> Double {
        let residual = scores[0] - label
        return residual >= 0 ? (1 - alpha) * residual : -alpha * residual
    }
}
