import ApusModel

/// The validation rows pruning measures a model on.
public struct PruningData: Sendable {
    /// `rows × featureCount` values, row-major, in the model's schema order and encoded as
    /// ``FeatureSchema`` encodes them (categorical levels as codes, missing as NaN).
    public var features: [Double]
    /// One label per row: 0 or 1 (binary), the class index (multiclass), or the value
    /// (regression).
    public var labels: [Double]
    /// One weight per row (finite, not negative, not all zero), or nil for equal weights.
    public var weights: [Double]?

    /// Validation rows; see the properties.
    public init(features: [Double], labels: [Double], weights: [Double]? = nil) {
        self.features = features
        self.labels = labels
        self.weights = weights
    }

    /// The number of rows (one per label).
    public var rows: Int { labels.count }
}

/// Where pruning stops.
public enum PruningBudget: Sendable {
    /// Remove rounds until `measure(model) <= bytes`. The caller measures the size in its
    /// export format; the measure should not grow when rounds are removed (pruning
    /// searches the number of rounds to remove by doubling, then bisection).
    case size(bytes: Int, measure: @Sendable (Model) -> Int)
    /// Remove rounds while the validation loss stays within this absolute increase of the
    /// original model's loss (leaf merging included).
    case lossIncrease(Double)
}

/// A pruned model and what pruning did to it.
public struct PruningResult: Sendable {
    /// The pruned model: the kept rounds in their original order, leaves merged.
    public var model: Model
    /// Sizes, losses and metrics before and after.
    public var report: PruningReport
}

/// What pruning did, measured on the validation rows.
public struct PruningReport: Sendable, Equatable {
    /// Trees before and after (rounds × scores per row).
    public var treesBefore: Int
    public var treesAfter: Int
    /// Boosting rounds before and after (equal to trees except for multiclass).
    public var roundsBefore: Int
    public var roundsAfter: Int
    /// The rounds removed, as indices into the original model's rounds, in removal order.
    public var removedRounds: [Int]
    /// Pairs of sibling leaves merged into one leaf (leaves before minus leaves after the
    /// merge, over all trees, including those later removed).
    public var leavesMerged: Int
    /// What the loss is: the objective's name (see ``EnsemblePruning``).
    public var lossName: String
    /// The weighted mean validation loss of the original and of the pruned model.
    public var lossBefore: Double
    public var lossAfter: Double
    /// The task's headline metric: `auc` (binary), `multi_logloss` (multiclass) or `rmse`
    /// (regression), on predictions (the link applied).
    public var metricName: String
    /// The metric of the original and of the pruned model; nil when the validation rows
    /// cannot score it (AUC with one class only).
    public var metricBefore: Double?
    public var metricAfter: Double?
    /// The largest absolute difference between a prediction of the original model and the
    /// pruned one (probabilities for classification) over the validation rows.
    public var maxPredictionDifference: Double
    /// How many loss differences of removing a round were computed: one per round to
    /// start with, plus every recomputation of a stale one (a measure of the work done).
    public var differencesComputed: Int

    /// The loss increase pruning caused.
    public var lossIncrease: Double { lossAfter - lossBefore }
}
