import ApusModel

/// Partial dependence and individual conditional expectation (ICE) of one feature
/// (Friedman, 2001; Goldstein et al., 2015), by brute force as scikit-learn's
/// `partial_dependence(method="brute")`: for each grid value, every row with the feature
/// set to it (other columns, missing values included, left as they are) goes through the
/// model. A row's outputs along the grid are its ICE curve; their mean is the partial
/// dependence.
public struct PartialDependence: Sendable, Equatable {
    /// Settings, with scikit-learn's defaults.
    public struct Options: Sendable, Equatable {
        /// Grid points of a numeric feature (at least 2); defaults to 20 (scikit-learn's
        /// `grid_resolution` is 100).
        public var gridSize = 20
        /// The percentiles between which a numeric grid spans; defaults to (0.05, 0.95).
        public var lowerPercentile = 0.05
        public var upperPercentile = 0.95
        /// Grid values to use instead (scikit-learn's `custom_values`); codes for a
        /// categorical feature.
        public var grid: [Double]? = nil
        /// Draw ICE curves for this many rows, a seeded sample; nil for every row.
        public var iceRows: Int? = nil
        /// The seed of the row sample.
        public var seed: UInt64 = 0

        /// scikit-learn's defaults, with a 20-point grid.
        public init() {}
    }

    /// The feature's index and name.
    public let feature: Int
    public let name: String
    /// Whether the grid holds level codes.
    public let categorical: Bool
    /// The grid: numbers, or level codes for a categorical feature.
    public let grid: [Double]
    /// The grid as text: numbers, or level names.
    public let gridLabels: [String]
    /// The rows (indices into the data) with an ICE curve, ascending.
    public let rows: [Int]
    /// Outputs per row of the model.
    public let outputCount: Int
    /// ICE: `rows.count × grid.count × outputs`, row-major.
    public let individual: [Double]
    /// The partial dependence: `grid.count × outputs`, the mean of the ICE curves.
    public let average: [Double]

    /// The partial dependence of the feature named `name`.
    ///
    /// - Throws: ``ExplainError`` for an unknown feature, or as the index-based initialiser.
    public init(
        function: PredictionFunction, schema: FeatureSchema, features: [Double], featureNamed name: String,
        options: Options = Options(), threads: Int = 0
    ) throws(ExplainError) {
        guard let index = schema.index(of: name) else { throw ExplainError("unknown feature `\(name)`") }
        try self.init(function: function, schema: schema, features: features, feature: index, options: options, threads: threads)
    }

    /// The partial dependence of feature `feature` over the rows `features` (row-major).
    ///
    /// Numeric grid (scikit-learn's rule): the distinct non-missing values when there are
    /// fewer than `gridSize`, else `gridSize` evenly spaced points from the lower to the
    /// upper percentile (`scipy.stats.mstats.mquantiles`, as scikit-learn, of the
    /// non-missing values). Categorical grid: every level seen in the data, by code.
    ///
    /// - Throws: ``ExplainError`` naming the bad argument, or a failing model function.
    public init(
        function: PredictionFunction, schema: FeatureSchema, features: [Double], feature: Int,
        options: Options = Options(), threads: Int = 0
    ) throws(ExplainError) {
        guard schema.count == function.featureCount else {
            throw ExplainError("the schema has \(schema.count) features, the model \(function.featureCount)")
        }
        guard feature >= 0, feature < function.featureCount else {
            throw ExplainError("feature index \(feature) is out of range: the model has \(function.featureCount) features")
        }
        guard options.gridSize >= 2 else { throw ExplainError("gridSize is \(options.gridSize); it must be at least 2") }
        let lower = options.lowerPercentile, upper = options.upperPercentile
        guard lower >= 0, upper <= 1, lower < upper else {
            throw ExplainError("percentiles (\(lower), \(upper)) must satisfy 0 ≤ lower < upper ≤ 1")
        }
        let dataRows = try function.rowCount(features.count, of: "features")
        guard dataRows > 0 else { throw ExplainError("features: no rows") }
        let width = function.featureCount
        let column = (0..<dataRows).map { features[$0 * width + feature] }
        let kind = schema.features[feature]
        let isCategorical = kind.kind == .categorical
        let grid: [Double]
        if let custom = options.grid {
            grid = custom
        } else if isCategorical {
            grid = Self.levelGrid(column)
        } else {
            grid = try Self.numericGrid(column, options: options)
        }
        guard !grid.isEmpty else { throw ExplainError("feature `\(kind.name)`: no values to make a grid from") }
        let chosen: [Int]
        if let sample = options.iceRows {
            guard sample >= 1 else { throw ExplainError("iceRows is \(sample); it must be at least 1") }
            chosen = Self.sampleRows(dataRows, count: sample, seed: options.seed)
        } else {
            chosen = Array(0..<dataRows)
        }
        let curves = try Self.curves(function: function, features: features, rows: chosen, feature: feature, grid: grid, threads: threads)
        var average = [Double](repeating: 0, count: grid.count * function.outputCount)
        for r in 0..<chosen.count { for cell in 0..<average.count { average[cell] += curves[r * average.count + cell] } }
        self.feature = feature
        name = kind.name
        categorical = isCategorical
        self.grid = grid
        gridLabels = grid.map { value in
            guard isCategorical, let code = Int(exactly: value), code >= 0, code < kind.levels.count else { return "\(value)" }
            return kind.levels[code]
        }
        rows = chosen
        outputCount = function.outputCount
        individual = curves
        self.average = average.map { $0 / Double(chosen.count) }
    }

    /// The ICE curves: per grid point (split among threads), the chosen rows with the
    /// feature set to the point.
    private static func curves(
        function: PredictionFunction, features: [Double], rows: [Int], feature: Int, grid: [Double], threads: Int
    ) throws(ExplainError) -> [Double] {
        let width = function.featureCount, outputs = function.outputCount
        var chosen = [Double](repeating: 0, count: rows.count * width)
        for (position, row) in rows.enumerated() {
            for column in 0..<width { chosen[position * width + column] = features[row * width + column] }
        }
        let base = chosen
        var result = [Double](repeating: 0, count: rows.count * grid.count * outputs)
        try result.withUnsafeMutableBufferPointer { (out) throws(ExplainError) in
            let slots = WorkerSlots(out)
            try forEachChunkInParallel(count: grid.count, threads: threads) { (points) throws(ExplainError) in
                var matrix = base
                var predictions = [Double](repeating: 0, count: rows.count * outputs)
                for point in points {
                    for position in 0..<rows.count { matrix[position * width + feature] = grid[point] }
                    try matrix.withUnsafeBufferPointer { (input) throws(ExplainError) in
                        try predictions.withUnsafeMutableBufferPointer { (output) throws(ExplainError) in
                            try function.evaluate(input, rows: rows.count, into: output)
                        }
                    }
                    for position in 0..<rows.count {
                        for d in 0..<outputs {
                            slots.buffer[(position * grid.count + point) * outputs + d] = predictions[position * outputs + d]
                        }
                    }
                }
            }
        }
        return result
    }
}
