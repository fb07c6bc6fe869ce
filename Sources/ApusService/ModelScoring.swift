import ApusModel
import ApusTable
import ApusTrain
import Foundation

/// Prediction and evaluation of a saved model on a table: what `apus predict` and
/// `apus evaluate` do.
public enum ModelScoring {
    /// The predictions of `model` for every row of `table`, as a table:
    ///
    /// - the `idColumn`, first, if given;
    /// - `prediction`: the probability of the positive class (binary), the value
    ///   (regression) or the most probable class (multiclass); with `raw`, the raw score
    ///   (log-odds, or the log of a Poisson mean) for binary and regression;
    /// - multiclass: one `prob_<class>` column per class (`raw_<class>` with `raw`).
    ///
    /// - Throws: ``ModelError`` naming a feature the table lacks or a value it cannot
    ///   read; an error naming a missing `idColumn`.
    public static func predictions(of model: Model, for table: Table, idColumn: String? = nil, raw: Bool = false,
                                   threads: Int = 0) throws -> Table {
        var columns: [(name: String, column: Column)] = []
        if let idColumn { columns.append((idColumn, try table.column(named: idColumn))) }
        let features = try model.schema.encode(table: table)
        var scores = try model.ensemble.rawScores(features: features, threads: threads)
        if !raw { scores.withUnsafeMutableBufferPointer { model.ensemble.link.apply($0, scoresPerRow: model.ensemble.scoresPerRow) } }
        let rows = table.rowCount
        switch model.task {
        case .binary, .regression:
            columns.append(("prediction", .numeric(NumericColumn(scores))))
        case .multiclass:
            let k = model.ensemble.scoresPerRow
            var predicted: [String?] = []
            predicted.reserveCapacity(rows)
            for row in 0..<rows {
                var best = 0
                for c in 1..<k where scores[row * k + c] > scores[row * k + best] { best = c }
                predicted.append(model.classes[best])
            }
            columns.append(("prediction", .categorical(CategoricalColumn(predicted))))
            for (c, label) in model.classes.enumerated() {
                let values = (0..<rows).map { scores[$0 * k + c] }
                columns.append(((raw ? "raw_" : "prob_") + label, .numeric(NumericColumn(values))))
            }
        }
        do {
            return try Table(columns)
        } catch {
            throw ServiceError("the output would have two columns named alike: \(error)")
        }
    }

    /// Every metric of the model's task on `table`, whose target column must be present.
    ///
    /// - Throws: An error naming the missing target or the first bad label's row.
    public static func evaluate(_ model: Model, on table: Table, threads: Int = 0) throws -> [(name: String, value: Double)] {
        guard let column = table[model.target] else {
            throw TrainingError.missingTarget(name: model.target, suggestion: closestName(to: model.target, among: table.columnNames))
        }
        let labels = try TrainingData.labels(of: column, name: model.target, task: model.task, classes: model.classes)
        let predictions = try model.ensemble.predict(features: try model.schema.encode(table: table), threads: threads)
        return try ModelMetrics.evaluate(task: model.task, objective: model.objective, labels: labels, predictions: predictions)
    }
}
