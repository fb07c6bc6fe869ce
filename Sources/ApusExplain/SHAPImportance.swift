/// Global importance from per-row attributions: the mean |SHAP value| of each feature over
/// the rows, per output and overall (shap's bar plot).
///
/// Works on any attribution array in the layout of ``TreeSHAP`` and ``KernelSHAP``:
/// `rows × outputs × (features + 1)`, the bias last in each group (it is ignored).
public struct SHAPImportance: Sendable, Equatable {
    /// The number of features.
    public let featureCount: Int
    /// The number of outputs.
    public let outputCount: Int
    /// `outputs × features`, row-major: output `d`'s mean |value| of each feature.
    public let perOutput: [Double]
    /// Per feature, the sum over outputs of ``perOutput`` (the length of shap's stacked bar
    /// for a multiclass model; the mean |value| itself for one output).
    public let overall: [Double]
    /// Features by decreasing ``overall``, ties by feature index.
    public let ranking: [Int]

    /// The importance of `values`.
    ///
    /// - Throws: ``ExplainError`` when `values` is not whole rows of
    ///   `outputs × (features + 1)` values, or the counts are not positive.
    public init(values: [Double], featureCount: Int, outputCount: Int = 1) throws(ExplainError) {
        guard featureCount >= 1 else { throw ExplainError("featureCount is \(featureCount); it must be at least 1") }
        guard outputCount >= 1 else { throw ExplainError("outputCount is \(outputCount); it must be at least 1") }
        let width = featureCount + 1, group = outputCount * width
        guard values.count % group == 0 else {
            throw ExplainError("\(values.count) values are not whole rows of \(outputCount) × (\(featureCount) features + bias)")
        }
        let rows = values.count / group
        var sums = [Double](repeating: 0, count: outputCount * featureCount)
        for row in 0..<rows {
            for d in 0..<outputCount {
                for feature in 0..<featureCount {
                    sums[d * featureCount + feature] += abs(values[row * group + d * width + feature])
                }
            }
        }
        let perOutput = sums.map { rows > 0 ? $0 / Double(rows) : 0 }
        var overall = [Double](repeating: 0, count: featureCount)
        for d in 0..<outputCount { for feature in 0..<featureCount { overall[feature] += perOutput[d * featureCount + feature] } }
        self.featureCount = featureCount
        self.outputCount = outputCount
        self.perOutput = perOutput
        self.overall = overall
        ranking = Self.rank(overall)
    }

    /// Features by decreasing importance for output `output`, ties by feature index.
    ///
    /// - Throws: ``ExplainError`` for an output out of range.
    public func ranking(output: Int) throws(ExplainError) -> [Int] {
        guard output >= 0, output < outputCount else {
            throw ExplainError("output \(output) is out of range: the values have \(outputCount) outputs")
        }
        return Self.rank(Array(perOutput[output * featureCount..<(output + 1) * featureCount]))
    }

    /// Indices by decreasing value, ties by index.
    static func rank(_ values: [Double]) -> [Int] {
        values.indices.sorted { values[$0] != values[$1] ? values[$0] > values[$1] : $0 < $1 }
    }
}
