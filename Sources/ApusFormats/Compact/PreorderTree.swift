import ApusModel

/// A tree's internal nodes in preorder and its leaves left to right, as the compact file
/// stores them: a node's left child (when not a leaf) is the next node, its right child
/// (when not a leaf) is `skip` nodes on, `skip` being the left subtree's size plus one.
struct PreorderTree {
    /// One node, by its index in the ``Tree``.
    struct Node {
        var original: Int
        /// ``Tree/Flags`` plus ``CompactLayout/NodeFlag/leftIsLeaf`` and ``CompactLayout/NodeFlag/rightIsLeaf``.
        var flags: UInt8
        var skip: Int
    }

    /// The internal nodes in preorder.
    let nodes: [Node]
    /// The tree's leaf indices, left to right.
    let leaves: [Int]

    /// The preorder of `tree`, which a ``TreeEnsemble`` has validated (every node is reached once).
    init(_ tree: Tree) {
        guard tree.internalNodeCount > 0 else {
            nodes = []
            leaves = [0]
            return
        }
        var order: [Int] = [], leaves: [Int] = []
        order.reserveCapacity(tree.internalNodeCount)
        var stack: [Int32] = [0]
        while let child = stack.popLast() {
            if child >= 0 {
                order.append(Int(child))
                stack.append(tree.rightChild[Int(child)])
                stack.append(tree.leftChild[Int(child)])
            } else {
                leaves.append(Int(~child))
            }
        }
        var position = [Int](repeating: 0, count: tree.internalNodeCount)
        for (index, original) in order.enumerated() { position[original] = index }
        // Subtree sizes from the last node back: children follow their parent.
        var size = [Int](repeating: 1, count: order.count)
        for index in order.indices.reversed() {
            for child in [tree.leftChild[order[index]], tree.rightChild[order[index]]] where child >= 0 {
                size[index] += size[position[Int(child)]]
            }
        }
        nodes = order.enumerated().map { index, original in
            let left = tree.leftChild[original], right = tree.rightChild[original]
            var flags = tree.flags[original] & Tree.Flags.all.rawValue
            if left < 0 { flags |= CompactLayout.NodeFlag.leftIsLeaf }
            if right < 0 { flags |= CompactLayout.NodeFlag.rightIsLeaf }
            return Node(original: original, flags: flags, skip: 1 + (left >= 0 ? size[index + 1] : 0))
        }
        self.leaves = leaves
    }
}
