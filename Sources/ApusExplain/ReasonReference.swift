/// What explanations (and so reason codes) are relative to: every SHAP value says how far a
/// feature moved the score away from a reference score, the bias.
///
/// Lenders need reasons relative to a decision, not only to the average applicant (shap
/// issue #435): "why was I declined?" is answered best against the applicants who were
/// approved, or against the ones just at the threshold.
public enum ReasonReference: Sendable, Equatable {
    /// Path-dependent TreeSHAP: the bias is the training mean (the trees' cover-weighted
    /// expected score); effects explain the distance from the average training row.
    case average
    /// Interventional TreeSHAP against these background rows (`rows × features`, row-major,
    /// encoded as ``ApusModel/FeatureSchema`` encodes them; approved applicants, say): the
    /// bias is their mean score; effects explain the distance from them.
    case background([Double])
    /// Interventional TreeSHAP against the rows of `background` (`rows × features`) whose
    /// prediction is nearest the decision threshold (the marginal applicants; see
    /// ``nearestToThreshold(scores:threshold:count:)``), so effects explain the distance
    /// from the decision boundary. The threshold is on the prediction's scale: a probability
    /// for binary (the adverse class's for multiclass), the predicted value for regression.
    case threshold(Double, background: [Double])

    /// The reference's name: `average`, `background` or `threshold`.
    public var name: String {
        switch self {
        case .average: "average"
        case .background: "background"
        case .threshold: "threshold"
        }
    }

    /// The default number of rows a threshold reference keeps.
    public static let thresholdRowCount = 100

    /// The indices of the `count` scores nearest `threshold`, nearest first; of two equally
    /// near, the lower index first. NaN scores are never chosen; fewer than `count` finite
    /// scores give them all.
    ///
    /// - Throws: ``ExplainError`` for a count below 1, a threshold that is not a finite
    ///   number, or no finite score at all.
    public static func nearestToThreshold(scores: [Double], threshold: Double, count: Int = thresholdRowCount)
        throws(ExplainError) -> [Int] {
        guard count >= 1 else { throw ExplainError("the number of rows nearest the threshold must be at least 1, not \(count)") }
        guard threshold.isFinite else { throw ExplainError("the decision threshold must be a finite number, not \(threshold)") }
        var candidates: [(index: Int, distance: Double)] = []
        candidates.reserveCapacity(scores.count)
        for (index, score) in scores.enumerated() where !score.isNaN {
            candidates.append((index, (score - threshold).magnitude))
        }
        guard !candidates.isEmpty else {
            throw ExplainError("none of the \(scores.count) background rows has a score to compare with the threshold")
        }
        candidates.sort { $0.distance != $1.distance ? $0.distance < $1.distance : $0.index < $1.index }
        return candidates.prefix(count).map(\.index)
    }

    /// The rows `indices` of `features` (`rows × featureCount`, row-major), in that order.
    ///
    /// - Throws: ``ExplainError`` when `features` is not whole rows or an index is out of range.
    public static func rows(_ indices: [Int], of features: [Double], featureCount: Int) throws(ExplainError) -> [Double] {
        guard featureCount > 0, features.count % featureCount == 0 else {
            throw ExplainError("\(features.count) values are not whole rows of \(featureCount) features")
        }
        let rows = features.count / featureCount
        var chosen: [Double] = []
        chosen.reserveCapacity(indices.count * featureCount)
        for index in indices {
            guard (0..<rows).contains(index) else {
                throw ExplainError("background row \(index) is out of range: there are \(rows) rows")
            }
            chosen.append(contentsOf: features[index * featureCount..<(index + 1) * featureCount])
        }
        return chosen
    }
}
