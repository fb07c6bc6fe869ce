import ApusModel

/// Predictions from raw scores, as every front end answers them:
///
/// - binary: `values` holds the probability of the positive class (`classes[1]`) per row,
///   `labels` the class with probability ≥ 0.5;
/// - multiclass: `values` holds `rows × classes` probabilities, `labels` the most probable class;
/// - regression: `values` holds the prediction per row (the mean, median, quantile or
///   rate the objective names); no labels.
public struct ModelPredictions: Sendable {
    /// Rows predicted.
    public let rows: Int
    /// Values per row: 1, or the class count for multiclass.
    public let width: Int
    /// The predictions, row-major.
    public let values: [Double]
    /// The model's task.
    public let task: ModelTask
    /// The model's class labels (empty for regression).
    public let classes: [String]

    /// The predictions of `rows` rows whose raw scores are `rawScores` (the link applied here).
    public init(model: Model, rawScores: [Double], rows: Int) {
        var values = rawScores
        let k = model.ensemble.scoresPerRow
        values.withUnsafeMutableBufferPointer { model.ensemble.link.apply($0, scoresPerRow: k) }
        self.rows = rows
        self.values = values
        self.task = model.task
        self.classes = model.classes
        width = model.task == .binary ? 1 : k
    }

    /// The predictions of `features` (row-major, as ``FeatureSchema`` encodes them).
    ///
    /// - Throws: ``ModelError`` for rows of the wrong width.
    public init(model: Model, features: [Double], threads: Int = 1) throws {
        let rows = model.schema.count > 0 ? features.count / model.schema.count : 0
        self.init(model: model, rawScores: try model.ensemble.rawScores(features: features, threads: threads), rows: rows)
    }

    /// The predicted class per row (nil for regression). Computed when asked for: not every
    /// route answers with labels (`/invocations` does not).
    public var labels: [String]? {
        switch task {
        case .regression:
            return nil
        case .binary:
            return values.map { $0 >= 0.5 ? classes[1] : classes[0] }
        case .multiclass:
            return (0..<rows).map { row in
                var best = 0
                for c in 1..<width where values[row * width + c] > values[row * width + best] { best = c }
                return classes[best]
            }
        }
    }

    /// The probability of each class of row `row` (nil for regression).
    public func probabilities(row: Int) -> [(label: String, probability: Double)]? {
        switch task {
        case .regression: nil
        case .binary: [(classes[0], 1 - values[row]), (classes[1], values[row])]
        case .multiclass: classes.enumerated().map { ($0.element, values[row * width + $0.offset]) }
        }
    }
}
