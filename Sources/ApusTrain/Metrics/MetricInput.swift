/// Labels, predictions and weights that passed the checks every metric shares.
///
/// The buffers are borrowed for the duration of one `evaluate` call; nothing is copied.
struct MetricInput {
    let metric: String
    let labels: UnsafeBufferPointer<Double>
    let predictions: UnsafeBufferPointer<Double>
    let weights: UnsafeBufferPointer<Double>?
    /// Predictions per row: 1, or the class count of a multiclass metric.
    let width: Int
    /// The sum of the weights (the row count without weights).
    let totalWeight: Double

    /// Checks lengths, emptiness, finiteness and the weights.
    ///
    /// - Parameter isMatrix: Whether predictions are a `rows × k` matrix, `k` inferred.
    init(
        metric: String,
        labels: UnsafeBufferPointer<Double>,
        predictions: UnsafeBufferPointer<Double>,
        weights: UnsafeBufferPointer<Double>?,
        isMatrix: Bool = false
    ) throws(MetricError) {
        let rows = labels.count
        if isMatrix {
            guard rows > 0, predictions.count % rows == 0, predictions.count / rows >= 2 else {
                if rows == 0 && predictions.isEmpty { throw .emptyInput(metric: metric) }
                throw .notAMatrix(metric: metric, labels: rows, predictions: predictions.count)
            }
            width = predictions.count / rows
        } else {
            guard predictions.count == rows else {
                throw .lengthMismatch(metric: metric, what: "predictions", labels: rows, found: predictions.count)
            }
            width = 1
        }
        if let weights, weights.count != rows {
            throw .lengthMismatch(metric: metric, what: "weights", labels: rows, found: weights.count)
        }
        guard rows > 0 else { throw .emptyInput(metric: metric) }
        for row in 0..<rows where !labels[row].isFinite {
            throw .notFinite(metric: metric, what: "label", row: row, value: labels[row])
        }
        for index in 0..<predictions.count where !predictions[index].isFinite {
            throw .notFinite(metric: metric, what: "prediction", row: index / width, value: predictions[index])
        }
        var total = Double(rows)
        if let weights {
            total = 0
            for row in 0..<rows {
                let weight = weights[row]
                guard weight.isFinite else {
                    throw .notFinite(metric: metric, what: "weight", row: row, value: weight)
                }
                guard weight >= 0 else { throw .negativeWeight(metric: metric, row: row, value: weight) }
                total += weight
            }
            guard total > 0 else { throw .zeroTotalWeight(metric: metric) }
        }
        self.metric = metric
        self.labels = labels
        self.predictions = predictions
        self.weights = weights
        self.totalWeight = total
    }

    /// The weight of `row` (1 without weights).
    @inline(__always)
    func weight(_ row: Int) -> Double { weights?[row] ?? 1 }

    /// Throws unless every label is 0 or 1.
    func requireBinaryLabels() throws(MetricError) {
        for row in 0..<labels.count where labels[row] != 0 && labels[row] != 1 {
            throw .invalidLabel(metric: metric, row: row, value: labels[row], expected: "0 or 1")
        }
    }

    /// Throws unless every label is a class index in `0..<width`.
    func requireClassLabels() throws(MetricError) {
        for row in 0..<labels.count {
            let label = labels[row]
            guard label >= 0, label < Double(width), label.rounded(.towardZero) == label else {
                throw .invalidLabel(
                    metric: metric, row: row, value: label, expected: "a class index in 0..<\(width)")
            }
        }
    }

    /// Throws unless every prediction is a probability in [0, 1].
    func requireProbabilities() throws(MetricError) {
        for index in 0..<predictions.count where !(0...1).contains(predictions[index]) {
            throw .probabilityOutOfRange(metric: metric, row: index / width, value: predictions[index])
        }
    }

    /// The weighted mean of `term(label, prediction)` over the rows (one prediction per row).
    @inline(__always)
    func weightedMean(_ term: (Double, Double) -> Double) -> Double {
        var sum = 0.0
        if let weights {
            for row in 0..<labels.count { sum += weights[row] * term(labels[row], predictions[row]) }
        } else {
            for row in 0..<labels.count { sum += term(labels[row], predictions[row]) }
        }
        return sum / totalWeight
    }
}
