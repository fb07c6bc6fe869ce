import ApusModel

/// An ensemble's trees flattened for interventional TreeSHAP (split features and children
/// in ``nodes``, leaf values in ``leaves``, tree `t` from `nodeStart[t]` and `leafStart[t]`,
/// children tree-local as in ``Tree``), with each row's route through them precomputed as
/// bits: one bit per internal node, set when the row goes left.
///
/// Routing a row costs one `Tree.goesLeft` per internal node, once; the pair walks that
/// follow only test bits, so the categorical, missing-value and unseen-level rules of
/// prediction hold in every walk at no cost per pair. A tree's bits start on a word boundary
/// (`wordStart[t]`, `wordCount[t]` words), so most trees (63 internal nodes or fewer) fit in
/// one word.
struct RoutedForest: Sendable {
    let trees: [Tree]
    let nodes: PinnedArray<FlatNode>
    let leaves: PinnedArray<Double>
    let nodeStart: [Int]
    let leafStart: [Int]
    /// Per tree: first word of its bits in a routed row, and its word count.
    let wordStart: [Int]
    let wordCount: [Int]
    /// Words per routed row.
    let rowWords: Int
    /// The deepest leaf's depth over all trees (the root is depth 0).
    let maxDepth: Int

    init(_ trees: [Tree]) {
        self.trees = trees
        var wordStart: [Int] = [], wordCount: [Int] = [], words = 0, deepest = 0
        var nodes: [FlatNode] = [], leaves: [Double] = [], nodeStart: [Int] = [], leafStart: [Int] = []
        for tree in trees {
            nodeStart.append(nodes.count)
            leafStart.append(leaves.count)
            for node in 0..<tree.internalNodeCount {
                nodes.append(FlatNode(feature: tree.splitFeature[node], left: tree.leftChild[node], right: tree.rightChild[node]))
            }
            leaves += tree.leafValue
            let count = (tree.internalNodeCount + 63) / 64
            wordStart.append(words)
            wordCount.append(count)
            words += count
            deepest = max(deepest, Self.depth(of: tree))
        }
        self.nodes = PinnedArray(nodes)
        self.leaves = PinnedArray(leaves)
        self.nodeStart = nodeStart
        self.leafStart = leafStart
        self.wordStart = wordStart
        self.wordCount = wordCount
        rowWords = words
        maxDepth = deepest
    }

    /// Writes `row`'s route (`rowWords` words) to `bits`.
    func route(_ row: UnsafeBufferPointer<Double>, into bits: UnsafeMutablePointer<UInt64>) {
        bits.update(repeating: 0, count: rowWords)
        for (index, tree) in trees.enumerated() {
            let words = bits + wordStart[index]
            for node in 0..<tree.internalNodeCount where tree.goesLeft(node, value: row[Int(tree.splitFeature[node])]) {
                words[node >> 6] |= 1 << UInt64(node & 63)
            }
        }
    }

    /// The leaf value `route` reaches in tree `index`.
    func leafValue(tree index: Int, route: UnsafePointer<UInt64>) -> Double {
        let tree = trees[index]
        guard tree.internalNodeCount > 0 else { return tree.leafValue.first ?? 0 }
        let words = route + wordStart[index]
        var node: Int32 = 0
        while node >= 0 {
            let n = Int(node)
            node = words[n >> 6] >> UInt64(n & 63) & 1 != 0 ? tree.leftChild[n] : tree.rightChild[n]
        }
        return tree.leafValue[Int(~node)]
    }

    /// The deepest leaf's depth in `tree` (a valid ensemble's trees are acyclic).
    private static func depth(of tree: Tree) -> Int {
        guard tree.internalNodeCount > 0 else { return 0 }
        var deepest = 0
        var stack: [(node: Int32, depth: Int)] = [(0, 0)]
        while let (node, depth) = stack.popLast() {
            guard node >= 0 else {
                deepest = max(deepest, depth)
                continue
            }
            stack.append((tree.leftChild[Int(node)], depth + 1))
            stack.append((tree.rightChild[Int(node)], depth + 1))
        }
        return deepest
    }
}

/// One internal node: its split feature and children (`>= 0` a node, `< 0` leaf `~c`).
struct FlatNode: Sendable {
    var feature: Int32
    var left: Int32
    var right: Int32
}
