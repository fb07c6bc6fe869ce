import ApusModel
import ApusMonitor
import ApusTable

/// What training keeps for monitoring: the reference profile (features, predictions, the
/// calibration of a binary classifier's probabilities on its validation rows) and a seeded
/// sample of the training rows (the domain classifier's reference side).
enum ReferenceProfiling {
    /// Training rows kept in the reference sample.
    static let sampleRows = 5_000
    /// Histogram bins of each numeric feature's profile.
    static let bins = 20

    /// The profile of `training` (the rows the model was trained on) and of the model's
    /// predictions on the validation rows (`validation`: encoded features and labels) or, without
    /// them, on the training rows.
    static func profile(model: Model, training: Table, validation: (features: [Double], labels: [Double])?,
                        threads: Int) throws -> ReferenceProfile {
        let profiled = model.schema.features.map(\.name).filter { name in
            switch training[name] {
            case .numeric?, .categorical?, .boolean?: true
            default: false
            }
        }
        var data = try DataProfile.make(table: try training.selecting(columns: profiled), bins: bins)
        let predictions: MonitorPredictions
        let source: String
        if let validation {
            let values = try model.ensemble.predict(features: validation.features, threads: threads)
            predictions = MonitorPredictions(model: model, predicted: values)
            source = "validation"
        } else {
            predictions = try MonitorPredictions(model: model, table: training, threads: threads)
            source = "training"
        }
        let column: Column = model.task == .multiclass
            ? .categorical(CategoricalColumn(predictions.values.map { model.classes[Int($0)] }))
            : .numeric(NumericColumn(predictions.values))
        data.predictions = try DataProfile.make(table: try Table([("prediction", column)]), bins: bins).columns.first
        var calibration: ReferenceProfile.Calibration?
        if model.task == .binary, let validation, validation.labels.count >= 2,
           let fitted = try? IsotonicCalibration(probabilities: predictions.values, labels: validation.labels.map { $0 == 1 }) {
            calibration = ReferenceProfile.Calibration(thresholds: fitted.thresholds, values: fitted.values, rows: validation.labels.count)
        }
        return ReferenceProfile(data: data, predictionSource: source, calibration: calibration)
    }

    /// A seeded sample of `table`'s model feature columns, at most `sampleRows` rows.
    static func sample(_ table: Table, model: Model, seed: UInt64) throws -> Table {
        let names = model.schema.features.map(\.name).filter { table[$0] != nil }
        let columns = try table.selecting(columns: names)
        guard table.rowCount > sampleRows else { return columns }
        var random = SeededRandom(seed: seed &+ 0x7361_6d70)
        var indices = Array(0..<table.rowCount)
        random.shuffle(&indices)
        return try columns.rows(Array(indices.prefix(sampleRows)).sorted())
    }
}
