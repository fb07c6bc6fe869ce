import ApusModel

/// The validation loss pruning minimises: the model's training objective, as the
/// objective's `loss(label:scores:)` defines it, averaged over the rows with their weights.
///
/// Objective names map as follows (Apus's registry names and aliases, and the names
/// LightGBM and XGBoost imports record):
///
/// | loss | objective names |
/// |---|---|
/// | binary logloss (× `scale_pos_weight` on positives) | `binary`, `cross_entropy`, `xentropy`, `binary:logistic`, `reg:logistic`, `binary:logitraw` |
/// | multiclass logloss | `multiclass`, `softmax`, `multi:softprob`, `multi:softmax` |
/// | squared error / 2 | `regression`, `regression_l2`, `l2`, `mse`, `mean_squared_error`, `reg:squarederror`, `reg:linear` |
/// | absolute error | `regression_l1`, `l1`, `mae`, `mean_absolute_error`, `reg:absoluteerror` |
/// | Huber (δ = parameter `alpha`) | `huber` |
/// | pinball (α = parameter `alpha`) | `quantile` |
/// | Poisson negative log-likelihood, e^s − y·s | `poisson`, `count:poisson` |
///
/// Anything else (gamma, Tweedie, fair, MAPE, pseudo-Huber, ...) is refused.
struct PruningLoss: Sendable {
    /// The loss's family and parameters; the per-round differences switch on it.
    enum Kind: Equatable, Sendable {
        case logistic(positiveScale: Double)
        case softmax(classes: Int)
        case squared
        case absolute
        case huber(delta: Double)
        case quantile(alpha: Double)
        case poisson
    }

    /// The loss's family and parameters.
    let kind: Kind
    /// The training objective whose `loss(label:scores:)` this is: the reference the fast
    /// per-round differences are checked against.
    let objective: any Objective

    /// The objective names pruning knows, by the loss they mean.
    static let namesByFamily: [(family: String, names: [String])] = [
        ("logistic", ["binary", "cross_entropy", "xentropy", "binary:logistic", "reg:logistic", "binary:logitraw"]),
        ("softmax", ["multiclass", "softmax", "multi:softprob", "multi:softmax"]),
        ("squared", ["regression", "regression_l2", "l2", "mse", "mean_squared_error", "reg:squarederror", "reg:linear"]),
        ("absolute", ["regression_l1", "l1", "mae", "mean_absolute_error", "reg:absoluteerror"]),
        ("huber", ["huber"]),
        ("quantile", ["quantile"]),
        ("poisson", ["poisson", "count:poisson"]),
    ]

    /// Every known name, for error messages.
    static var knownNames: [String] { namesByFamily.flatMap(\.names) }

    /// The loss of `model`'s objective, checked against its ensemble.
    init(model: Model) throws(PruningError) {
        let name = model.objective
        guard let family = Self.namesByFamily.first(where: { $0.names.contains(name.lowercased()) })?.family else {
            throw .unknownObjective(name)
        }
        let k = model.ensemble.scoresPerRow
        let expectedLink: OutputLink
        do {
            switch family {
            case "logistic":
                let scale = try Self.parameter(model, "scale_pos_weight", default: 1)
                (kind, objective, expectedLink) = (.logistic(positiveScale: scale), try BinaryLogistic(scalePositiveWeight: scale), .sigmoid)
            case "softmax":
                guard k >= 2 else { throw PruningError.objectiveMismatch(objective: name, link: model.ensemble.link.rawValue, scoresPerRow: k) }
                (kind, objective, expectedLink) = (.softmax(classes: k), try MulticlassSoftmax(classCount: k), .softmax)
            case "squared": (kind, objective, expectedLink) = (.squared, SquaredError(), .identity)
            case "absolute": (kind, objective, expectedLink) = (.absolute, AbsoluteError(), .identity)
            case "huber":
                let delta = try Self.parameter(model, "alpha", default: nil)
                (kind, objective, expectedLink) = (.huber(delta: delta), try HuberLoss(delta: delta), .identity)
            case "quantile":
                let alpha = try Self.parameter(model, "alpha", default: nil)
                (kind, objective, expectedLink) = (.quantile(alpha: alpha), try QuantileLoss(alpha: alpha), .identity)
            default: (kind, objective, expectedLink) = (.poisson, try PoissonLoss(), .exp)
            }
        } catch let error as PruningError {
            throw error
        } catch ObjectiveError.invalidParameter(_, let parameter, let value, let expected) {
            throw .objectiveParameter(objective: name, reason: "parameter `\(parameter)` is \(value); expected \(expected)")
        } catch {
            throw .objectiveParameter(objective: name, reason: "\(error)")
        }
        guard model.ensemble.link == expectedLink, (family == "softmax") == (k > 1) else {
            throw .objectiveMismatch(objective: name, link: model.ensemble.link.rawValue, scoresPerRow: k)
        }
    }

    /// The model's parameter `name` as a number, or `fallback` when the model does not
    /// record it (an error when there is no fallback).
    private static func parameter(_ model: Model, _ name: String, default fallback: Double?) throws(PruningError) -> Double {
        guard let text = model.parameters[name] else {
            guard let fallback else {
                throw .objectiveParameter(objective: model.objective, reason: "the model does not record `\(name)`, which the loss needs")
            }
            return fallback
        }
        guard let value = Double(text) else {
            throw .objectiveParameter(objective: model.objective, reason: "parameter `\(name)` is `\(text)`, not a number")
        }
        return value
    }

    /// A name for reports.
    var name: String {
        switch kind {
        case .logistic(let scale): scale == 1 ? "binary logloss" : "binary logloss (positives × \(scale))"
        case .softmax: "multiclass logloss"
        case .squared: "squared error / 2"
        case .absolute: "absolute error"
        case .huber(let delta): "huber (delta \(delta))"
        case .quantile(let alpha): "quantile (alpha \(alpha))"
        case .poisson: "poisson negative log-likelihood"
        }
    }

    /// What a label must be, or nil when any finite label will do.
    var labelRule: (expected: String, isValid: (Double) -> Bool)? {
        switch kind {
        case .logistic: ("0 or 1", { $0 == 0 || $0 == 1 })
        case .softmax(let classes):
            ("a class index in 0..<\(classes)", { $0 >= 0 && $0 < Double(classes) && $0.rounded(.towardZero) == $0 })
        case .poisson: ("a count of 0 or more", { $0 >= 0 })
        case .squared, .absolute, .huber, .quantile: nil
        }
    }

    /// The weighted mean loss of raw scores (`rows × scoresPerRow`).
    func mean(scores: [Double], labels: [Double], weights: [Double]?) -> Double {
        let objective = self.objective
        let k = labels.isEmpty ? 1 : scores.count / labels.count
        var sum = 0.0, total = 0.0
        scores.withUnsafeBufferPointer { scores in
            for row in 0..<labels.count {
                let weight = weights?[row] ?? 1
                let rowScores = UnsafeBufferPointer(rebasing: scores[row * k ..< (row + 1) * k])
                sum += weight * objective.loss(label: labels[row], scores: rowScores)
                total += weight
            }
        }
        return sum / total
    }
}
