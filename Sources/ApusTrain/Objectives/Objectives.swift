import ApusTable

/// The parameters objectives take, with LightGBM's names and defaults.
public struct ObjectiveParameters: Sendable, Equatable {
    /// `num_class`: the class count of `multiclass`. Must be at least 2; no default.
    public var classCount: Int?
    /// `alpha`: the quantile of `quantile` (in (0, 1)) and the delta of `huber`
    /// (positive). Defaults to 0.9.
    public var alpha: Double
    /// `scale_pos_weight`: `binary`'s multiplier of positive rows' gradients and
    /// hessians. Must be positive. Defaults to 1.
    public var scalePositiveWeight: Double
    /// `poisson_max_delta_step`: added to the score in `poisson`'s hessian. Must be
    /// positive. Defaults to 0.7.
    public var poissonMaxDeltaStep: Double

    /// Parameters with LightGBM's defaults, except `classCount`, which has none.
    public init(
        classCount: Int? = nil, alpha: Double = 0.9, scalePositiveWeight: Double = 1,
        poissonMaxDeltaStep: Double = 0.7
    ) {
        self.classCount = classCount
        self.alpha = alpha
        self.scalePositiveWeight = scalePositiveWeight
        self.poissonMaxDeltaStep = poissonMaxDeltaStep
    }
}

/// The registry of training objectives, by LightGBM's names and aliases.
///
/// ```swift
/// let objective = try Objectives.named("multiclass", parameters: .init(classCount: 3))
/// ```
public enum Objectives {
    /// The registered names.
    public static let names = [
        "binary", "multiclass", "regression", "regression_l1", "huber", "poisson", "quantile",
    ]

    /// Other spellings accepted by ``named(_:parameters:)``: LightGBM's aliases.
    public static let aliases: [String: String] = [
        "softmax": "multiclass",
        "regression_l2": "regression",
        "l2": "regression",
        "mse": "regression",
        "mean_squared_error": "regression",
        "l1": "regression_l1",
        "mae": "regression_l1",
        "mean_absolute_error": "regression_l1",
    ]

    /// The objective registered as `name` or one of its ``aliases`` (case-insensitive),
    /// configured by `parameters`.
    ///
    /// - Throws: ``ObjectiveError/unknownObjective(_:suggestion:)`` naming the closest
    ///   registered name or alias, if one is close; or the objective's parameter errors.
    public static func named(
        _ name: String, parameters: ObjectiveParameters = ObjectiveParameters()
    ) throws(ObjectiveError) -> any Objective {
        let key = name.lowercased()
        switch aliases[key] ?? key {
        case "binary": return try BinaryLogistic(scalePositiveWeight: parameters.scalePositiveWeight)
        case "multiclass":
            guard let classCount = parameters.classCount else {
                throw .missingParameter(objective: "multiclass", parameter: "num_class")
            }
            return try MulticlassSoftmax(classCount: classCount)
        case "regression": return SquaredError()
        case "regression_l1": return AbsoluteError()
        case "huber": return try HuberLoss(delta: parameters.alpha)
        case "poisson": return try PoissonLoss(maxDeltaStep: parameters.poissonMaxDeltaStep)
        case "quantile": return try QuantileLoss(alpha: parameters.alpha)
        default:
            throw .unknownObjective(name, suggestion: closestName(to: name, among: names + aliases.keys.sorted()))
        }
    }
}
