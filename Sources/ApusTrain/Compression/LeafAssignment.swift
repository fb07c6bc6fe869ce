import ApusModel

/// The leaf every row reaches in every tree, computed once so that pruning can evaluate
/// a tree's contribution to all rows without walking it again.
///
/// The result is tree-major (`trees × rows`: the leaves of tree `t` are
/// `[t × rows, (t + 1) × rows)`), in the narrowest unsigned type `Leaf` that holds every
/// tree's leaf count (the caller picks it).
enum LeafAssignment {
    /// One internal node, its children global (`>= 0`: a node of the same forest) or a
    /// leaf of its own tree (`~leaf`).
    private struct Node {
        var threshold: Double
        var feature: Int32
        var flags: UInt32
        var left: Int32
        var right: Int32
        var wordStart: UInt32
        var wordCount: UInt32
    }

    /// Rows per block: a block's feature rows stay in cache while every tree walks them.
    private static let blockRows = 256

    /// The leaf of every row in every tree.
    ///
    /// - Parameters:
    ///   - features: `rows × featureCount` values, row-major; every split feature of
    ///     `trees` is below `featureCount` (TreeEnsemble checked it).
    ///   - threads: Blocks of rows run on up to this many threads; each writes only its
    ///     own rows, so the result does not depend on the count.
    static func leaves<Leaf: FixedWidthInteger & UnsignedInteger & Sendable>(
        of trees: [Tree], features: [Double], featureCount: Int, rows: Int, threads: Int, as _: Leaf.Type
    ) -> [Leaf] {
        let (nodes, words, roots) = packed(trees)
        var result = [Leaf](repeating: 0, count: trees.count * rows)
        guard !result.isEmpty else { return result }
        let blocks = (rows + blockRows - 1) / blockRows
        result.withUnsafeMutableBufferPointer { output in
            let output = UnsafeSendable(output.baseAddress!)
            ParallelLoop.forEach(count: blocks, threads: threads) { block in
                let start = block * blockRows, end = min(rows, start + blockRows)
                nodes.withUnsafeBufferPointer { nodes in
                    words.withUnsafeBufferPointer { words in
                        features.withUnsafeBufferPointer { features in
                            for (tree, root) in roots.enumerated() where root >= 0 {
                                let column = output.pointer + tree * rows
                                for row in start..<end {
                                    let values = features.baseAddress! + row &* featureCount
                                    var child = root
                                    repeat {
                                        let node = nodes[Int(child)]
                                        child = goesLeft(node, value: values[Int(node.feature)], words: words) ? node.left : node.right
                                    } while child >= 0
                                    column[row] = Leaf(truncatingIfNeeded: ~child)
                                }
                            }
                        }
                    }
                }
            }
        }
        return result
    }

    /// Every tree's internal nodes in one array, children global; each tree's root (−1
    /// for a tree that is one leaf); the level sets.
    private static func packed(_ trees: [Tree]) -> (nodes: [Node], words: [UInt32], roots: [Int32]) {
        var (nodes, words, roots): ([Node], [UInt32], [Int32]) = ([], [], [])
        for tree in trees {
            let base = Int32(nodes.count), wordBase = UInt32(words.count)
            roots.append(tree.internalNodeCount == 0 ? -1 : base)
            for node in 0..<tree.internalNodeCount {
                let global = { (child: Int32) in child >= 0 ? child + base : child }
                nodes.append(Node(
                    threshold: tree.threshold[node], feature: tree.splitFeature[node], flags: UInt32(tree.flags[node]),
                    left: global(tree.leftChild[node]), right: global(tree.rightChild[node]),
                    wordStart: wordBase + tree.categoryStart[node], wordCount: tree.categoryWordCount[node]))
            }
            words.append(contentsOf: tree.categoryWords)
        }
        return (nodes, words, roots)
    }

    /// Whether a row whose split-feature value is `value` goes left (``Tree/goesLeft(_:value:)``).
    @inline(__always)
    private static func goesLeft(_ node: Node, value: Double, words: UnsafeBufferPointer<UInt32>) -> Bool {
        if value.isNaN { return node.flags & 1 != 0 }
        if node.flags & 2 == 0 { return value <= node.threshold }
        if value < 0 { return node.flags & 4 != 0 }
        if value >= 4_294_967_296 { return false }
        let code = Int(value)
        let word = code >> 5
        guard word < Int(node.wordCount) else { return false }
        return words[Int(node.wordStart) + word] & (1 << UInt32(code & 31)) != 0
    }
}
