import ApusTable

/// The registry of evaluation metrics, by the names LightGBM and scikit-learn users know.
///
/// ```swift
/// let auc = try Metrics.named("auc").evaluate(labels: y, predictions: p)
/// ```
public enum Metrics {
    /// Every registered metric, in the order `apus evaluate` reports them.
    /// Threshold metrics use the default threshold of 0.5.
    public static let all: [any Metric] = [
        AUC(),
        AveragePrecision(),
        LogLoss(),
        BrierScore(),
        ThresholdMetric(.accuracy),
        ThresholdMetric(.precision),
        ThresholdMetric(.recall),
        ThresholdMetric(.f1),
        MulticlassLogLoss(),
        MulticlassError(),
        MulticlassError(reportsAccuracy: true),
        RootMeanSquaredError(),
        MeanAbsoluteError(),
        R2Score(),
        MeanAbsolutePercentageError(),
        PoissonDeviance(),
    ]

    /// The registered names, in the order of ``all``.
    public static var names: [String] { all.map(\.name) }

    /// Other spellings accepted by ``named(_:)``: LightGBM's and scikit-learn's names.
    public static let aliases: [String: String] = [
        "binary_logloss": "logloss",
        "log_loss": "logloss",
        "roc_auc": "auc",
        "brier_score": "brier",
        "multi_log_loss": "multi_logloss",
        "root_mean_squared_error": "rmse",
        "mean_absolute_error": "mae",
        "l1": "mae",
        "mean_absolute_percentage_error": "mape",
        "r2_score": "r2",
        "mean_poisson_deviance": "poisson_deviance",
    ]

    /// The metric registered as `name` or one of its ``aliases`` (case-insensitive).
    ///
    /// - Throws: ``MetricError/unknownMetric(_:suggestion:)`` naming the closest
    ///   registered name, if one is close.
    public static func named(_ name: String) throws(MetricError) -> any Metric {
        let key = name.lowercased()
        let canonical = aliases[key] ?? key
        if let metric = all.first(where: { $0.name == canonical }) { return metric }
        throw .unknownMetric(name, suggestion: closestName(to: name, among: names))
    }

    /// The registered metrics that apply to `task`.
    public static func applicable(to task: MetricTask) -> [any Metric] {
        all.filter { $0.tasks.contains(task) }
    }
}
