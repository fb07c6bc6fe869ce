import ApusStore
import ApusTable
import ApusTrain
import Foundation

/// What `apus cv` asks for.
public struct CrossValidationRequest: Sendable {
    /// The CSV file.
    public var dataPath: String
    /// The target column.
    public var target: String
    /// What to predict; `auto` decides from the target.
    public var task: TaskChoice = .auto
    /// Number of folds (at least 2).
    public var folds = 5
    /// Seed of the fold assignment.
    public var seed: UInt64 = 0
    /// `NAME=VALUE` parameter settings, applied after the parameter file's.
    public var parameterAssignments: [String] = []
    /// A JSON object of parameters.
    public var parameterFile: String?
    /// Columns that are not features.
    public var ignoredColumns: [String] = []
    /// How to read the CSV file.
    public var readOptions = CSVReadOptions()

    /// A request for `folds`-fold cross-validation of `target` on `dataPath`.
    public init(dataPath: String, target: String) {
        self.dataPath = dataPath
        self.target = target
    }
}

/// Cross-validation recorded as a run of kind `cv`: each metric's mean as `METRIC` (so
/// `metrics.auc > 0.8` filters train and cv runs alike), its standard deviation as
/// `METRIC_std`, and its value per fold as `fold_METRIC` (step = fold number).
public enum CrossValidationRuns {
    /// Cross-validates, recording the run in `store`; returns the result, the rows and the run id.
    public static func run(_ request: CrossValidationRequest, options: RunOptions, store: any Store,
                           progress: ((Int) -> Void)? = nil) throws -> (result: CrossValidationResult, rows: Int, runID: String) {
        let parameters = try ModelTraining.parameters(assignments: request.parameterAssignments, file: request.parameterFile)
        let (runID, _, meter, watcher) = try TrainingRuns.begin(
            kind: "cv", parameters: parameters,
            extraParameters: ["cv_folds": String(request.folds), "cv_seed": String(request.seed)],
            target: request.target, options: options, store: store)
        defer { watcher.stop() }
        do {
            let read = try CSVReader.read(path: request.dataPath, options: request.readOptions)
            var table = read.table
            if !request.ignoredColumns.isEmpty { table = try table.dropping(columns: request.ignoredColumns) }
            try store.logInputs([try ModelTraining.input(role: "training", path: request.dataPath, schema: read.report.schema,
                                                         rows: read.table.rowCount)], run: runID)
            let result = try CrossValidation.run(
                table: table, target: request.target, task: request.task, parameters: parameters, folds: request.folds,
                seed: request.seed, progress: progress)
            var points: [MetricPoint] = []
            for (m, name) in result.metrics.enumerated() {
                for (fold, values) in result.folds.enumerated() {
                    points.append(MetricPoint(key: "fold_\(name)", value: values[m], step: fold + 1))
                }
                points.append(MetricPoint(key: name, value: result.mean(m)))
                points.append(MetricPoint(key: "\(name)_std", value: result.standardDeviation(m)))
            }
            try store.logMetrics(points, run: runID)
            watcher.stop()
            try store.finishRun(runID, status: .finished, message: nil, cost: meter.cost(), artifacts: [:])
            _ = try? WebhookDispatcher().deliverDue(store)
            return (result, table.rowCount, runID)
        } catch {
            watcher.stop()
            try? store.finishRun(runID, status: .failed, message: "\(error)", cost: meter.cost(), artifacts: [:])
            throw error
        }
    }
}
