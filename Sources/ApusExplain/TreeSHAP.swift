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
        // One path segment per depth level: (d + 1) elements at level d.
        let capacity = (maxDepth + 2) * (maxDepth + 3) / 2
        let path = UnsafeMutablePointer<PathElement>.allocate(capacity: capacity)
        defer { path.deallocate() }
        for row in rows {
            for score in 0..<scoresPerRow { output[row * group + score * width + featureCount] = expectedValues[score] }
        }
        forest.explain(rows: rows, input: input, featureCount: featureCount, output: output, scoresPerRow: scoresPerRow)
        guard !recursiveTrees.isEmpty else { return }
        for row in rows {
            let features = UnsafeBufferPointer(start: input + row * featureCount, count: featureCount)
            let rowOutput = output + row * group
            for index in recursiveTrees {
                let phi = rowOutput + (index % scoresPerRow) * width
                recurse(trees[index], node: 0, features: features, phi: phi, path: path, depth: 0, zero: 1, one: 1, feature: -1)
            }
        }
    }

    /// Algorithm 2's RECURSE: `path` holds `depth` elements; this node's segment starts after them.
    private func recurse(
        _ tree: ExplainedTree, node: Int, features: UnsafeBufferPointer<Double>, phi: UnsafeMutablePointer<Double>,
        path parent: UnsafeMutablePointer<PathElement>, depth: Int, zero: Double, one: Double, feature: Int32
    ) {
        // This level's copy of the path, after the parent's `depth` elements.
        let path = parent + depth
        if depth > 0 { path.update(from: parent, count: depth) }
        TreeSHAPPath.extend(path, depth: depth, zero: zero, one: one, feature: feature)
        if node >= tree.internalCount {
            let value = tree.tree.leafValue[node - tree.internalCount]
            guard depth > 0 else { return }
            for i in 1...depth {
                let element = path[i]
                let weight = TreeSHAPPath.unwoundSum(path, depth: depth, index: i)
                phi[Int(element.feature)] += weight * (element.one - element.zero) * value
            }
            return
        }
        let split = tree.tree.splitFeature[node]
        let goesLeft = tree.tree.goesLeft(node, value: features[Int(split)])
        let hot = Int(goesLeft ? tree.left[node] : tree.right[node])
        let cold = Int(goesLeft ? tree.right[node] : tree.left[node])
        let hotFraction = goesLeft ? tree.leftFraction[node] : tree.rightFraction[node]
        let coldFraction = goesLeft ? tree.rightFraction[node] : tree.leftFraction[node]
        var incomingZero = 1.0, incomingOne = 1.0, depth = depth
        // A feature met before on this path: undo that element and carry its fractions.
        var index = 1
        while index <= depth, path[index].feature != split { index += 1 }
        if index <= depth {
            incomingZero = path[index].zero
            incomingOne = path[index].one
            TreeSHAPPath.unwind(path, depth: depth, index: index)
            depth -= 1
        }
        recurse(tree, node: hot, features: features, phi: phi, path: path, depth: depth + 1,
                zero: hotFraction * incomingZero, one: incomingOne, feature: split)
        recurse(tree, node: cold, features: features, phi: phi, path: path, depth: depth + 1,
                zero: coldFraction * incomingZero, one: 0, feature: split)
    }
}
