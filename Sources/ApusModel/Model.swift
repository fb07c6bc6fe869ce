/// What a model predicts.
public enum ModelTask: String, Codable, Sendable, Equatable, CaseIterable {
    /// The probability of the positive class (the second of ``Model/classes``).
    case binary
    /// One probability per class; the prediction is the most probable class.
    case multiclass
    /// A number (a mean, median, quantile or Poisson rate, by objective).
    case regression
}

/// What a model's training recorded: enough to know where it came from and how it went.
/// Nothing here depends on the clock or the thread count, so training twice gives the
/// same file.
public struct TrainingSummary: Codable, Sendable, Equatable {
    /// Training rows.
    public var rows: Int
    /// Validation rows (0 without a validation set).
    public var validationRows: Int
    /// SHA-256 of the training data (file bytes plus schema), if known.
    public var dataFingerprint: String?
    /// Rounds trained before stopping.
    public var roundsTrained: Int
    /// The round kept (the best on the validation metric with early stopping, else the last).
    public var bestRound: Int
    /// The validation metric early stopping watched, and its value at each round.
    public var validationMetric: String?
    /// The validation metric after each round trained.
    public var validationHistory: [Double]
    /// The Apus version that trained the model.
    public var apusVersion: String

    /// A summary; see the properties.
    public init(
        rows: Int, validationRows: Int = 0, dataFingerprint: String? = nil, roundsTrained: Int, bestRound: Int,
        validationMetric: String? = nil, validationHistory: [Double] = [], apusVersion: String
    ) {
        self.rows = rows
        self.validationRows = validationRows
        self.dataFingerprint = dataFingerprint
        self.roundsTrained = roundsTrained
        self.bestRound = bestRound
        self.validationMetric = validationMetric
        self.validationHistory = validationHistory
        self.apusVersion = apusVersion
    }
}

/// Feature importance of a tree ensemble, one value per feature.
public struct FeatureImportance: Codable, Sendable, Equatable {
    /// How many splits use each feature.
    public var splits: [Int]
    /// The total loss reduction of each feature's splits.
    public var gain: [Double]

    /// The importance of `ensemble`'s trees over `featureCount` features.
    public init(ensemble: TreeEnsemble) {
        var splits = [Int](repeating: 0, count: ensemble.featureKinds.count)
        var gain = [Double](repeating: 0, count: ensemble.featureKinds.count)
        for tree in ensemble.trees {
            for node in 0..<tree.internalNodeCount {
                let feature = Int(tree.splitFeature[node])
                splits[feature] += 1
                gain[feature] += tree.splitGain[node]
            }
        }
        self.splits = splits
        self.gain = gain
    }
}

/// A trained model: the ensemble, the features it reads, what it predicts, and how it
/// was trained. ``ModelFile`` reads and writes it.
public struct Model: Sendable {
    /// What the model predicts.
    public var task: ModelTask
    /// The training objective (`binary`, `multiclass`, `regression`, `regression_l1`,
    /// `huber`, `poisson`, `quantile`).
    public var objective: String
    /// The target column's name.
    public var target: String
    /// Class labels as they appeared in the target column: two for binary (negative,
    /// positive), one per score for multiclass, none for regression.
    public var classes: [String]
    /// The features and their encoding.
    public var schema: FeatureSchema
    /// The trees.
    public var ensemble: TreeEnsemble
    /// Every training parameter that shapes the model, by name, as canonical text
    /// (`num_threads` is left out: it never changes the model).
    public var parameters: [String: String]
    /// How training went.
    public var training: TrainingSummary

    /// A model; see the properties.
    public init(
        task: ModelTask, objective: String, target: String, classes: [String], schema: FeatureSchema,
        ensemble: TreeEnsemble, parameters: [String: String], training: TrainingSummary
    ) {
        self.task = task
        self.objective = objective
        self.target = target
        self.classes = classes
        self.schema = schema
        self.ensemble = ensemble
        self.parameters = parameters
        self.training = training
    }

    /// Split-count and gain importance of each feature, in schema order.
    public var importance: FeatureImportance { FeatureImportance(ensemble: ensemble) }
}
