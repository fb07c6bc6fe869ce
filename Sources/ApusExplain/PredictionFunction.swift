import ApusModel

/// What "any model" means to the model-agnostic explainers (KernelSHAP, LIME, permutation
/// importance, partial dependence): a feature count, an output count per row, and a batch
/// evaluator from row-major feature rows to row-major outputs.
///
/// The explainers always evaluate many rows at once (thousands of perturbed rows per
/// explained row), never row by row.
public struct PredictionFunction: Sendable {
    /// The scale of a tree ensemble's outputs.
    public enum Scale: String, Sendable, Equatable {
        /// Raw scores: log-odds for binary, per-class scores for multiclass (SHAP's default
        /// for trees; additive in the trees).
        case raw
        /// Predictions: the link applied (probabilities, or the mean of a Poisson model).
        case prediction
    }

    /// The number of features (columns) of a row.
    public let featureCount: Int
    /// The number of outputs per row.
    public let outputCount: Int
    private let body: Body

    private enum Body: Sendable {
        case ensemble(TreeEnsemble, Scale)
        case closure(@Sendable ([Double]) throws -> [Double])
    }

    /// The ensemble's raw scores (`scale: .raw`) or predictions (`.prediction`); one output
    /// per score (one for binary and regression, one per class for multiclass).
    public init(_ ensemble: TreeEnsemble, scale: Scale = .raw) {
        featureCount = ensemble.featureKinds.count
        outputCount = ensemble.scoresPerRow
        body = .ensemble(ensemble, scale)
    }

    /// Any model: `evaluate` takes `rows × featureCount` values, row-major, and returns
    /// `rows × outputCount` outputs, row-major. It is called from several threads at once.
    ///
    /// - Throws: ``ExplainError`` if `featureCount` is negative or `outputCount` < 1.
    public init(
        featureCount: Int, outputCount: Int = 1, evaluate: @escaping @Sendable ([Double]) throws -> [Double]
    ) throws(ExplainError) {
        guard featureCount >= 0 else { throw ExplainError("featureCount is \(featureCount); it must not be negative") }
        guard outputCount >= 1 else { throw ExplainError("outputCount is \(outputCount); it must be at least 1") }
        self.featureCount = featureCount
        self.outputCount = outputCount
        body = .closure(evaluate)
    }

    /// The outputs of `features` (whole rows): `rows × outputCount` values, row-major.
    ///
    /// - Throws: ``ExplainError`` for a partial row, or when a closure fails or returns
    ///   the wrong number of outputs.
    public func evaluate(features: [Double]) throws(ExplainError) -> [Double] {
        let rows = try rowCount(features.count, of: "features")
        var outputs = [Double](repeating: 0, count: rows * outputCount)
        try features.withUnsafeBufferPointer { (input) throws(ExplainError) in
            try outputs.withUnsafeMutableBufferPointer { (output) throws(ExplainError) in
                try evaluate(input, rows: rows, into: output)
            }
        }
        return outputs
    }

    /// Writes the outputs of `rows` rows of `features` into `outputs` on this thread.
    func evaluate(
        _ features: UnsafeBufferPointer<Double>, rows: Int, into outputs: UnsafeMutableBufferPointer<Double>
    ) throws(ExplainError) {
        guard rows > 0 else { return }
        switch body {
        case .ensemble(let ensemble, let scale):
            ensemble.rawScores(features: features, rows: rows, threads: 1, into: outputs)
            if scale == .prediction {
                ensemble.link.apply(UnsafeMutableBufferPointer(rebasing: outputs[0..<rows * outputCount]), scoresPerRow: outputCount)
            }
        case .closure(let closure):
            let result: [Double]
            do {
                result = try closure(Array(features[0..<rows * featureCount]))
            } catch {
                throw ExplainError("the prediction function failed: \(error)")
            }
            guard result.count == rows * outputCount else {
                throw ExplainError("the prediction function returned \(result.count) outputs for \(rows) rows of \(outputCount) outputs")
            }
            for index in 0..<result.count { outputs[index] = result[index] }
        }
    }

    /// The number of rows in `count` values, or an error naming `what`.
    func rowCount(_ count: Int, of what: String) throws(ExplainError) -> Int {
        if featureCount == 0 {
            guard count == 0 else { throw ExplainError("\(what): \(count) values for a model of 0 features") }
            return 0
        }
        guard count % featureCount == 0 else {
            throw ExplainError("\(what): \(count) values are not whole rows of \(featureCount) features")
        }
        return count / featureCount
    }
}
