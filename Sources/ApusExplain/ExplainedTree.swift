import ApusModel

/// One tree laid out for TreeSHAP: internal nodes and leaves in one array (leaves after the
/// internal nodes), each internal node with both children and the fraction of the training
/// cover that went to each.
struct ExplainedTree: Sendable {
    /// Internal node `i`'s children, as slots: internal nodes first, then leaf `l` at
    /// `internalCount + l` (the split features and leaf values are the tree's own).
    let left: [Int32]
    let right: [Int32]
    /// cover(child) / cover(node) for each internal node's children.
    let leftFraction: [Double]
    let rightFraction: [Double]
    let internalCount: Int
    /// The cover-weighted mean of the leaves (the tree's expected value).
    let expectedValue: Double
    /// The deepest leaf's depth (the root is depth 0).
    let depth: Int
    let tree: Tree

    /// The tree's covers: row counts when training recorded them (LightGBM's and Apus's
    /// trees; what LightGBM's and shap's TreeSHAP use), else hessian sums (XGBoost's).
    ///
    /// - Throws: ``ExplainError`` when the tree has no covers (a model imported from ONNX).
    init(_ tree: Tree, index: Int) throws(ExplainError) {
        self.tree = tree
        let internalCount = tree.internalNodeCount
        self.internalCount = internalCount
        let useCounts = tree.leafRowCount.contains { $0 > 0 }
        let leafCover = useCounts ? tree.leafRowCount.map { Double($0) } : tree.leafHessian
        let nodeCover = useCounts ? tree.nodeRowCount.map { Double($0) } : tree.nodeHessian
        let slot = { (child: Int32) -> Int32 in child >= 0 ? child : Int32(internalCount) + ~child }
        left = tree.leftChild.map(slot)
        right = tree.rightChild.map(slot)
        let cover = { (child: Int32) -> Double in child >= 0 ? nodeCover[Int(child)] : leafCover[Int(~child)] }
        var leftFraction = [Double](repeating: 0, count: internalCount)
        var rightFraction = [Double](repeating: 0, count: internalCount)
        for node in 0..<internalCount {
            let whole = nodeCover[node]
            let l = cover(tree.leftChild[node]), r = cover(tree.rightChild[node])
            guard whole > 0, l >= 0, r >= 0, whole.isFinite else {
                throw ExplainError("tree \(index), node \(node): no training cover is recorded (a model imported from ONNX has none); path-dependent TreeSHAP needs covers")
            }
            leftFraction[node] = l / whole
            rightFraction[node] = r / whole
        }
        self.leftFraction = leftFraction
        self.rightFraction = rightFraction
        // Expected values and depth, children before parents (children have larger indices
        // than their parents in no guaranteed order, so walk from the root).
        var expected = 0.0, deepest = 0
        if internalCount == 0 {
            expected = tree.leafValue.first ?? 0
        } else {
            var stack: [(node: Int32, weight: Double, depth: Int)] = [(0, 1, 0)]
            while let (node, weight, depth) = stack.popLast() {
                if node >= Int32(internalCount) {
                    expected += weight * tree.leafValue[Int(node) - internalCount]
                    deepest = max(deepest, depth)
                    continue
                }
                let n = Int(node)
                stack.append((left[n], weight * leftFraction[n], depth + 1))
                stack.append((right[n], weight * rightFraction[n], depth + 1))
            }
        }
        expectedValue = expected
        depth = deepest
    }
}
