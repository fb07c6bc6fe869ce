#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#elseif canImport(Musl)
import Musl
#endif

/// The mean Poisson deviance (`poisson_deviance`), as scikit-learn's
/// `mean_poisson_deviance`: the weighted mean of 2 (y log(y / ŷ) − y + ŷ), where
/// y log(y / ŷ) is 0 for y = 0.
///
/// Labels must be counts or rates, not negative; predictions must be positive (a model
/// with a log link predicts exp(score), which always is).
public struct PoissonDeviance: InputMetric {
    /// Creates the metric.
    public init() {}

    public var name: String { "poisson_deviance" }
    public var isHigherBetter: Bool { false }
    public var tasks: Set<MetricTask> { [.regression] }

    func evaluate(_ input: MetricInput) throws(MetricError) -> Double {
        let labels = input.labels, predictions = input.predictions
        for row in 0..<labels.count where labels[row] < 0 {
            throw .invalidLabel(metric: name, row: row, value: labels[row], expected: "a value of 0 or more")
        }
        for row in 0..<predictions.count where predictions[row] <= 0 {
            throw .nonPositivePrediction(metric: name, row: row, value: predictions[row])
        }
        return input.weightedMean { label, prediction in
            let logTerm = label == 0 ? 0 : label * log(label / prediction)
            return 2 * (logTerm - label + prediction)
        }
    }
}
