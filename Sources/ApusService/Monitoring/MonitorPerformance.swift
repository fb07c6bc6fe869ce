import ApusModel
import ApusMonitor
import ApusTable
import ApusTrain

/// True outcomes for monitoring: one label per row (class index, or value for regression), NaN
/// where the row has none.
struct MonitorLabels: Sendable {
    var values: [Double]
    /// Rows whose label is not one of the model's classes (or not a number for regression).
    var unreadable: Int
    /// The first such row (0-based) and its text.
    var firstUnreadable: (row: Int, text: String)?

    /// The labels of `column` under `model`'s classes; missing and unreadable labels are NaN.
    init(_ column: Column, model: Model) {
        var index: [String: Int] = [:]
        for (position, label) in model.classes.enumerated() { index[label] = position }
        var values = [Double](repeating: .nan, count: column.count)
        var unreadable = 0
        var first: (Int, String)?
        for row in 0..<column.count {
            guard let text = column.formattedValue(at: row) else { continue }
            let value: Double? = model.task == .regression ? Double(text) : index[text].map(Double.init)
                ?? (Double(text).flatMap { number in index[LevelCounts.name(of: number)].map(Double.init) })
            if let value {
                values[row] = value
            } else {
                unreadable += 1
                if first == nil { first = (row, text) }
            }
        }
        self.values = values
        self.unreadable = unreadable
        firstUnreadable = first
    }

    var labelled: Int { values.lazy.filter { !$0.isNaN }.count }
}

/// The performance section: the task's metrics on the labelled current rows, overall and by
/// window, against the training metrics.
enum MonitorPerformance {
    /// NannyML's default: the current rows split into 10 consecutive chunks.
    static let defaultWindows = 10

    /// The task's metrics of the rows in `rows` that have a label, or nil with fewer than two
    /// labelled rows (or a metric that cannot be computed, e.g. AUC with one class).
    static func metrics(model: Model, labels: MonitorLabels, predictions: MonitorPredictions, rows: Range<Int>) -> [(String, Double)]? {
        let k = model.ensemble.scoresPerRow
        var y: [Double] = [], p: [Double] = []
        for row in rows where !labels.values[row].isNaN {
            y.append(labels.values[row])
            if model.task == .multiclass {
                p.append(contentsOf: predictions.probabilities[(row * k)..<((row + 1) * k)])
            } else {
                p.append(predictions.values[row])
            }
        }
        guard y.count >= 2 else { return nil }
        var results: [(String, Double)] = []
        for name in ModelMetrics.names(task: model.task, objective: model.objective, labels: y) {
            guard let metric = try? Metrics.named(name), let value = try? metric.evaluate(labels: y, predictions: p) else { continue }
            results.append((metric.name, value))
        }
        return results.isEmpty ? nil : results
    }

    /// The section's JSON: with labels, the task's metrics overall and per window against
    /// `training` (the metrics the model version recorded, or those measured on labelled reference
    /// rows); for a binary classifier, CBPE's estimates (overall and per window) whether or not
    /// labels came, calibrated on labelled reference rows when there are some. `times` names each
    /// row's request time when the rows came from the prediction log.
    static func json(model: Model, labelsName: String?, labels: MonitorLabels?, predictions: MonitorPredictions,
                     training: [(String, Double)], trainingSource: String, times: [String]?,
                     calibration: IsotonicCalibration?, calibrationSource: String, threshold: Double,
                     windows: Int = defaultWindows) -> ReportJSON {
        let rows = predictions.values.count
        func object(_ metrics: [(String, Double)]?) -> ReportJSON {
            .object((metrics ?? []).map { ($0.0, .number($0.1)) })
        }
        func estimated(_ range: Range<Int>) -> ReportJSON? {
            guard model.task == .binary, !range.isEmpty,
                  let estimate = try? CBPE.estimate(probabilities: Array(predictions.values[range]), threshold: threshold,
                                                    calibration: calibration) else { return nil }
            let metrics: [(String, EstimatedMetric)] = [
                ("roc_auc", estimate.rocAUC), ("accuracy", estimate.accuracy), ("precision", estimate.precision),
                ("recall", estimate.recall), ("f1", estimate.f1), ("specificity", estimate.specificity),
            ]
            return .object(metrics.map { ($0.0, .object([("value", .number($0.1.value)), ("standard_error", .number($0.1.standardError))])) })
        }
        var members: [(String, ReportJSON)] = []
        if let labels, let labelsName {
            members += [
                ("labels", .string(labelsName)),
                ("metric_names", .array(ModelMetrics.names(task: model.task, objective: model.objective,
                                                           labels: labels.values.filter { !$0.isNaN }).map { .string($0) })),
                ("training", object(training)),
                ("training_source", .string(trainingSource)),
                ("current", .object([
                    ("rows", .integer(rows)), ("labelled", .integer(labels.labelled)),
                    ("metrics", object(metrics(model: model, labels: labels, predictions: predictions, rows: 0..<rows))),
                ])),
            ]
        }
        var chunks: [ReportJSON] = []
        let count = min(windows, rows)
        for window in 0..<count {
            let start = rows * window / count, end = rows * (window + 1) / count
            guard end > start else { continue }
            var chunk: [(String, ReportJSON)] = []
            if let times { chunk += [("start", .string(times[start])), ("end", .string(times[end - 1]))] }
            chunk += [("first_row", .integer(start + 1)), ("last_row", .integer(end)), ("rows", .integer(end - start))]
            if let labels {
                chunk += [("labelled", .integer(labels.values[start..<end].lazy.filter { !$0.isNaN }.count)),
                          ("metrics", object(metrics(model: model, labels: labels, predictions: predictions, rows: start..<end)))]
            }
            if let estimate = estimated(start..<end) { chunk.append(("estimated", estimate)) }
            chunks.append(.object(chunk))
        }
        members.append(("windows", .array(chunks)))
        if let overall = estimated(0..<rows) {
            members.append(("estimated", .object([
                ("method", .string("cbpe")), ("threshold", .number(threshold)),
                ("calibration", .string(calibrationSource)), ("metrics", overall),
            ])))
        }
        if let labels, let labelsName, labels.unreadable > 0, let first = labels.firstUnreadable {
            members.append(("note", .string(
                "\(labels.unreadable) label\(labels.unreadable == 1 ? "" : "s") of `\(labelsName)` could not be read (row \(first.row + 1): `\(first.text)` is not "
                + (model.task == .regression ? "a number" : "one of the classes \(model.classes.joined(separator: ", "))") + "); those rows are left out")))
        }
        return .object(members)
    }
}
