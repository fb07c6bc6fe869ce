import ApusModel

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#elseif canImport(Musl)
import Musl
#endif

/// LIME for tabular data (Ribeiro et al., 2016), as lime's `LimeTabularExplainer` does it:
/// for each row, draw a neighbourhood from the training data's statistics, weight each
/// sample by its closeness to the row, and fit a weighted ridge regression of the model's
/// output on an interpretable representation of the samples.
///
/// With a discretizer (the default: quartiles), a sample's interpretable value for a
/// feature is 1 when it falls in the row's bin (numeric) or has the row's level
/// (categorical), else 0; numeric values are drawn as a bin by its training frequency,
/// then a truncated normal within the bin; levels by their training frequency. The weight
/// of a sample is `sqrt(exp(−d² / width²))`, `d` the Euclidean distance of its interpretable
/// vector to the row's (all ones). Sample 0 is the row itself.
///
/// Row `i` draws from its own generator, made from ``Options/seed`` and `firstRow + i`:
/// the same row gets the same explanation in any batch and with any thread count.
public struct LIME: Sendable {
    /// How numeric features become interpretable.
    public enum Discretizer: String, Sendable, Equatable {
        /// Bins at the training quartiles (lime's default).
        case quartile
        /// Bins at the training deciles.
        case decile
        /// No bins: a numeric feature is drawn from a normal with its training mean and
        /// deviation, and represented by its standardised value (lime's
        /// `discretize_continuous=False`). Rows with missing numeric values are refused.
        case none
    }

    /// Which features enter the local model.
    public enum FeatureSelection: String, Sendable, Equatable {
        /// ``forwardSelection`` when ``Options/maxFeatures`` ≤ 6, else ``highestWeights`` (lime's rule).
        case auto
        /// Every feature (``Options/maxFeatures`` is ignored).
        case none
        /// Add features one by one, each time the one that most raises the fit's R².
        case forwardSelection
        /// The features with the largest weights in a ridge fit on all of them.
        case highestWeights
    }

    /// LIME's settings, with lime's defaults.
    public struct Options: Sendable, Equatable {
        /// Samples per row, the row itself included. At least 2; defaults to 5000.
        public var samples = 5000
        /// Defaults to ``Discretizer/quartile``.
        public var discretizer = Discretizer.quartile
        /// The kernel width; nil for `0.75 · sqrt(features)`.
        public var kernelWidth: Double? = nil
        /// Defaults to ``FeatureSelection/auto``.
        public var featureSelection = FeatureSelection.auto
        /// At most this many features in an explanation (at least 1); defaults to 10.
        public var maxFeatures = 10
        /// The model output explained (a class's probability for multiclass); defaults to 0.
        public var output = 0
        /// The ridge penalty of the local model; defaults to 1.
        public var alpha = 1.0
        /// The seed of every row's generator; defaults to 0.
        public var seed: UInt64 = 0

        /// lime's defaults.
        public init() {}
    }

    /// The model explained.
    public let function: PredictionFunction
    /// Names and levels of the features.
    public let schema: FeatureSchema
    /// The settings.
    public let options: Options
    /// The kernel width used.
    public let kernelWidth: Double
    let statistics: LIMEDiscretizer

    /// Prepares an explainer from `training` rows (row-major; their statistics are kept).
    ///
    /// - Throws: ``ExplainError`` naming the setting or the data that does not fit.
    public init(function: PredictionFunction, schema: FeatureSchema, training: [Double], options: Options = Options()) throws(ExplainError) {
        guard schema.count == function.featureCount else {
            throw ExplainError("the schema has \(schema.count) features, the model \(function.featureCount)")
        }
        let rows = try function.rowCount(training.count, of: "training data")
        guard rows > 0 else { throw ExplainError("training data: empty (at least one row is needed)") }
        guard options.samples >= 2 else { throw ExplainError("samples is \(options.samples); it must be at least 2") }
        guard options.maxFeatures >= 1 else { throw ExplainError("maxFeatures is \(options.maxFeatures); it must be at least 1") }
        guard options.output >= 0, options.output < function.outputCount else {
            throw ExplainError("output \(options.output) is out of range: the model has \(function.outputCount) outputs")
        }
        guard options.alpha >= 0, options.alpha.isFinite else { throw ExplainError("alpha is \(options.alpha); it must be finite and at least 0") }
        let width = options.kernelWidth ?? Double(function.featureCount).squareRoot() * 0.75
        guard width > 0, width.isFinite else { throw ExplainError("kernelWidth is \(width); it must be positive") }
        self.function = function
        self.schema = schema
        self.options = options
        kernelWidth = width
        statistics = LIMEDiscretizer(
            training: training, rows: rows, categorical: schema.features.map { $0.kind == .categorical }, discretizer: options.discretizer)
    }

    /// The explanations of `features` (whole rows), one per row.
    ///
    /// - Parameters:
    ///   - firstRow: the index of the first row in the whole data (seeds row by index).
    ///   - threads: threads to use (0: one per processor); the results do not depend on it.
    /// - Throws: ``ExplainError`` for ragged rows, a missing numeric value without a
    ///   discretizer, or a failing model function.
    public func explain(features: [Double], firstRow: Int = 0, threads: Int = 0) throws(ExplainError) -> [LIMEExplanation] {
        let rows = try function.rowCount(features.count, of: "features")
        let placeholder = LIMEExplanation(intercept: 0, weights: [], features: [], conditions: [], localPrediction: 0, score: 0, prediction: 0)
        var results = [LIMEExplanation](repeating: placeholder, count: rows)
        try features.withUnsafeBufferPointer { (input) throws(ExplainError) in
            try results.withUnsafeMutableBufferPointer { (out) throws(ExplainError) in
                let shared = WorkerInput(input), slots = WorkerSlots(out)
                try forEachChunkInParallel(count: rows, threads: threads) { (range) throws(ExplainError) in
                    var neighbourhood = LIMENeighbourhood(explainer: self)
                    for row in range {
                        let x = Array(shared.buffer[row * function.featureCount..<(row + 1) * function.featureCount])
                        slots.buffer[row] = try explain(x, index: firstRow + row, neighbourhood: &neighbourhood)
                    }
                }
            }
        }
        return results
    }

