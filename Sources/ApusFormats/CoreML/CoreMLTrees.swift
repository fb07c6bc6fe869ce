import ApusModel
import FormatProtos

/// Apus trees as Core ML `TreeEnsembleParameters` nodes.
///
/// A numeric node becomes one `BranchOnValueLessThanEqual` node with Apus's double threshold.
/// Core ML has no set-membership test, so a categorical node becomes a chain of tests, one per
/// level going left (`BranchOnValueEqual` with the level code) plus `BranchOnValueLessThan 0`
/// when unseen levels (negative codes) go left, linked by their false branches; the last
/// test's false branch is the node's right subtree. Core ML requires every node to have one
/// parent, so each test of the chain gets its own copy of the node's left subtree.
enum CoreMLTrees {
    typealias Node = CoreML_Specification_TreeEnsembleParameters.TreeNode

    /// The most a model may grow, in Core ML nodes per Apus node (leaves included), by the
    /// copies of categorical nodes' left subtrees.
    static let maximumGrowth = 50

    /// One test of a categorical node's chain: the row goes left when it passes.
    struct Test: Equatable {
        var behavior: Node.TreeNodeBehavior
        var value: Double
    }

    /// The tests that together send a row left at categorical `node` of `tree`: negative
    /// codes when unseen levels go left, then each level code of the node's set. A node whose
    /// set is empty (and sends unseen levels right) gets one test nothing passes.
    static func tests(_ tree: Tree, node: Int) -> [Test] {
        var tests = tree.unseenLeft(node) ? [Test(behavior: .branchOnValueLessThan, value: 0)] : []
        tests += tree.leftLevels(node).map { Test(behavior: .branchOnValueEqual, value: Double($0)) }
        return tests.isEmpty ? [Test(behavior: .branchOnValueLessThan, value: -.infinity)] : tests
    }

    /// The number of Core ML nodes `tree` becomes (saturating at `Int.max`).
    static func expandedSize(_ tree: Tree) -> Int {
        guard tree.internalNodeCount > 0 else { return 1 }
        var size = [Int](repeating: 0, count: tree.internalNodeCount)
        let sizeOf = { (child: Int32) -> Int in child < 0 ? 1 : size[Int(child)] }
        // Reversed preorder visits children before their parents.
        for node in preorder(tree).reversed() {
            let left = sizeOf(tree.leftChild[node]), right = sizeOf(tree.rightChild[node])
            let copies = tree.isCategorical(node) ? tests(tree, node: node).count : 1
            size[node] = saturatingSum(saturatingProduct(copies, saturatingSum(left, 1)), right)
        }
        return size[0]
    }

    /// Every tree's nodes: tree `t` is Core ML tree `t`, its root is node 0, and its leaves
    /// add to prediction dimension `t % scoresPerRow`.
    ///
    /// - Throws: ``ImportError`` when copying categorical nodes' left subtrees would make more
    ///   than ``maximumGrowth`` times the model's node count.
    static func nodes(for ensemble: TreeEnsemble) throws(ImportError) -> [Node] {
        var original = 0, expanded = 0, largest = (tree: 0, size: 0)
        for (index, tree) in ensemble.trees.enumerated() {
            let size = expandedSize(tree)
            original += tree.internalNodeCount + tree.leafCount
            expanded = saturatingSum(expanded, size)
            if size > largest.size { largest = (index, size) }
        }
        let limit = saturatingProduct(original, maximumGrowth)
        guard expanded <= limit else {
            throw ImportError(
                "the Core ML trees would need \(expanded == Int.max ? "more than \(limit)" : "\(expanded)") nodes, more than "
                    + "\(maximumGrowth) times the model's \(original) (tree \(largest.tree) alone needs \(largest.size)): Core ML has no "
                    + "set-membership split, and each level of a categorical split gets its own copy of the split's left subtree")
        }
        var nodes: [Node] = []
        nodes.reserveCapacity(expanded)
        for (index, tree) in ensemble.trees.enumerated() {
            append(tree, id: UInt64(index), dimension: UInt64(index % ensemble.scoresPerRow), to: &nodes)
        }
        if nodes.isEmpty {
            // Core ML's validator assumes at least one tree: a model of no rounds gets one
            // leaf adding 0.
            append(Tree(leafValue: 0, hessian: 0, count: 0), id: 0, dimension: 0, to: &nodes)
        }
        return nodes
    }

    /// Appends `tree`'s nodes, depth first. Iterative: an imported tree may be a long chain.
    static func append(_ tree: Tree, id treeID: UInt64, dimension: UInt64, to nodes: inout [Node]) {
        var nextID: UInt64 = 1
        let fresh = { () -> UInt64 in
            defer { nextID += 1 }
            return nextID
        }
        // Apus children (`~leaf` for leaves) waiting for their Core ML node, with its id.
        var pending: [(child: Int32, id: UInt64)] = [(tree.internalNodeCount > 0 ? 0 : ~0, 0)]
        while let (child, id) = pending.popLast() {
            guard child >= 0 else {
                var value = Node.EvaluationInfo()
                value.evaluationIndex = dimension
                value.evaluationValue = tree.leafValue[Int(~child)]
                var leaf = Node()
                leaf.treeID = treeID
                leaf.nodeID = id
                leaf.nodeBehavior = .leafNode
                leaf.evaluationInfo = [value]
                nodes.append(leaf)
                continue
            }
            let node = Int(child)
            let left = tree.leftChild[node], right = tree.rightChild[node]
            let chain = tree.isCategorical(node)
                ? tests(tree, node: node)
                : [Test(behavior: .branchOnValueLessThanEqual, value: tree.threshold[node])]
            var current = id
            for (position, test) in chain.enumerated() {
                var branch = Node()
                branch.treeID = treeID
                branch.nodeID = current
                branch.nodeBehavior = test.behavior
                branch.branchFeatureIndex = UInt64(tree.splitFeature[node])
                branch.branchFeatureValue = test.value
                branch.trueChildNodeID = fresh()
                branch.falseChildNodeID = fresh()
                // A missing value fails every test, so it reaches the right subtree unless
                // the chain's first test sends it left.
                branch.missingValueTracksTrueChild = position == 0 && tree.defaultLeft(node)
                nodes.append(branch)
                pending.append((left, branch.trueChildNodeID))
                current = branch.falseChildNodeID
            }
            pending.append((right, current))
        }
    }

    private static func saturatingSum(_ a: Int, _ b: Int) -> Int {
        let (sum, overflow) = a.addingReportingOverflow(b)
        return overflow ? .max : sum
    }

    private static func saturatingProduct(_ a: Int, _ b: Int) -> Int {
        let (product, overflow) = a.multipliedReportingOverflow(by: b)
        return overflow ? .max : product
    }
}
