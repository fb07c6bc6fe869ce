/// A score of predictions against labels, for ``PermutationImportance``. ApusExplain has no
/// metrics of its own (they live in ApusTrain, which it must not import): the caller passes one.
public struct ImportanceMetric: Sendable {
    /// The metric's name, for reports.
    public let name: String
    /// Whether a higher score is better (AUC, accuracy, R²) or worse (log loss, RMSE).
    public let higherIsBetter: Bool
    private let body: @Sendable ([Double], [Double]) -> Double

    /// A metric: `score(predictions, labels)`, predictions being `rows × outputs`, row-major.
    public init(name: String, higherIsBetter: Bool, score: @escaping @Sendable (_ predictions: [Double], _ labels: [Double]) -> Double) {
        self.name = name
        self.higherIsBetter = higherIsBetter
        body = score
    }

    /// The score of `predictions` (`rows × outputs`, row-major) against `labels`.
    public func score(predictions: [Double], labels: [Double]) -> Double { body(predictions, labels) }
}

/// Permutation importance (Breiman, 2001; scikit-learn's `permutation_importance`): how
/// much a metric worsens when one feature's column is shuffled, breaking its link with the
/// labels. For each feature, `repeats` shuffles; the importance of a shuffle is the drop in
/// the metric (baseline − shuffled when higher is better, shuffled − baseline otherwise), so
/// a positive number means the feature helps.
///
/// Shuffle `r` of feature `j` draws from the generator of (seed, `j`, `r`), so results
/// depend on neither the thread count nor which other features are asked for.
public struct PermutationImportance: Sendable, Equatable {
    /// The features measured, in the order asked.
    public let features: [Int]
    /// The metric on the unshuffled data.
    public let baseline: Double
    /// Per measured feature, the importance of each repeat (scikit-learn's `importances`).
    public let importances: [[Double]]
    /// Per measured feature, the mean over repeats (`importances_mean`).
    public let importancesMean: [Double]
    /// Per measured feature, the population standard deviation over repeats (`importances_std`).
    public let importancesStd: [Double]
    /// The measured features by decreasing mean importance, ties by feature index.
    public let ranking: [Int]

    /// Measures permutation importance.
    ///
    /// - Parameters:
    ///   - function: the model.
    ///   - features: the rows, row-major (a held-out set, as scikit-learn advises).
    ///   - labels: whatever `metric` compares predictions with, handed over unchanged.
    ///   - metric: the score.
    ///   - repeats: shuffles per feature (at least 1); defaults to 5.
    ///   - seed: the seed of the shuffles.
    ///   - featureIndices: the features to measure; nil for all.
    ///   - threads: threads to use (0: one per processor); features are split among them.
    /// - Throws: ``ExplainError`` naming the bad argument, or a failing model function.
    public init(
        function: PredictionFunction, features: [Double], labels: [Double], metric: ImportanceMetric,
        repeats: Int = 5, seed: UInt64 = 0, featureIndices: [Int]? = nil, threads: Int = 0
    ) throws(ExplainError) {
        guard repeats >= 1 else { throw ExplainError("repeats is \(repeats); it must be at least 1") }
        let rows = try function.rowCount(features.count, of: "features")
        guard rows > 0 else { throw ExplainError("features: no rows") }
        let measured = featureIndices ?? Array(0..<function.featureCount)
        for feature in measured where feature < 0 || feature >= function.featureCount {
            throw ExplainError("feature index \(feature) is out of range: the model has \(function.featureCount) features")
        }
        let baseline = metric.score(predictions: try function.evaluate(features: features), labels: labels)
        let width = function.featureCount
        var drops = [Double](repeating: 0, count: measured.count * repeats)
        try drops.withUnsafeMutableBufferPointer { (out) throws(ExplainError) in
            let slots = WorkerSlots(out)
            try forEachChunkInParallel(count: measured.count, threads: threads) { (range) throws(ExplainError) in
                var shuffled = features
                var predictions = [Double](repeating: 0, count: rows * function.outputCount)
                var order = [Int](repeating: 0, count: rows)
                for position in range {
                    let feature = measured[position]
                    for repeatIndex in 0..<repeats {
                        var generator = SeededGenerator(seed: seed, streams: UInt64(feature), UInt64(repeatIndex))
                        for row in 0..<rows { order[row] = row }
                        order.withUnsafeMutableBufferPointer { generator.shuffle($0) }
                        for row in 0..<rows { shuffled[row * width + feature] = features[order[row] * width + feature] }
                        try shuffled.withUnsafeBufferPointer { (input) throws(ExplainError) in
                            try predictions.withUnsafeMutableBufferPointer { (output) throws(ExplainError) in
                                try function.evaluate(input, rows: rows, into: output)
                            }
                        }
                        let score = metric.score(predictions: predictions, labels: labels)
                        slots.buffer[position * repeats + repeatIndex] = metric.higherIsBetter ? baseline - score : score - baseline
                    }
                    for row in 0..<rows { shuffled[row * width + feature] = features[row * width + feature] }
                }
            }
        }
        let perFeature = measured.indices.map { Array(drops[$0 * repeats..<($0 + 1) * repeats]) }
        let means = perFeature.map { $0.reduce(0, +) / Double(repeats) }
        let deviations = perFeature.indices.map { index in
            (perFeature[index].reduce(0) { $0 + ($1 - means[index]) * ($1 - means[index]) } / Double(repeats)).squareRoot()
        }
        self.baseline = baseline
        self.features = measured
        importances = perFeature
        importancesMean = means
        importancesStd = deviations
        ranking = measured.indices.sorted { lhs, rhs in
            means[lhs] != means[rhs] ? means[lhs] > means[rhs] : measured[lhs] < measured[rhs]
        }.map { measured[$0] }
    }
}
