import ApusModel

/// The metrics `apus evaluate`, `apus cv` and training summaries report for a model.
public enum ModelMetrics {
    /// The metric names reported for a task (and objective), in report order.
    ///
    /// Binary: `auc`, `average_precision`, `logloss`, `brier`, `accuracy`, `precision`,
    /// `recall`, `f1` (at threshold 0.5). Multiclass: `multi_logloss`, `multi_accuracy`,
    /// `multi_error`. Regression: `rmse`, `mae`, `r2`, then `mape` when no label is 0 (it
    /// divides by the label) and `poisson_deviance` for Poisson models.
    public static func names(task: ModelTask, objective: String, labels: [Double]) -> [String] {
        switch task {
        case .binary: return ["auc", "average_precision", "logloss", "brier", "accuracy", "precision", "recall", "f1"]
        case .multiclass: return ["multi_logloss", "multi_accuracy", "multi_error"]
        case .regression:
            var names = ["rmse", "mae", "r2"]
            if !labels.contains(0) { names.append("mape") }
            if objective == "poisson" { names.append("poisson_deviance") }
            return names
        }
    }

    /// Each reported metric of `predictions` (probabilities or values, as
    /// `TreeEnsemble.predict` gives them) against `labels`.
    ///
    /// - Throws: ``MetricError`` naming the first row a metric cannot score.
    public static func evaluate(
        task: ModelTask, objective: String, labels: [Double], predictions: [Double], weights: [Double]? = nil
    ) throws(MetricError) -> [(name: String, value: Double)] {
        var results: [(name: String, value: Double)] = []
        for name in names(task: task, objective: objective, labels: labels) {
            let metric = try Metrics.named(name)
            results.append((metric.name, try metric.evaluate(labels: labels, predictions: predictions, weights: weights)))
        }
        return results
    }
}
