#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#elseif canImport(Musl)
import Musl
#endif

/// The checks every objective shares, and the weighted statistics initial scores use.
enum ObjectiveInput {
    /// Throws unless there are rows, labels are finite, and weights match the rows and are
    /// finite, not negative and not all zero; then checks each label with `isValid`.
    static func check(
        _ objective: String,
        labels: UnsafeBufferPointer<Double>,
        weights: UnsafeBufferPointer<Double>?,
        expected: String? = nil,
        isValid: (Double) -> Bool = { _ in true }
    ) throws(ObjectiveError) {
        guard !labels.isEmpty else { throw .emptyInput(objective: objective) }
        if let weights {
            guard weights.count == labels.count else {
                throw .lengthMismatch(objective: objective, what: "weights", expected: labels.count, found: weights.count)
            }
            var total = 0.0
            for row in 0..<weights.count {
                let weight = weights[row]
                guard weight.isFinite else {
                    throw .notFinite(objective: objective, what: "weight", row: row, value: weight)
                }
                guard weight >= 0 else { throw .negativeWeight(objective: objective, row: row, value: weight) }
                total += weight
            }
            guard total > 0 else { throw .zeroTotalWeight(objective: objective) }
        }
        for row in 0..<labels.count {
            let label = labels[row]
            guard label.isFinite else {
                throw .notFinite(objective: objective, what: "label", row: row, value: label)
            }
            guard isValid(label) else {
                throw .invalidLabel(objective: objective, row: row, value: label, expected: expected ?? "")
            }
        }
    }

    /// The weighted mean of the labels.
    static func weightedMean(_ labels: UnsafeBufferPointer<Double>, _ weights: UnsafeBufferPointer<Double>?) -> Double {
        var sum = 0.0
        guard let weights else {
            for label in labels { sum += label }
            return sum / Double(labels.count)
        }
        var total = 0.0
        for row in 0..<labels.count {
            sum += weights[row] * labels[row]
            total += weights[row]
        }
        return sum / total
    }

    /// The weighted `alpha`-quantile of the labels: a minimiser of the weighted pinball
    /// loss, the midpoint of the minimisers when they form an interval (so the unweighted
    /// median of an even count is the mean of the two middle labels). Rows of zero
    /// weight are ignored.
    ///
    /// - Complexity: O(n log n).
    static func weightedQuantile(
        _ labels: UnsafeBufferPointer<Double>, _ weights: UnsafeBufferPointer<Double>?, alpha: Double
    ) -> Double {
        var order = Array(0..<labels.count)
        if let weights { order.removeAll { weights[$0] == 0 } }
        order.sort { labels[$0] < labels[$1] }
        let weight = { (row: Int) in weights?[row] ?? 1 }
        var total = 0.0
        for row in order { total += weight(row) }
        let target = alpha * total
        var cumulative = 0.0
        for (position, row) in order.enumerated() {
            cumulative += weight(row)
            guard cumulative >= target - 1e-12 * total else { continue }
            if abs(cumulative - target) <= 1e-12 * total, position + 1 < order.count {
                return (labels[row] + labels[order[position + 1]]) / 2
            }
            return labels[row]
        }
        return labels[order[order.count - 1]]
    }
}

/// The sign of `value`: −1, 0 or 1 (LightGBM's `Common::Sign`).
@inline(__always)
func sign(_ value: Double) -> Double {
    value > 0 ? 1 : (value < 0 ? -1 : 0)
}

/// Throws unless `value` satisfies `isValid`.
func requireParameter(
    _ objective: String, _ parameter: String, _ value: Double, expected: String, _ isValid: (Double) -> Bool
) throws(ObjectiveError) {
    guard value.isFinite, isValid(value) else {
        throw .invalidParameter(objective: objective, parameter: parameter, value: "\(value)", expected: expected)
    }
}
