import ApusExplain
import ApusModel
import ApusTable

/// How `apus explain` attributes a prediction to the features.
public enum ExplanationMethod: String, CaseIterable, Sendable {
    /// Path-dependent TreeSHAP: exact, relative to the training data's average.
    case tree
    /// Interventional TreeSHAP: exact, relative to a background sample.
    case interventional
    /// KernelSHAP (any model): estimated, relative to a background sample.
    case kernel
    /// LIME (any model): a local linear model on discretised features.
    case lime
}

/// What an explanation is computed with: the method, its background, reason codes and
/// the random seed. The defaults explain with exact path-dependent TreeSHAP.
public struct ExplanationSettings: Sendable {
    /// The method (default `tree`).
    public var method: ExplanationMethod
    /// The rows explanations are relative to (interventional, kernel, a threshold) or LIME's
    /// training data; nil: the explained data itself.
    public var background: Table?
    /// The most background rows used (a seeded sample when there are more; the threshold
    /// reference takes this many rows nearest the threshold). Default 100, as shap advises
    /// for KernelSHAP. LIME reads every background row.
    public var backgroundRows: Int
    /// Explain relative to the rows whose prediction is nearest this threshold (interventional
    /// TreeSHAP against them): reasons "why this applicant is not at the decision boundary".
    public var threshold: Double?
    /// Reason codes per row (0: none).
    public var reasons: Int
    /// The adverse outcome for reason codes: `higher`, `lower` or a class label; nil: higher
    /// for binary and regression, the predicted class for multiclass.
    public var adverse: String?
    /// KernelSHAP's coalitions or LIME's samples per row; nil: their defaults.
    public var samples: Int?
    /// The seed of every random choice (background sample, coalitions, LIME samples).
    public var seed: UInt64
    /// The class whose output LIME and the plots show (multiclass; nil: the first class).
    public var classLabel: String?
    /// Threads (0: one per processor).
    public var threads: Int

    /// Settings; see each property for its default.
    public init(
        method: ExplanationMethod = .tree, background: Table? = nil, backgroundRows: Int = 100, threshold: Double? = nil,
        reasons: Int = 0, adverse: String? = nil, samples: Int? = nil, seed: UInt64 = 0, classLabel: String? = nil, threads: Int = 0
    ) {
        self.method = method
        self.background = background
        self.backgroundRows = backgroundRows
        self.threshold = threshold
        self.reasons = reasons
        self.adverse = adverse
        self.samples = samples
        self.seed = seed
        self.classLabel = classLabel
        self.threads = threads
    }

    /// The adverse outcome `adverse` names for `model`.
    func adverseOutcome(of model: Model) throws(ServiceError) -> AdverseOutcome? {
        guard let adverse else { return nil }
        switch (model.task, adverse) {
        case (.binary, "higher"), (.regression, "higher"): return .higher
        case (.binary, "lower"), (.regression, "lower"): return .lower
        case (.regression, _): throw ServiceError("--adverse of a regression model is `higher` or `lower`, not `\(adverse)`")
        default:
            guard let index = model.classes.firstIndex(of: adverse) else {
                let choices = (model.task == .binary ? ["higher", "lower"] : []) + model.classes
                throw ServiceError("--adverse is `\(adverse)`, which the model does not know; it takes \(choices.map { "`\($0)`" }.joined(separator: ", "))")
            }
            return .classIndex(index)
        }
    }

    /// The output index of `classLabel` (0 for one-output models).
    func output(of model: Model) throws(ServiceError) -> Int {
        guard let classLabel else { return 0 }
        guard model.task == .multiclass else {
            throw ServiceError("--class is for multiclass models; this \(model.task.rawValue) model has one output")
        }
        guard let index = model.classes.firstIndex(of: classLabel) else {
            throw ServiceError("--class is `\(classLabel)`, which is no class of the model (\(model.classes.map { "`\($0)`" }.joined(separator: ", ")))")
        }
        return index
    }
}
