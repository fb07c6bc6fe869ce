import ApusModel

/// Exact interventional SHAP values of tree ensembles against a background sample: the
/// Shapley values of v(S) = mean over background rows z of f(x_S, z_rest), the raw score
/// with the features outside S taken from z (shap's `feature_perturbation="interventional"`;
/// the "Independent TreeSHAP" of Lundberg et al., 2020).
///
/// Unlike path-dependent ``TreeSHAP`` this needs no training covers (a model imported from
/// ONNX can be explained) and breaks no dependence between features along a tree's path;
/// it costs `rows × background rows × nodes visited`. Every row, explained or background,
/// is routed exactly as prediction routes it (categorical level sets, missing values,
/// unseen levels), so categorical features work as numeric ones do.
///
/// The layout is ``TreeSHAP``'s: per row and score one value per feature, then the bias,
/// the mean raw score of the background (``expectedValues``); each group sums to the row's
/// raw score.
public struct InterventionalTreeSHAP: Sendable {
    let forest: RoutedForest
    /// The background's routes, tree-major: tree `t`'s bits of background row `z` at
    /// `wordStart[t] · backgroundRows + z · wordCount[t]`.
    let backgroundRoutes: PinnedArray<UInt64>
    let backgroundRows: Int
    let scoresPerRow: Int
    let featureCount: Int
    let weights: PinnedArray<Double>
    /// Each score's mean raw score over the background: the bias of every explanation.
    public let expectedValues: [Double]

    /// Prepares `ensemble` for explanation against `background`, row-major rows of the
    /// ensemble's features (encoded as for prediction). Memory: one bit per internal node
    /// per background row; shap suggests at most about 1000 background rows.
    ///
    /// - Parameter schema: The model's schema, to name features in errors and to check that
    ///   categorical codes are among its levels (``init(model:background:)`` passes it).
    /// - Throws: ``ExplainError`` for an empty or ragged background, a schema of other
    ///   features, or a background value that is not a level code of a categorical feature
    ///   (naming the background row and the feature).
    public init(_ ensemble: TreeEnsemble, background: [Double], schema: FeatureSchema? = nil) throws(ExplainError) {
        let rows = try BackgroundCheck.rows(of: background, kinds: ensemble.featureKinds, schema: schema)
        let forest = RoutedForest(ensemble.trees)
        let scoresPerRow = ensemble.scoresPerRow, featureCount = ensemble.featureKinds.count
        var routes = [UInt64](repeating: 0, count: rows * forest.rowWords)
        var totals = [Double](repeating: 0, count: scoresPerRow)
        let row = UnsafeMutablePointer<UInt64>.allocate(capacity: max(1, forest.rowWords))
        defer { row.deallocate() }
        background.withUnsafeBufferPointer { values in
            for z in 0..<rows {
                forest.route(UnsafeBufferPointer(rebasing: values[z * featureCount..<(z + 1) * featureCount]), into: row)
                for tree in forest.trees.indices {
                    let start = forest.wordStart[tree], count = forest.wordCount[tree]
                    for word in 0..<count { routes[start * rows + z * count + word] = row[start + word] }
                    totals[tree % scoresPerRow] += forest.leafValue(tree: tree, route: row)
                }
            }
        }
        self.forest = forest
        self.scoresPerRow = scoresPerRow
        self.featureCount = featureCount
        backgroundRows = rows
        backgroundRoutes = PinnedArray(routes)
        weights = PinnedArray(IndependentShapleyWeights.table(maxDepth: forest.maxDepth))
        expectedValues = zip(ensemble.baseScore, totals).map { $0 + $1 / Double(rows) }
    }

    /// Prepares `model` for explanation against `background`, checking the background
    /// against the model's schema (see ``init(_:background:schema:)``).
    public init(model: Model, background: [Double]) throws(ExplainError) {
        try self.init(model.ensemble, background: background, schema: model.schema)
    }

    /// The interventional SHAP values of `rows` feature-matrix rows: `rows × scoresPerRow ×
    /// (features + 1)` values, row-major, as ``TreeSHAP/values(features:threads:)`` lays
    /// them out; each group sums to the row's raw score.
    ///
    /// Rows are split among `threads` threads (0: one per processor); every row's values
    /// are computed alone, in a fixed order, so they do not depend on the thread count.
    ///
    /// - Throws: ``ExplainError`` if `features` does not hold whole rows.
    public func values(features: [Double], threads: Int = 0) throws(ExplainError) -> [Double] {
        try explainRows(features: features, featureCount: featureCount, valuesPerRow: scoresPerRow * (featureCount + 1), threads: threads) {
            explain(rows: $0, input: $1, output: $2)
        }
    }

    /// The rows' values, written into `output` (zeroed by the caller).
    private func explain(rows: Range<Int>, input: UnsafePointer<Double>, output: UnsafeMutablePointer<Double>) {
        let width = featureCount + 1, group = scoresPerRow * width
        let route = UnsafeMutablePointer<UInt64>.allocate(capacity: max(1, forest.rowWords))
        let side = UnsafeMutablePointer<Int8>.allocate(capacity: max(1, featureCount))
        side.initialize(repeating: 0, count: max(1, featureCount))
        defer {
            route.deallocate()
            side.deallocate()
        }
        let scale = 1 / Double(backgroundRows)
        for row in rows {
            forest.route(UnsafeBufferPointer(start: input + row * featureCount, count: featureCount), into: route)
            let rowOutput = output + row * group
            for tree in forest.trees.indices where forest.trees[tree].internalNodeCount > 0 {
                let start = forest.wordStart[tree], count = forest.wordCount[tree]
                let routes = UnsafePointer(backgroundRoutes.base)
                var walk = IndependentTreeWalk(
                    nodes: forest.nodes.base + forest.nodeStart[tree], leaves: forest.leaves.base + forest.leafStart[tree],
                    x: route + start, z: routes + start * backgroundRows, side: side,
                    phi: rowOutput + (tree % scoresPerRow) * width, weights: weights.base, stride: forest.maxDepth + 1)
                for z in 0..<backgroundRows {
                    walk.z = routes + start * backgroundRows + z * count
                    _ = walk.walk(0, a: 0, b: 0)
                }
            }
            for score in 0..<scoresPerRow {
                let phi = rowOutput + score * width
                for feature in 0..<featureCount { phi[feature] *= scale }
                phi[featureCount] = expectedValues[score]
            }
        }
    }
}
