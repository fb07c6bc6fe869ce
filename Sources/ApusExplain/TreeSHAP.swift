import ApusModel

/// Exact SHAP values of tree ensembles: path-dependent TreeSHAP (Lundberg et al., 2018),
/// which takes "the feature is unknown" to mean "follow both branches, weighted by the
/// training rows (cover) that went each way".
///
/// For every row and every score (one for binary and regression, one per class for
/// multiclass) the values are one number per feature and the bias, the score's expected
/// value over the training data (base score plus each tree's cover-weighted mean leaf);
/// they add up to the row's raw score (log-odds for binary). A row is routed exactly as
/// prediction routes it: categorical splits by level set, missing values by the node's
/// default direction, unseen levels by `unseenLeft`.
///
/// Covers are the training row counts where the trees recorded them (Apus's and LightGBM's
/// trees, as LightGBM and shap use them), else hessian sums (XGBoost's `cover`). A model
/// without covers (imported from ONNX) cannot be explained this way.
///
/// The values are Lundberg et al.'s, computed leaf by leaf (``LeafPathTree``: each leaf's
/// share needs only which of its path's features the row agrees with) with Fast TreeSHAP
/// v2's tables for leaves with short paths (``TreeSHAPOptions``); the recursion of the
/// paper remains for paths of more than 64 distinct features and as an option.
public struct TreeSHAP: Sendable {
    let trees: [ExplainedTree]
    let scoresPerRow: Int
    let featureCount: Int
    /// Each score's expected value: the bias of every explanation.
    public let expectedValues: [Double]
    let maxDepth: Int
    /// The trees explained leaf by leaf (all but those with a path of more than 64 distinct
    /// features), and the indices of the rest, explained by Lundberg et al.'s recursion.
    let forest: LeafPathForest
    let recursiveTrees: [Int]

    /// The options the explainer was made with.
    public let options: TreeSHAPOptions

    /// Prepares `ensemble` for explanation (with the default options, the tables of
    /// ``TreeSHAPOptions`` are made here).
    ///
    /// - Throws: ``ExplainError`` naming a tree without covers, or an option out of range.
    public init(_ ensemble: TreeEnsemble, options: TreeSHAPOptions = TreeSHAPOptions()) throws(ExplainError) {
        self.options = try options.validated()
        var trees: [ExplainedTree] = []
        trees.reserveCapacity(ensemble.trees.count)
        for (index, tree) in ensemble.trees.enumerated() { trees.append(try ExplainedTree(tree, index: index)) }
        self.trees = trees
        scoresPerRow = ensemble.scoresPerRow
        featureCount = ensemble.featureKinds.count
        var expected = ensemble.baseScore
        for (index, tree) in trees.enumerated() { expected[index % ensemble.scoresPerRow] += tree.expectedValue }
        expectedValues = expected
        maxDepth = trees.map(\.depth).max() ?? 0
        var paths: [(index: Int, tree: LeafPathTree)] = [], recursive: [Int] = []
        for (index, tree) in trees.enumerated() where tree.internalCount > 0 {
            if !options.recursive, let path = LeafPathTree(tree) { paths.append((index, path)) } else { recursive.append(index) }
        }
        forest = LeafPathForest(paths, options: options)
        recursiveTrees = recursive
    }

    /// The SHAP values of `rows` feature-matrix rows: `rows × scoresPerRow × (features + 1)`
    /// values, row-major; in each group one value per feature (matrix-column order), then
    /// the bias. Each group sums to the row's raw score for that score.
    ///
    /// Rows are split among `threads` threads (0: one per processor); every row's values
    /// are computed alone, in tree order, so they do not depend on the thread count.
    ///
    /// - Throws: ``ExplainError`` if `features` does not hold `rows` whole rows.
    public func values(features: [Double], threads: Int = 0) throws(ExplainError) -> [Double] {
        try explainRows(features: features, featureCount: featureCount, valuesPerRow: scoresPerRow * (featureCount + 1), threads: threads) {
            explain(rows: $0, input: $1, output: $2)
        }
    }

    /// The rows' values, written into `output` (zeroed by the caller).
    private func explain(rows: Range<Int>, input: UnsafePointer<Double>, output: UnsafeMutablePointer<Double>) {
        let width = featureCount + 1, group = scoresPerRow * width
        for row in rows {
            for score in 0..<scoresPerRow { output[row * group + score * width + featureCount] = expectedValues[score] }
        }
        forest.explain(rows: rows, input: input, featureCount: featureCount, output: output, scoresPerRow: scoresPerRow)
        guard !recursiveTrees.isEmpty else { return }
        // One path segment per depth level: (d + 1) elements at level d.
        let path = UnsafeMutablePointer<PathElement>.allocate(capacity: (maxDepth + 2) * (maxDepth + 3) / 2)
        defer { path.deallocate() }
        for row in rows {
            let features = UnsafeBufferPointer(start: input + row * featureCount, count: featureCount)
            for index in recursiveTrees {
                ConditionedTreeSHAP(tree: trees[index], features: features, path: path)
                    .values(into: output + row * group + (index % scoresPerRow) * width, condition: .none)
            }
        }
    }
}
