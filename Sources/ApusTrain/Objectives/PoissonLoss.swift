import ApusModel
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#elseif canImport(Musl)
import Musl
#endif

/// Poisson negative log-likelihood with a log link (`poisson`), as LightGBM's
/// `RegressionPoissonLoss`: loss e^s − y·s, gradient e^s − y, and hessian
/// e^(s + max_delta_step), LightGBM's safeguard: the true hessian e^s times
/// e^(max_delta_step) (about 2.01 for the default 0.7), which shrinks each Newton step.
///
/// Labels must not be negative, and their weighted sum must be positive: the initial
/// score is log of the weighted mean label. Predictions are e^s.
public struct PoissonLoss: RowObjective {
    /// Added to the score in the hessian (`poisson_max_delta_step`).
    public let maxDeltaStep: Double

    /// Creates the objective.
    ///
    /// - Parameter maxDeltaStep: Positive; defaults to 0.7, LightGBM's default.
    /// - Throws: ObjectiveError/invalidParameter(objective:parameter:value:expected:).
    public init(maxDeltaStep: Double = 0.7) throws(ObjectiveError) {
        try requireParameter("poisson", "poisson_max_delta_step", maxDeltaStep, expected: "a positive number") { $0 > 0 }
        self.maxDeltaStep = maxDeltaStep
    }

    public var name: String { "poisson" }

    public func validate(
        labels: UnsafeBufferPointer<Double>, weights: UnsafeBufferPointer<Double>?
    ) throws(ObjectiveError) {
        try ObjectiveInput.check(name, labels: labels, weights: weights, expected: "a value of 0 or more") { $0 >= 0 }
    }

    public func initialScore(
        labels: UnsafeBufferPointer<Double>, weights: UnsafeBufferPointer<Double>?
    ) throws(ObjectiveError) -> [Double] {
        try validate(labels: labels, weights: weights)
        let mean = ObjectiveInput.weightedMean(labels, weights)
        guard mean > 0 else { throw .zeroLabelSum(objective: name) }
        return [log(mean)]
    }

    func derivatives(label: Double, score: Double, weight: Double) -> (gradient: Double, hessian: Double) {
        (weight * (exp(score) - label), weight * exp(score + maxDeltaStep))
    }

    public func loss(label: Double, scores: UnsafeBufferPointer<Double>) -> Double {
        exp(scores[0]) - label * scores[0]
    }

    public var link: OutputLink { .exp }
}
