import ApusModel
import ApusMonitor
import ApusTable
import ApusTrain

/// The model's predictions on a table, for prediction drift, performance and fairness.
struct MonitorPredictions: Sendable {
    /// One value per row: the positive class's probability (binary), the prediction
    /// (regression), or the index of the most probable class (multiclass).
    var values: [Double]
    /// Class probabilities, row-major (multiclass only; the performance metrics read them).
    var probabilities: [Double]

    /// Scores `table` (already conformed to the schema) in blocks of rows, so the encoded feature
    /// matrix of a million rows never sits in memory at once.
    init(model: Model, table: Table, threads: Int) throws {
        let rows = table.rowCount, k = model.ensemble.scoresPerRow
        let block = 16_384
        var values = [Double](), probabilities = [Double]()
        values.reserveCapacity(rows)
        if model.task == .multiclass { probabilities.reserveCapacity(rows * k) }
        var start = 0
        while start < rows {
            let end = min(rows, start + block)
            let slice = start == 0 && end == rows ? table : try table.rows(Array(start..<end))
            let predicted = try model.ensemble.predict(features: try model.schema.encode(table: slice, threads: threads), threads: threads)
            let part = MonitorPredictions(model: model, predicted: predicted)
            values.append(contentsOf: part.values)
            probabilities.append(contentsOf: part.probabilities)
            start = end
        }
        self.values = values
        self.probabilities = probabilities
    }

    /// Predictions already made (`TreeEnsemble.predict`'s output: probabilities, values, or
    /// class probabilities row-major for multiclass).
    init(model: Model, predicted: [Double]) {
        guard model.task == .multiclass else {
            values = predicted
            probabilities = []
            return
        }
        let k = model.ensemble.scoresPerRow
        probabilities = predicted
        values = (0..<(predicted.count / max(k, 1))).map { row in
            var best = 0
            for c in 1..<k where predicted[row * k + c] > predicted[row * k + best] { best = c }
            return Double(best)
        }
    }

    /// The predictions as a drift sample: numbers, or the predicted classes' counts.
    func driftInput(model: Model) -> DriftInput {
        guard model.task == .multiclass else { return .values(values) }
        var counts = [Double](repeating: 0, count: model.classes.count)
        for value in values { counts[Int(value)] += 1 }
        return .levels(LevelCounts(levels: model.classes, counts: counts, missing: 0))
    }
}
