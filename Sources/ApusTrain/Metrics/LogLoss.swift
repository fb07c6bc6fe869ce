#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#elseif canImport(Musl)
import Musl
#endif

/// The probability clip shared by the log-loss metrics, LightGBM's `kEpsilon`.
///
/// scikit-learn 1.5 and later clip to `Double.ulpOfOne` (about 2.2e-16) instead, so the
/// two differ only for predictions within 1e-15 of 0 or 1.
let logLossEpsilon = 1e-15

/// `-log(p)` with `p` clipped to [1e-15, 1 − 1e-15].
@inline(__always)
func clippedNegativeLog(_ probability: Double) -> Double {
    -log(min(max(probability, logLossEpsilon), 1 - logLossEpsilon))
}

/// Binary cross-entropy (`logloss`), as scikit-learn's `log_loss` and LightGBM's
/// `binary_logloss`: the weighted mean of −log p for positives and −log(1 − p) for
/// negatives, with p clipped to [1e-15, 1 − 1e-15].
///
/// Labels must be 0 or 1; predictions are probabilities of class 1, in [0, 1].
public struct LogLoss: InputMetric {
    /// Creates the metric.
    public init() {}

    public var name: String { "logloss" }
    public var isHigherBetter: Bool { false }
    public var tasks: Set<MetricTask> { [.binaryClassification] }

    func evaluate(_ input: MetricInput) throws(MetricError) -> Double {
        try input.requireBinaryLabels()
        try input.requireProbabilities()
        return input.weightedMean { label, probability in
            clippedNegativeLog(label == 1 ? probability : 1 - probability)
        }
    }
}

/// The Brier score (`brier`), as scikit-learn's `brier_score_loss`: the weighted mean of
/// (p − y)², for labels 0 or 1 and probabilities of class 1 in [0, 1].
public struct BrierScore: InputMetric {
    /// Creates the metric.
    public init() {}

    public var name: String { "brier" }
    public var isHigherBetter: Bool { false }
    public var tasks: Set<MetricTask> { [.binaryClassification] }

    func evaluate(_ input: MetricInput) throws(MetricError) -> Double {
        try input.requireBinaryLabels()
        try input.requireProbabilities()
        return input.weightedMean { label, probability in
            (probability - label) * (probability - label)
        }
    }
}
