/// KernelSHAP (Lundberg and Lee, 2017) for any model: shap's `KernelExplainer`.
///
/// A feature "unknown" takes the background rows' values: the value of a coalition `S` is
/// `v(S) = mean over the background of f(x_S, z_notS)`. The SHAP values are the weighted
/// least-squares fit of `v` over coalitions under the Shapley kernel, constrained to add up
/// to `f(x) − E[f]`. When every coalition fits in the budget (`2^M − 2 ≤ samples`, `M` the
/// features whose value differs from some background row) they are enumerated and the
/// result is exactly the Shapley values of `v`; otherwise shap's sampling scheme is used,
/// seeded (see ``KernelSHAPCoalitions``).
///
/// Categorical features need nothing special: a column takes the background's codes.
/// A feature whose value equals every background row's (NaN equal to NaN) gets 0 and does
/// not count in `M`, as in shap (which compares with `np.allclose`; Apus asks for equality).
///
/// Differences from shap 0.51: no l1 feature selection (shap's default became
/// `l1_reg="num_features(10)"` in 0.47; `l1_reg=False` gives what Apus computes), values
/// below 1e-10 are not rounded to zero, and random draws come from ``SeededGenerator``.
public struct KernelSHAP: Sendable {
    /// The model explained.
    public let function: PredictionFunction
    /// The background rows, row-major.
    public let background: [Double]
    /// The number of background rows.
    public let backgroundRows: Int
    /// Per output, the mean output over the background: the bias of every explanation.
    public let expectedValues: [Double]
    /// Coalitions evaluated per row; nil means shap's `"auto"`, `2·M + 2048`.
    public let samples: Int?
    /// The seed; row `i` draws from its own generator, made from the seed and `i`.
    public let seed: UInt64

    /// Prepares an explainer.
    ///
    /// - Parameters:
    ///   - function: the model.
    ///   - background: rows standing for "feature unknown", row-major. Every explained row
    ///     costs `samples × rows` model evaluations: shap recommends at most 100 rows (a
    ///     sample, or k-means centres, of the training data).
    ///   - samples: coalitions per row (≥ 1); nil for `2·M + 2048`.
    ///   - seed: the seed of the random coalitions.
    /// - Throws: ``ExplainError`` for an empty or ragged background or `samples` < 1.
    public init(function: PredictionFunction, background: [Double], samples: Int? = nil, seed: UInt64 = 0) throws(ExplainError) {
        let rows = try function.rowCount(background.count, of: "background")
        guard rows > 0 else { throw ExplainError("background: empty (at least one row is needed)") }
        if let samples, samples < 1 { throw ExplainError("samples is \(samples); it must be at least 1") }
        let outputs = try function.evaluate(features: background)
        var expected = [Double](repeating: 0, count: function.outputCount)
        for row in 0..<rows { for d in 0..<function.outputCount { expected[d] += outputs[row * function.outputCount + d] } }
        self.function = function
        self.background = background
        backgroundRows = rows
        expectedValues = expected.map { $0 / Double(rows) }
        self.samples = samples
        self.seed = seed
    }

    /// The SHAP values of `features` (whole rows): `rows × outputs × (features + 1)`,
    /// row-major; per output one value per feature (matrix-column order), then the bias
    /// (``expectedValues``). Each group adds up to the row's output.
    ///
    /// Row `i` is explained with the generator of `seed` and `firstRow + i`, so a row gets
    /// the same values in any batch when `firstRow` gives its index in the whole data.
    /// Rows are split among `threads` threads (0: one per processor) without changing a value.
    ///
    /// - Throws: ``ExplainError`` for ragged rows, or when the model function fails.
    public func values(features: [Double], firstRow: Int = 0, threads: Int = 0) throws(ExplainError) -> [Double] {
        let rows = try function.rowCount(features.count, of: "features")
        let width = function.featureCount + 1, group = function.outputCount * width
        var output = [Double](repeating: 0, count: rows * group)
        try features.withUnsafeBufferPointer { (input) throws(ExplainError) in
            try output.withUnsafeMutableBufferPointer { (out) throws(ExplainError) in
                let shared = WorkerInput(input), slots = WorkerSlots(out)
                try forEachChunkInParallel(count: rows, threads: threads) { (range) throws(ExplainError) in
                    var scratch = KernelSHAPScratch(explainer: self)
                    for row in range {
                        let x = UnsafeBufferPointer(rebasing: shared.buffer[row * function.featureCount..<(row + 1) * function.featureCount])
                        let target = UnsafeMutableBufferPointer(rebasing: slots.buffer[row * group..<(row + 1) * group])
                        try explain(x, index: firstRow + row, into: target, scratch: &scratch)
                    }
                }
            }
        }
        return output
    }

    /// One row's values into `target` (`outputs × (features + 1)`).
    private func explain(
        _ x: UnsafeBufferPointer<Double>, index: Int, into target: UnsafeMutableBufferPointer<Double>,
        scratch: inout KernelSHAPScratch
    ) throws(ExplainError) {
        let features = function.featureCount, outputs = function.outputCount, width = features + 1
        var fx = [Double](repeating: 0, count: outputs)
        try fx.withUnsafeMutableBufferPointer { (fx) throws(ExplainError) in try function.evaluate(x, rows: 1, into: fx) }
        for d in 0..<outputs { target[d * width + features] = expectedValues[d] }
        let varying = varyingFeatures(x)
        let totals = (0..<outputs).map { fx[$0] - expectedValues[$0] }
        guard varying.count > 1 else {
            if let only = varying.first { for d in 0..<outputs { target[d * width + only] = totals[d] } }
            return
        }
        var generator = SeededGenerator(seed: seed, streams: UInt64(truncatingIfNeeded: index))
        let coalitions = KernelSHAPCoalitions(
            players: varying.count, samples: samples ?? 2 * varying.count + 2048, generator: &generator)
        var means = try scratch.coalitionMeans(coalitions, row: x, varying: varying)
        for c in 0..<coalitions.count { for d in 0..<outputs { means[c * outputs + d] -= expectedValues[d] } }
        let phi = KernelSHAPSolver.solve(coalitions, means: means, totals: totals)
        for (player, feature) in varying.enumerated() {
            for d in 0..<outputs { target[d * width + feature] = phi[player * outputs + d] }
        }
    }

    /// The features whose value in `x` differs from some background row's (NaN equals NaN).
    private func varyingFeatures(_ x: UnsafeBufferPointer<Double>) -> [Int] {
        let features = function.featureCount
        return (0..<features).filter { feature in
            let value = x[feature]
            for row in 0..<backgroundRows {
                let other = background[row * features + feature]
                if !(other == value || (other.isNaN && value.isNaN)) { return true }
            }
            return false
        }
    }
}