    /// One row's explanation.
    private func explain(_ x: [Double], index: Int, neighbourhood: inout LIMENeighbourhood) throws(ExplainError) -> LIMEExplanation {
        if options.discretizer == .none {
            for (feature, value) in x.enumerated() where value.isNaN && schema.features[feature].kind == .numeric {
                throw ExplainError("row \(index), feature `\(schema.features[feature].name)`: a missing value cannot be explained without a discretizer")
            }
        }
        var generator = SeededGenerator(seed: options.seed, streams: UInt64(truncatingIfNeeded: index))
        let sample = try neighbourhood.draw(around: x, generator: &generator)
        let regression = sample.interpretable.withUnsafeBufferPointer {
            LIMERegression(data: $0, labels: sample.labels, weights: sample.weights, features: function.featureCount)
        }
        let row = Array(sample.interpretable[0..<function.featureCount])
        let used: [Int]
        switch options.featureSelection {
        case .none: used = Array(0..<function.featureCount)
        case .forwardSelection: used = regression.forwardSelection(count: options.maxFeatures)
        case .highestWeights: used = regression.highestWeights(count: options.maxFeatures, row: row)
        case .auto:
            used = options.maxFeatures <= 6
                ? regression.forwardSelection(count: options.maxFeatures)
                : regression.highestWeights(count: options.maxFeatures, row: row)
        }
        let fit = regression.fit(used, alpha: options.alpha)
        var weights = [Double](repeating: 0, count: function.featureCount)
        var local = fit.intercept
        for (i, feature) in used.enumerated() {
            weights[feature] = fit.coefficients[i]
            local += fit.coefficients[i] * row[feature]
        }
        let ranked = used.indices.sorted { lhs, rhs in
            let l = abs(fit.coefficients[lhs]), r = abs(fit.coefficients[rhs])
            return l != r ? l > r : used[lhs] < used[rhs]
        }.map { used[$0] }
        return LIMEExplanation(
            intercept: fit.intercept, weights: weights, features: ranked, conditions: conditions(x),
            localPrediction: local, score: fit.score, prediction: sample.labels[0])
    }

    /// The text of each feature's interpretable condition for row `x`.
    func conditions(_ x: [Double]) -> [String] {
        x.enumerated().map { feature, value in
            let name = schema.features[feature].name
            let column = statistics.columns[feature]
            if column.categorical {
                if value.isNaN { return "\(name) is missing" }
                let levels = schema.features[feature].levels
                let code = Int(exactly: value) ?? -1
                return "\(name) = " + (code >= 0 && code < levels.count ? levels[code] : "(unseen level)")
            }
            guard column.binned else { return name }
            if value.isNaN { return "\(name) is missing" }
            let bin = Int(column.bin(of: value)), cuts = column.cuts
            guard !cuts.isEmpty else { return "\(name) is not missing" }
            if bin == 0 { return "\(name) <= \(conditionNumber(cuts[0]))" }
            if bin == cuts.count { return "\(name) > \(conditionNumber(cuts[bin - 1]))" }
            return "\(conditionNumber(cuts[bin - 1])) < \(name) <= \(conditionNumber(cuts[bin]))"
        }
    }
}

/// One row's LIME explanation.
public struct LIMEExplanation: Sendable, Equatable {
    /// The local model's intercept.
    public var intercept: Double
    /// The local model's weight of each feature (matrix-column order); 0 for a feature not selected.
    public var weights: [Double]
    /// The selected features, by decreasing |weight| (ties by feature index).
    public var features: [Int]
    /// Each feature's interpretable condition for the row: "0.3 < income <= 1.2",
    /// "city = Paris", "income is missing"; the name alone without a discretizer.
    public var conditions: [String]
    /// The local model's output at the row.
    public var localPrediction: Double
    /// The local model's weighted R² on the neighbourhood.
    public var score: Double
    /// The model's output at the row.
    public var prediction: Double
}

/// A cut point as condition text: two decimals, as lime, down to 0.01; two significant
/// digits below (where lime would print 0.00).
func conditionNumber(_ value: Double) -> String {
    guard value.isFinite, value != 0 else { return value == 0 ? "0" : "\(value)" }
    let magnitude = abs(value)
    let decimals = magnitude >= 0.01 ? 2 : min(15, 1 - Int(log10(magnitude).rounded(.down)))
    let scale = pow(10, Double(decimals))
    guard magnitude * scale < 9e15 else { return "\(value)" }
    let scaled = Int64((magnitude * scale).rounded())
    var digits = String(scaled)
    if digits.count <= decimals { digits = String(repeating: "0", count: decimals - digits.count + 1) + digits }
    let split = digits.index(digits.endIndex, offsetBy: -decimals)
    let text = decimals > 0 ? digits[..<split] + "." + digits[split...] : digits[...]
    return (value < 0 ? "-" : "") + text
}
