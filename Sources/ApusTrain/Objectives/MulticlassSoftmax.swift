import ApusModel
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#elseif canImport(Musl)
import Musl
#endif

/// Softmax cross-entropy for labels 0..<k (`multiclass`, alias `softmax`), as LightGBM's
/// `MulticlassSoftmax`: k raw scores per row, loss −log p_y, gradient p_j − [j = y],
/// hessian k/(k − 1) · p_j(1 − p_j).
///
/// The factor k/(k − 1) is LightGBM's: it scales the diagonal of the true hessian so the
/// Newton step is not too cautious. The initial scores are LightGBM's log class priors,
/// log(max(1e-15, weighted share of class j)). Predictions are the softmax of each row.
public struct MulticlassSoftmax: Objective {
    /// The number of classes, k.
    public let classCount: Int
    /// k/(k − 1), LightGBM's `factor_`.
    let hessianFactor: Double

    /// Creates the objective for `classCount` classes.
    ///
    /// - Parameter classCount: At least 2 (`num_class`).
    /// - Throws: ObjectiveError/invalidParameter(objective:parameter:value:expected:).
    public init(classCount: Int) throws(ObjectiveError) {
        guard classCount >= 2 else {
            throw .invalidParameter(objective: "multiclass", parameter: "num_class", value: "\(classCount)", expected: "2 or more")
        }
        self.classCount = classCount
        hessianFactor = Double(classCount) / Double(classCount - 1)
    }

    public var name: String { "multiclass" }
    public var scoresPerRow: Int { classCount }

    public func validate(
        labels: UnsafeBufferPointer<Double>, weights: UnsafeBufferPointer<Double>?
    ) throws(ObjectiveError) {
        let k = Double(classCount)
        try ObjectiveInput.check(name, labels: labels, weights: weights, expected: "a class index in 0..<\(classCount)") {
            $0 >= 0 && $0 < k && $0.rounded(.towardZero) == $0
        }
    }

    public func initialScore(
        labels: UnsafeBufferPointer<Double>, weights: UnsafeBufferPointer<Double>?
    ) throws(ObjectiveError) -> [Double] {
        try validate(labels: labels, weights: weights)
        var shares = [Double](repeating: 0, count: classCount)
        var total = 0.0
        for row in 0..<labels.count {
            let weight = weights?[row] ?? 1
            shares[Int(labels[row])] += weight
            total += weight
        }
        return shares.map { log(max(1e-15, $0 / total)) }
    }

    /// Writes each row's softmax into `gradients` first, then turns it into derivatives.
    public func gradients(
        labels: UnsafeBufferPointer<Double>,
        scores: UnsafeBufferPointer<Double>,
        weights: UnsafeBufferPointer<Double>?,
        gradients: UnsafeMutableBufferPointer<Double>,
        hessians: UnsafeMutableBufferPointer<Double>
    ) {
        let k = classCount
        assert(scores.count == labels.count * k && gradients.count >= scores.count && hessians.count >= scores.count)
        gradients.baseAddress!.update(from: scores.baseAddress!, count: scores.count)
        OutputLink.softmax.apply(UnsafeMutableBufferPointer(rebasing: gradients[0..<scores.count]), scoresPerRow: k)
        for row in 0..<labels.count {
            let start = row * k
            let weight = weights?[row] ?? 1
            let label = Int(labels[row])
            for j in 0..<k {
                let probability = gradients[start + j]
                gradients[start + j] = weight * (j == label ? probability - 1 : probability)
                hessians[start + j] = weight * hessianFactor * probability * (1 - probability)
            }
        }
    }

    public func loss(label: Double, scores: UnsafeBufferPointer<Double>) -> Double {
        var largest = -Double.infinity
        for score in scores { largest = max(largest, score) }
        var sum = 0.0
        for score in scores { sum += exp(score - largest) }
        return largest + log(sum) - scores[Int(label)]
    }

    public var link: OutputLink { .softmax }
}
