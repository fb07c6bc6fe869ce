import ApusModel

/// A request's predictions, from its raw scores: what every route answers with.
///
/// - binary: `values` holds the probability of the positive class (`classes[1]`) per row,
///   `labels` the class with probability ≥ 0.5;
/// - multiclass: `values` holds `rows × classes` probabilities, `labels` the most probable class;
/// - regression: `values` holds the prediction per row (the mean, median, quantile or
///   rate the objective names); no labels.
struct PredictionOutput: Sendable {
    let rows: Int
    /// Values per row: 1, or the class count for multiclass.
    let width: Int
    let values: [Double]
    let labels: [String]?

    init(model: Model, rawScores: [Double], rows: Int) {
        var values = rawScores
        let k = model.ensemble.scoresPerRow
        values.withUnsafeMutableBufferPointer { model.ensemble.link.apply($0, scoresPerRow: k) }
        self.rows = rows
        self.values = values
        switch model.task {
        case .regression:
            width = k
            labels = nil
        case .binary:
            width = 1
            labels = values.map { $0 >= 0.5 ? model.classes[1] : model.classes[0] }
        case .multiclass:
            width = k
            labels = (0..<rows).map { row in
                var best = 0
                for c in 1..<k where values[row * k + c] > values[row * k + best] { best = c }
                return model.classes[best]
            }
        }
    }

    /// Writes `values` as a JSON array: numbers, or one array per row when `width > 1`.
    func writeValues(into json: inout JSONWriter) {
        if width == 1 {
            json.numbers(values)
            return
        }
        json.byte(UInt8(ascii: "["))
        for row in 0..<rows {
            if row > 0 { json.byte(UInt8(ascii: ",")) }
            json.numbers(values[row * width..<(row + 1) * width])
        }
        json.byte(UInt8(ascii: "]"))
    }
}
