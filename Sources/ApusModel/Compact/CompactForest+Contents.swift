extension CompactForest {
    /// Checks the tables every tree reads: base scores, tree starts, leaf scales,
    /// thresholds, level sets and leaves.
    func checkTables(nodeCount: Int) throws(ModelError) {
        for index in 0..<scoresPerRow where !baseScore(index).isFinite {
            throw .corrupt(field: "baseScores[\(index)]", reason: "is not finite (byte \(offset(of: baseScores) + 8 * index))")
        }
        guard treeStart(0) == 0 else { throw .corrupt(field: "treeStarts[0]", reason: "is \(treeStart(0)), not 0") }
        for tree in 0..<treeCount {
            let count = treeStart(tree + 1) - treeStart(tree)
            // A walk's state keeps node and leaf indices in 31 bits.
            guard count >= 0, count < Int(Int32.max) else {
                throw .corrupt(field: "treeStarts[\(tree + 1)]", reason: "gives tree \(tree) \(count) nodes (byte \(offset(of: treeStarts) + 4 * (tree + 1)))")
            }
        }
        guard treeStart(treeCount) == nodeCount else {
            throw .corrupt(field: "treeStarts[\(treeCount)]", reason: "is \(treeStart(treeCount)), but the nodes section has \(nodeCount) nodes")
        }
        if quantization == .i8 {
            for tree in 0..<treeCount {
                let scale = Float(bitPattern: UInt32(littleEndian: leafScales.load(fromByteOffset: 4 * tree, as: UInt32.self)))
                guard scale.isFinite, scale > 0 else {
                    throw .corrupt(field: "leafScales[\(tree)]", reason: "\(scale) is not a positive finite scale (byte \(offset(of: leafScales) + 4 * tree))")
                }
            }
        }
        for index in 0..<thresholdCount where threshold(of: CompactNode(flags: 0, feature: 0, skip: 0, payload: UInt64(index))).isNaN {
            throw .corrupt(field: "thresholds[\(index)]", reason: "is NaN (byte \(offset(of: thresholds) + 4 * index))")
        }
        for set in 0..<levelSetCount {
            let (start, count) = levelSet(set)
            // At most 2^27 words: codes from 2^32 on go right, as in a TreeEnsemble.
            guard count >= 1, count <= 1 << 27, start <= levelWordCount, count <= levelWordCount - start else {
                throw .corrupt(field: "levelSets[\(set)]", reason: "words \(start)+\(count) lie outside the \(levelWordCount) level words (byte \(offset(of: levelSets) + 8 * set))")
            }
        }
        try checkLeaves(count: nodeCount + treeCount)
    }

    private func checkLeaves(count: Int) throws(ModelError) {
        for leaf in 0..<count {
            let valid: Bool
            switch quantization {
            case .none: valid = Float64Leaves.value(leaf, tree: 0, leaves, leafScales).isFinite
            case .f16: valid = UInt16(littleEndian: leaves.load(fromByteOffset: 2 * leaf, as: UInt16.self)) & 0x7C00 != 0x7C00
            case .i8: valid = leaves.load(fromByteOffset: leaf, as: Int8.self) != -128
            }
            guard valid else {
                let what = quantization == .i8 ? "code −128 is outside −127…127" : "is not finite"
                throw .corrupt(field: "leaves[\(leaf)]", reason: "\(what) (byte \(offset(of: leaves) + quantization.leafSize * leaf))")
            }
        }
    }

    /// Checks that tree `tree`'s nodes are a binary tree in preorder whose skips are
    /// right, visiting each node once, without recursion: node 0 is the root, a node's left
    /// child (when not a leaf) is the next node, its left subtree ends exactly `skip` nodes
    /// on, where its right child (when not a leaf) starts, and the root's subtree is every
    /// node. Then a walk reads only nodes `0..<n` and leaves `0...n`, and moves forward at
    /// every step. Also checks each node's flags, feature and threshold or level set.
    ///
    /// `scratch` holds the nodes whose left subtree is being visited (as deep as the tree).
    func checkTree(_ tree: Int, scratch stack: inout [Int]) throws(ModelError) {
        let first = treeStart(tree), count = treeStart(tree + 1) - first
        guard count > 0 else { return }
        stack.removeAll(keepingCapacity: true)
        var position = 0, parent = -1
        visit: while true {
            guard position < count else {
                throw .corrupt(field: "trees[\(tree)].node[\(parent)]", reason: "has a child beyond the tree's \(count) nodes")
            }
            let index = position, node = try checkedNode(tree: tree, first: first, index: index)
            position += 1
            if node.flags & Int(CompactLayout.NodeFlag.leftIsLeaf) == 0 {
                guard node.skip >= 2 else {
                    throw nodeError(tree, first, index, "its left child is a node, so its skip must be at least 2, found \(node.skip)")
                }
                stack.append(index)
                parent = index
                continue visit
            }
            guard node.skip == 1 else {
                throw nodeError(tree, first, index, "its left child is a leaf, so its skip must be 1, found \(node.skip)")
            }
            // `current`'s left subtree ends at `position`: visit its right subtree, or end
            // its subtree there and return to the nearest node whose left subtree it was in.
            var current = index, currentNode = node
            while true {
                if currentNode.flags & Int(CompactLayout.NodeFlag.rightIsLeaf) == 0 {
                    parent = current
                    continue visit
                }
                guard let up = stack.popLast() else {
                    guard position == count else {
                        throw .corrupt(field: "trees[\(tree)]", reason: "the root's subtree ends at node \(position), but the tree has \(count) nodes")
                    }
                    return
                }
                let upNode = self.node(first + up)
                guard position == up + upNode.skip else {
                    throw nodeError(tree, first, up, "its skip \(upNode.skip) says its left subtree ends at node \(up + upNode.skip), but it ends at node \(position)")
                }
                current = up
                currentNode = upNode
            }
        }
    }

    /// Node `index` of a tree, after checking its flags, feature and threshold or level set.
    private func checkedNode(tree: Int, first: Int, index: Int) throws(ModelError) -> CompactNode {
        let node = node(first + index)
        if nodeFormat == .wide {
            let zero = nodes.load(fromByteOffset: (first + index) * 16 + 15, as: UInt8.self)
            guard node.flags & ~Int(CompactLayout.NodeFlag.all) == 0, zero == 0 else {
                throw nodeError(tree, first, index, "unknown flag bits \(node.flags), or byte 15 is not 0")
            }
        }
        guard node.feature < featureCount else {
            throw nodeError(tree, first, index, "splits feature \(node.feature), but the model has \(featureCount) features")
        }
        if node.flags & Int(CompactLayout.NodeFlag.categorical) != 0 {
            guard node.payload < UInt64(levelSetCount) else {
                throw nodeError(tree, first, index, "level set \(node.payload) is out of range 0..<\(levelSetCount)")
            }
        } else if nodeFormat == .wide {
            guard !threshold(of: node).isNaN else { throw nodeError(tree, first, index, "threshold is NaN") }
        } else {
            guard node.payload < UInt64(thresholdCount) else {
                throw nodeError(tree, first, index, "threshold \(node.payload) is out of range 0..<\(thresholdCount)")
            }
        }
        return node
    }

    private func nodeError(_ tree: Int, _ first: Int, _ index: Int, _ reason: String) -> ModelError {
        let byte = offset(of: nodes) + (first + index) * nodeFormat.size
        return .corrupt(field: "trees[\(tree)].node[\(index)]", reason: "\(reason) (byte \(byte))")
    }
}
