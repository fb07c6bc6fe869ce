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
    private let task: ModelTask
    private let classes: [String]

    init(model: Model, rawScores: [Double], rows: Int) {
        var values = rawScores
        let k = model.ensemble.scoresPerRow
        values.withUnsafeMutableBufferPointer { model.ensemble.link.apply($0, scoresPerRow: k) }
        self.rows = rows
        self.values = values
        self.task = model.task
        self.classes = model.classes
        width = model.task == .binary ? 1 : k
    }

    /// The predicted class per row (nil for regression). Computed when asked for: not every
    /// route answers with labels (`/invocations` does not).
    var labels: [String]? {
        switch task {
        case .regression:
            return nil
        case .binary:
            return values.map { $0 >= 0.5 ? classes[1] : classes[0] }
        case .multiclass:
            return (0..<rows).map { row in
                var best = 0
                for c in 1..<width where values[row * width + c] > values[row * width + best] { best = c }
                return classes[best]
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
