extension CompactForest {
    /// Tree `index` as a ``Tree``: nodes in the file's preorder, leaves left to right,
    /// covers and gains 0. The tree was checked (``checkTree(_:scratch:)``), so every
    /// node's parent precedes it and each node is reached once.
    func tree(_ index: Int) -> Tree {
        let first = treeStart(index), count = treeStart(index + 1) - first
        let leafBase = first + index
        let leafValues = (0...count).map { leafValue(leafBase + $0, tree: index) }
        var tree = Tree()
        tree.leafValue = leafValues
        tree.leafHessian = [Double](repeating: 0, count: count + 1)
        tree.leafRowCount = [UInt64](repeating: 0, count: count + 1)
        guard count > 0 else { return tree }
        // The leaves left of each node, as a walk counts them.
        var leavesBefore = [Int](repeating: 0, count: count)
        for node in 0..<count {
            let fields = self.node(first + node), before = leavesBefore[node]
            tree.splitFeature.append(Int32(fields.feature))
            tree.flags.append(UInt8(fields.flags) & Tree.Flags.all.rawValue)
            tree.categoryStart.append(UInt32(tree.categoryWords.count))
            if fields.flags & Int(CompactLayout.NodeFlag.categorical) != 0 {
                let (start, words) = levelSet(Int(fields.payload))
                tree.threshold.append(0)
                tree.categoryWordCount.append(UInt32(words))
                for word in start..<start + words { tree.categoryWords.append(levelWord(word)) }
            } else {
                tree.threshold.append(threshold(of: fields))
                tree.categoryWordCount.append(0)
            }
            if fields.flags & Int(CompactLayout.NodeFlag.leftIsLeaf) != 0 {
                tree.leftChild.append(~Int32(before))
            } else {
                tree.leftChild.append(Int32(node + 1))
                leavesBefore[node + 1] = before
            }
            if fields.flags & Int(CompactLayout.NodeFlag.rightIsLeaf) != 0 {
                tree.rightChild.append(~Int32(before + fields.skip))
            } else {
                tree.rightChild.append(Int32(node + fields.skip))
                leavesBefore[node + fields.skip] = before + fields.skip
            }
        }
        tree.splitGain = [Double](repeating: 0, count: count)
        tree.nodeHessian = [Double](repeating: 0, count: count)
        tree.nodeRowCount = [UInt64](repeating: 0, count: count)
        return tree
    }
}
