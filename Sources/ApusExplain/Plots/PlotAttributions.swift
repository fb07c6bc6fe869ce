/// Attributions of many rows in TreeSHAP's layout, with the names and values of the
/// features, from which the per-row and per-output plots are taken.
public struct PlotAttributions: Sendable {
    /// rows × outputs × (features + 1), row-major: per row and output one value per feature
    /// (matrix-column order), then the bias (the expected value), as `TreeSHAP.values` gives.
    public let values: [Double]
    /// The number of outputs per row (1 for binary and regression, one per class for multiclass).
    public let outputs: Int
    /// One name per feature, in matrix-column order.
    public let featureNames: [String]
    /// The rows' feature values, rows × features (level codes for categorical features, NaN
    /// missing), or empty when not known.
    public let featureValues: [Double]
    /// Per feature, the names of its levels by code for a categorical feature; an empty list
    /// for a numeric one. Empty when no feature is categorical.
    public let levelNames: [[String]]

    /// The number of rows.
    public var rows: Int { values.count / (outputs * (featureNames.count + 1)) }

    /// Attributions with their features.
    /// - Throws: `ExplainError` when the counts disagree with one another.
    public init(
        values: [Double], outputs: Int = 1, featureNames: [String], featureValues: [Double] = [], levelNames: [[String]] = []
    ) throws(ExplainError) {
        guard outputs >= 1 else { throw ExplainError("outputs is \(outputs); there must be at least 1") }
        let width = outputs * (featureNames.count + 1)
        guard values.count % width == 0 else {
            throw ExplainError("values has \(values.count) values, not a whole number of rows of \(outputs) output(s) × (\(featureNames.count) features + bias)")
        }
        let rows = values.count / width
        if !featureValues.isEmpty {
            try PlotChecks.count(featureValues.count, of: "featureValues", expected: rows * featureNames.count, shape: "\(rows) rows × \(featureNames.count) features")
        }
        guard levelNames.isEmpty || levelNames.count == featureNames.count else {
            throw ExplainError("levelNames has \(levelNames.count) lists for \(featureNames.count) features; give one per feature (empty for numeric), or none")
        }
        self.values = values
        self.outputs = outputs
        self.featureNames = featureNames
        self.featureValues = featureValues
        self.levelNames = levelNames
    }

    /// Whether each feature is categorical (has level names).
    public var categorical: [Bool] { levelNames.map { !$0.isEmpty } }

    /// Row `row` of output `output`: its attributions and its bias.
    /// - Throws: `ExplainError` naming the row or output when it is out of range.
    public func row(_ row: Int, output: Int = 0) throws(ExplainError) -> (attributions: [Double], bias: Double) {
        guard rows > 0 else { throw ExplainError("row \(row) is out of range: the data has no rows") }
        guard (0..<rows).contains(row) else {
            throw ExplainError("row \(row) is out of range: the data has \(rows) rows, numbered from 0 to \(rows - 1)")
        }
        try check(output: output)
        let start = (row * outputs + output) * (featureNames.count + 1)
        return (Array(values[start..<start + featureNames.count]), values[start + featureNames.count])
    }

    /// The attributions of output `output` for every row, rows × features.
    public func matrix(output: Int = 0) throws(ExplainError) -> [Double] {
        try check(output: output)
        var out: [Double] = []
        out.reserveCapacity(rows * featureNames.count)
        for row in 0..<rows {
            let start = (row * outputs + output) * (featureNames.count + 1)
            out += values[start..<start + featureNames.count]
        }
        return out
    }

    /// "income = 52,000", "city = Paris", "age is missing": feature `feature` in row `row`
    /// (the bare name when the values are not known).
    public func valueText(row: Int, feature: Int) -> String {
        let name = featureNames[feature]
        guard !featureValues.isEmpty else { return name }
        let value = featureValues[row * featureNames.count + feature]
        if value.isNaN { return "\(name) is missing" }
        let levels = levelNames.isEmpty ? [] : levelNames[feature]
        guard !levels.isEmpty else { return "\(name) = \(PlotNumberFormat.value(value))" }
        if value < 0 { return "\(name) is an unseen level" }
        let code = Int(exactly: value.rounded()) ?? -1
        return levels.indices.contains(code) ? "\(name) = \(levels[code])" : "\(name) = level \(PlotNumberFormat.value(value))"
    }

    private func check(output: Int) throws(ExplainError) {
        guard (0..<outputs).contains(output) else {
            throw ExplainError("output \(output) is out of range: the attributions have \(outputs) output(s), numbered from 0 to \(outputs - 1)")
        }
    }
}

extension BeeswarmPlot {
    /// The beeswarm of output `output` of `attributions`, coloured by its feature values.
    /// - Throws: `ExplainError` when `output` is out of range.
    public static func beeswarm(
        of attributions: PlotAttributions, output: Int = 0, maxDisplay: Int = 20, outputUnit: String = "log-odds", title: String? = nil
    ) throws(ExplainError) -> BeeswarmPlot {
        BeeswarmPlot(
            attributions: try attributions.matrix(output: output), featureValues: attributions.featureValues,
            featureNames: attributions.featureNames, categorical: attributions.categorical,
            maxDisplay: maxDisplay, outputUnit: outputUnit, title: title)
    }
}

extension WaterfallPlot {
    /// The waterfall of row `row` (counting from 0) of `attributions`, output `output`, each
    /// feature labelled with its value in that row.
    /// - Throws: `ExplainError("row 57 is out of range: the data has 40 rows, numbered from 0 to 39")`
    ///   for a row the data does not have, and likewise for an output.
    public static func waterfall(
        row: Int, of attributions: PlotAttributions, output: Int = 0, maxDisplay: Int = 10,
        outputUnit: String = "log-odds", title: String? = nil
    ) throws(ExplainError) -> WaterfallPlot {
        let (values, bias) = try attributions.row(row, output: output)
        return WaterfallPlot(
            expectedValue: bias, attributions: values,
            featureLabels: attributions.featureNames.indices.map { attributions.valueText(row: row, feature: $0) },
            maxDisplay: maxDisplay, outputUnit: outputUnit, title: title)
    }
}
