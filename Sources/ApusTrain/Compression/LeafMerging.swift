import ApusModel

/// Merges sibling leaves whose values are within a tolerance.
///
/// A node whose two children are leaves with |a − b| <= tolerance becomes one leaf whose
/// value is the hessian-weighted mean of the two (the plain mean when both hessians are
/// 0; exactly `a` when a == b), and whose covers are the sums of theirs. Nodes are visited
/// children first, so a parent whose children both became leaves can merge in turn.
///
/// The merged tree keeps its surviving internal nodes in their original order (the root
/// stays node 0) and its leaves in the order of their original indices, a merged leaf
/// taking the smaller index of the leaves it absorbed; level sets are packed again.
enum LeafMerging {
    /// `tree` with sibling leaves within `tolerance` merged, and the number of merges.
    static func merge(_ tree: Tree, tolerance: Double) -> (tree: Tree, merges: Int) {
        let nodes = tree.internalNodeCount
        guard nodes > 0 else { return (tree, 0) }
        var leaves = (0..<tree.leafCount).map {
            MergedLeaf(value: tree.leafValue[$0], hessian: tree.leafHessian[$0], count: tree.leafRowCount[$0], key: $0)
        }
        var alive = [Bool](repeating: true, count: leaves.count)
        // The leaf (index into `leaves`) a merged node became, or -1.
        var nodeLeaf = [Int](repeating: -1, count: nodes)
        var merges = 0
        for node in postOrder(tree) {
            guard let left = resolve(tree.leftChild[node], nodeLeaf), let right = resolve(tree.rightChild[node], nodeLeaf),
                  abs(leaves[left].value - leaves[right].value) <= tolerance else { continue }
            leaves.append(MergedLeaf(merging: leaves[left], leaves[right]))
            alive[left] = false
            alive[right] = false
            alive.append(true)
            nodeLeaf[node] = leaves.count - 1
            merges += 1
        }
        guard merges > 0 else { return (tree, 0) }
        if nodeLeaf[0] >= 0 {
            let root = leaves[nodeLeaf[0]]
            return (Tree(leafValue: root.value, hessian: root.hessian, count: root.count), merges)
        }
        return (rebuilt(tree, leaves: leaves, alive: alive, nodeLeaf: nodeLeaf), merges)
    }

    /// A leaf of the tree being merged; `key` orders the leaves of the result.
    private struct MergedLeaf {
        var value: Double
        var hessian: Double
        var count: UInt64
        var key: Int

        init(value: Double, hessian: Double, count: UInt64, key: Int) {
            (self.value, self.hessian, self.count, self.key) = (value, hessian, count, key)
        }

        init(merging a: MergedLeaf, _ b: MergedLeaf) {
            let hessian = a.hessian + b.hessian
            if a.value == b.value {
                value = a.value
            } else if hessian > 0 {
                // Rounding may not leave the mean between the two; clamp it there.
                let mean = (a.hessian * a.value + b.hessian * b.value) / hessian
                value = min(max(mean, min(a.value, b.value)), max(a.value, b.value))
            } else {
                value = a.value / 2 + b.value / 2
            }
            self.hessian = hessian
            count = a.count &+ b.count
            key = min(a.key, b.key)
        }
    }

    /// The leaf a child is, if it is one (a leaf, or a node merged into a leaf).
    private static func resolve(_ child: Int32, _ nodeLeaf: [Int]) -> Int? {
        if child < 0 { return Int(~child) }
        let leaf = nodeLeaf[Int(child)]
        return leaf >= 0 ? leaf : nil
    }

    /// The internal nodes, children before parents.
    private static func postOrder(_ tree: Tree) -> [Int] {
        var order: [Int] = []
        order.reserveCapacity(tree.internalNodeCount)
        var stack: [(node: Int, expanded: Bool)] = [(0, false)]
        while let (node, expanded) = stack.popLast() {
            if expanded {
                order.append(node)
                continue
            }
            stack.append((node, true))
            for child in [tree.rightChild[node], tree.leftChild[node]] where child >= 0 { stack.append((Int(child), false)) }
        }
        return order
    }

    /// The tree with merged nodes replaced by their leaves, renumbered compactly.
    private static func rebuilt(_ tree: Tree, leaves: [MergedLeaf], alive: [Bool], nodeLeaf: [Int]) -> Tree {
        let kept = leaves.indices.filter { alive[$0] }.sorted { leaves[$0].key < leaves[$1].key }
        var newLeaf = [Int32](repeating: -1, count: leaves.count)
        for (index, leaf) in kept.enumerated() { newLeaf[leaf] = Int32(index) }
        var newNode = [Int32](repeating: -1, count: tree.internalNodeCount)
        var next: Int32 = 0
        for node in 0..<tree.internalNodeCount where nodeLeaf[node] < 0 {
            newNode[node] = next
            next += 1
        }
        func child(_ old: Int32) -> Int32 {
            if old < 0 { return ~newLeaf[Int(~old)] }
            let leaf = nodeLeaf[Int(old)]
            return leaf >= 0 ? ~newLeaf[leaf] : newNode[Int(old)]
        }
        var result = Tree()
        for node in 0..<tree.internalNodeCount where nodeLeaf[node] < 0 {
            result.splitFeature.append(tree.splitFeature[node])
            result.threshold.append(tree.threshold[node])
            result.flags.append(tree.flags[node])
            let start = Int(tree.categoryStart[node]), words = Int(tree.categoryWordCount[node])
            result.categoryStart.append(UInt32(result.categoryWords.count))
            result.categoryWordCount.append(UInt32(words))
            result.categoryWords.append(contentsOf: tree.categoryWords[start ..< start + words])
            result.leftChild.append(child(tree.leftChild[node]))
            result.rightChild.append(child(tree.rightChild[node]))
            result.splitGain.append(tree.splitGain[node])
            result.nodeHessian.append(tree.nodeHessian[node])
            result.nodeRowCount.append(tree.nodeRowCount[node])
        }
        for leaf in kept {
            _ = result.appendLeaf(value: leaves[leaf].value, hessian: leaves[leaf].hessian, count: leaves[leaf].count)
        }
        return result
    }
}
