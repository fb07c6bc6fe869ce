import ApusExplain
import ApusModel
import ApusTable
import ApusTrain

/// Global importance of a model's features on a data set: mean |SHAP| (exact TreeSHAP)
/// and, when the data holds the target, permutation importance. What `apus importance` prints.
public struct FeatureImportanceReport: Sendable {
    /// The features, in the model's order.
    public let names: [String]
    /// Mean |SHAP value| of each feature over the rows and scores (raw-score units).
    public let meanAbsoluteSHAP: [Double]
    /// Permutation importance (nil when the data has no target column).
    public let permutation: PermutationImportance?
    /// The metric permutation importance uses, and the model's score on the unshuffled data.
    public let metric: String?
    /// The rows used.
    public let rows: Int

    /// The features by decreasing mean |SHAP| (ties by model order).
    public var ranking: [Int] {
        names.indices.sorted { meanAbsoluteSHAP[$0] != meanAbsoluteSHAP[$1] ? meanAbsoluteSHAP[$0] > meanAbsoluteSHAP[$1] : $0 < $1 }
    }

    /// The importance of `model`'s features on `table`.
    ///
    /// - Parameters:
    ///   - metric: The permutation metric's name (`logloss`, `auc`, `rmse`, …); nil: logloss
    ///     (binary), multi_logloss (multiclass), rmse (regression).
    ///   - repeats: Shuffles per feature (at least 1).
    /// - Throws: An error naming a feature the data lacks, an unknown metric, a bad label.
    public init(model: Model, table: Table, metric: String? = nil, repeats: Int = 5, seed: UInt64 = 0, threads: Int = 0) throws {
        let features = try ModelExplaining.features(of: model, in: table, what: "the data", threads: threads)
        let values = try TreeSHAP(model.ensemble).values(features: features, threads: threads)
        let importance = try SHAPImportance(values: values, featureCount: model.schema.count, outputCount: model.ensemble.scoresPerRow)
        names = model.schema.features.map(\.name)
        meanAbsoluteSHAP = importance.overall
        rows = table.rowCount
        guard let target = table[model.target] else {
            guard metric == nil else { throw ServiceError("--metric needs the target column `\(model.target)` in the data, for permutation importance") }
            permutation = nil
            self.metric = nil
            return
        }
        let name = metric ?? (model.task == .binary ? "logloss" : model.task == .multiclass ? "multi_logloss" : "rmse")
        let chosen: any Metric
        do { chosen = try Metrics.named(name) } catch { throw ServiceError("--metric: \(error)") }
        let labels = try TrainingData.labels(of: target, name: model.target, task: model.task, classes: model.classes)
        let scoring = ImportanceMetric(name: name, higherIsBetter: chosen.isHigherBetter) { predictions, labels in
            (try? chosen.evaluate(labels: labels, predictions: predictions)) ?? .nan
        }
        // Check once, unshuffled, so a metric that does not fit the task fails with its own words.
        let predictions = try model.ensemble.predict(features: features, threads: threads)
        do {
            _ = try chosen.evaluate(labels: labels, predictions: predictions)
        } catch {
            throw ServiceError("--metric \(name) cannot score this \(model.task.rawValue) model: \(error)")
        }
        permutation = try PermutationImportance(
            function: PredictionFunction(model.ensemble, scale: .prediction), features: features, labels: labels,
            metric: scoring, repeats: repeats, seed: seed, threads: threads)
        self.metric = name
    }
}
