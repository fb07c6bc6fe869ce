#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#elseif canImport(Musl)
import Musl
#endif

/// The function from a row's raw scores to its prediction.
public enum OutputLink: String, Codable, Sendable, Equatable {
    /// The raw score is the prediction (regression, L1, Huber, quantile).
    case identity
    /// `1 / (1 + e^−s)`: the probability of the positive class (binary).
    case sigmoid
    /// `e^s_i / Σ e^s_j` over a row's scores: class probabilities (multiclass).
    case softmax
    /// `e^s`: the mean of a log-link model (Poisson).
    case exp

    /// Transforms `rows × scoresPerRow` raw scores in place.
    public func apply(_ scores: UnsafeMutableBufferPointer<Double>, scoresPerRow: Int) {
        switch self {
        case .identity:
            return
        case .sigmoid:
            for index in scores.indices { scores[index] = 1 / (1 + exponential(-scores[index])) }
        case .exp:
            for index in scores.indices { scores[index] = exponential(scores[index]) }
        case .softmax:
            var start = 0
            while start < scores.count {
                var largest = -Double.infinity
                for index in start..<start + scoresPerRow { largest = max(largest, scores[index]) }
                var total = 0.0
                for index in start..<start + scoresPerRow {
                    let value = exponential(scores[index] - largest)
                    scores[index] = value
                    total += value
                }
                for index in start..<start + scoresPerRow { scores[index] /= total }
                start += scoresPerRow
            }
        }
    }
}

/// `e^x`, named apart from ``OutputLink/exp``.
@inline(__always)
private func exponential(_ x: Double) -> Double { exp(x) }
