import ApusModel
import ApusTable

/// The result of k-fold cross-validation: every reported metric on every held-out fold.
public struct CrossValidationResult: Sendable {
    /// The metric names, in report order.
    public let metrics: [String]
    /// `folds[f][m]`: metric `m` on held-out fold `f`.
    public let folds: [[Double]]
    /// Whether the folds kept the class shares (classification targets).
    public let stratified: Bool

    /// The mean of metric `m` over the folds.
    public func mean(_ m: Int) -> Double { folds.reduce(0) { $0 + $1[m] } / Double(folds.count) }

    /// The sample standard deviation of metric `m` over the folds (0 for one fold).
    public func standardDeviation(_ m: Int) -> Double {
        guard folds.count > 1 else { return 0 }
        let mean = mean(m)
        let squares = folds.reduce(0) { $0 + ($1[m] - mean) * ($1[m] - mean) }
        return (squares / Double(folds.count - 1)).squareRoot()
    }
}

/// k-fold cross-validation of the GBDT: train on k − 1 folds, score the held-out one,
/// for each fold in turn. Classification targets use stratified folds.
public enum CrossValidation {
    /// Cross-validates `parameters` on `table`.
    ///
    /// - Parameters:
    ///   - folds: k, at least 2 and at most the row count.
    ///   - seed: Fixes the folds.
    ///   - progress: Called before each fold is trained, with the fold's index from 0.
    /// - Throws: ``TrainingError`` for the data or parameters; the table's error for a
    ///   bad fold count.
    public static func run(
        table: Table, target: String, task: TaskChoice = .auto, parameters: GBDTParameters, folds: Int, seed: UInt64,
        progress: ((Int) -> Void)? = nil
    ) throws -> CrossValidationResult {
        let whole = try TrainingData(table: table, target: target, task: task)
        let stratified = whole.task != .regression
        let split = stratified
            ? try table.stratifiedKFold(k: folds, seed: seed, on: target)
            : try table.kFold(k: folds, seed: seed)
        var names: [String] = []
        var results: [[Double]] = []
        for (index, fold) in split.enumerated() {
            progress?(index)
            let training = try TrainingData(table: try table.rows(fold.train), target: target, task: task.fixed(whole))
            let held = try training.encode(try table.rows(fold.validation))
            let model = try GBDTTrainer(parameters: parameters).train(training)
            let predictions = try model.ensemble.predict(features: held.features, threads: parameters.numThreads)
            let scored = try ModelMetrics.evaluate(
                task: model.task, objective: model.objective, labels: held.labels, predictions: predictions)
            if names.isEmpty { names = scored.map(\.name) }
            // A fold whose labels include 0 drops `mape`: keep the metrics every fold has.
            results.append(names.map { name in scored.first { $0.name == name }?.value ?? .nan })
        }
        let kept = names.indices.filter { m in results.allSatisfy { !$0[m].isNaN } }
        return CrossValidationResult(
            metrics: kept.map { names[$0] }, folds: results.map { row in kept.map { row[$0] } }, stratified: stratified)
    }
}

extension TaskChoice {
    /// The explicit task of `data` when this choice is `auto`, so every fold trains the
    /// same task even if a fold's target looks different.
    func fixed(_ data: TrainingData) -> TaskChoice {
        guard self == .auto else { return self }
        switch data.task {
        case .binary: return .binary
        case .multiclass: return .multiclass
        case .regression: return .regression
        }
    }
}
