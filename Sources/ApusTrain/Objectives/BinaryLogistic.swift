import ApusModel
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#elseif canImport(Musl)
import Musl
#endif

/// Logistic loss for labels 0 and 1 (`binary`), as LightGBM's `BinaryLogloss` with
/// `sigmoid` 1: loss c·log(1 + e^(−l·s)) for l = ±1, gradient c·(p − y), hessian
/// c·p(1 − p), where p = sigmoid(s) and c is `scale_pos_weight` for positives, 1 otherwise.
///
/// The initial score is the log-odds of the weighted mean label clipped to
/// [1e-15, 1 − 1e-15]; like LightGBM, it ignores `scale_pos_weight`.
/// Predictions are sigmoid(s).
public struct BinaryLogistic: RowObjective {
    /// The multiplier of positive rows' gradients and hessians (`scale_pos_weight`).
    public let scalePositiveWeight: Double

    /// Creates the objective.
    ///
    /// - Parameter scalePositiveWeight: Positive; defaults to 1.
    /// - Throws: ObjectiveError/invalidParameter(objective:parameter:value:expected:).
    public init(scalePositiveWeight: Double = 1) throws(ObjectiveError) {
        try requireParameter("binary", "scale_pos_weight", scalePositiveWeight, expected: "a positive number") { $0 > 0 }
        self.scalePositiveWeight = scalePositiveWeight
    }

    public var name: String { "binary" }

    public func validate(
        labels: UnsafeBufferPointer<Double>, weights: UnsafeBufferPointer<Double>?
    ) throws(ObjectiveError) {
        try ObjectiveInput.check(name, labels: labels, weights: weights, expected: "0 or 1") { $0 == 0 || $0 == 1 }
    }

    public func initialScore(
        labels: UnsafeBufferPointer<Double>, weights: UnsafeBufferPointer<Double>?
    ) throws(ObjectiveError) -> [Double] {
        try validate(labels: labels, weights: weights)
        let mean = min(max(ObjectiveInput.weightedMean(labels, weights), 1e-15), 1 - 1e-15)
        return [log(mean / (1 - mean))]
    }

    func derivatives(label: Double, score: Double, weight: Double) -> (gradient: Double, hessian: Double) {
        let probability = sigmoid(score)
        let scale = (label == 1 ? scalePositiveWeight : 1) * weight
        return (scale * (probability - label), scale * probability * (1 - probability))
    }

    public func loss(label: Double, scores: UnsafeBufferPointer<Double>) -> Double {
        let margin = label == 1 ? -scores[0] : scores[0]
        let softplus = max(margin, 0) + log1p(exp(-abs(margin)))
        return (label == 1 ? scalePositiveWeight : 1) * softplus
    }

    public var link: OutputLink { .sigmoid }
}

/// 1 / (1 + e^(−x)), without overflow for large negative x.
@inline(__always)
func sigmoid(_ x: Double) -> Double {
    if x >= 0 { return 1 / (1 + exp(-x)) }
    let e = exp(x)
    return e / (1 + e)
}
