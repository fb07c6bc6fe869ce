extension CompactForest {
    /// Adds every tree's leaf values to `scores` (`rows × scoresPerRow`) for `rows`
    /// feature-matrix rows (`rows × featureCount`, row-major).
    ///
    /// As ``PackedForest``: trees are the outer loop over a block of rows, so a tree's
    /// nodes stay in cache while the block passes through it, and eight rows walk a tree
    /// together; each row still sums its trees in order, so the result is the one
    /// ``TreeEnsemble`` computes.
    func accumulate(features: UnsafePointer<Double>, rows: Int, scores: UnsafeMutablePointer<Double>) {
        switch (nodeFormat, quantization) {
        case (.wide, _): accumulate(WideNodes.self, Float64Leaves.self, features: features, rows: rows, scores: scores)
        case (.packed32, .i8): accumulate(Packed32Nodes.self, Int8Leaves.self, features: features, rows: rows, scores: scores)
        case (.packed32, _): accumulate(Packed32Nodes.self, Float16Leaves.self, features: features, rows: rows, scores: scores)
        case (.packed64, .i8): accumulate(Packed64Nodes.self, Int8Leaves.self, features: features, rows: rows, scores: scores)
        case (.packed64, _): accumulate(Packed64Nodes.self, Float16Leaves.self, features: features, rows: rows, scores: scores)
        }
    }

    /// Rows walked together (``walk(rows:featureCount:leaves:step:)`` is written out for eight).
    static let lanes = 8
    /// Rows per block.
    static let blockRows = 64

    private func accumulate<Nodes: CompactNodeReading, Leaves: CompactLeafReading>(
        _: Nodes.Type, _: Leaves.Type, features: UnsafePointer<Double>, rows: Int, scores: UnsafeMutablePointer<Double>
    ) {
        let width = featureCount, k = scoresPerRow
        let fields = self.fields, thresholds = self.thresholds, leaves = self.leaves, scales = leafScales
        let reached = UnsafeMutablePointer<Int>.allocate(capacity: Self.lanes)
        defer { reached.deallocate() }
        var blockStart = 0
        while blockStart < rows {
            let blockEnd = min(rows, blockStart &+ Self.blockRows)
            for tree in 0..<treeCount {
                let first = treeStart(tree), nodeCount = treeStart(tree &+ 1) &- first
                // A tree of n nodes has n + 1 leaves: tree t's leaves start at its first node + t.
                let leafBase = first &+ tree
                let scoreOffset = tree % k
                if nodeCount == 0 {
                    let value = Leaves.value(leafBase, tree: tree, leaves, scales)
                    for row in blockStart..<blockEnd { scores[row &* k &+ scoreOffset] += value }
                    continue
                }
                let treeNodes = nodes + first &* Nodes.size
                let step = { (state: Int64, row: UnsafePointer<Double>) -> Int64 in
                    self.step(state, row, Nodes.self, treeNodes, fields, thresholds)
                }
                var row = blockStart
                while row &+ Self.lanes <= blockEnd {
                    Self.walk(rows: features + row &* width, featureCount: width, leaves: reached, step: step)
                    for lane in 0..<Self.lanes {
                        scores[(row &+ lane) &* k &+ scoreOffset] += Leaves.value(leafBase &+ reached[lane], tree: tree, leaves, scales)
                    }
                    row &+= Self.lanes
                }
                while row < blockEnd {
                    let values = features + row &* width
                    var state: Int64 = 0
                    repeat { state = step(state, values) } while state >= 0
                    scores[row &* k &+ scoreOffset] += Leaves.value(leafBase &+ Self.leaf(of: state), tree: tree, leaves, scales)
                    row &+= 1
                }
            }
            blockStart = blockEnd
        }
    }

    /// The leaf a finished walk's state reached (see the type's documentation).
    @inline(__always)
    static func leaf(of state: Int64) -> Int { Int(state &>> 32 & 0x7FFF_FFFF) }

    /// The state after one step from `state`'s node for the row at `row`.
    @inline(__always)
    private func step<Nodes: CompactNodeReading>(
        _ state: Int64, _ row: UnsafePointer<Double>, _: Nodes.Type, _ nodes: UnsafeRawPointer,
        _ fields: PackedFields, _ thresholds: UnsafeRawPointer
    ) -> Int64 {
        let node = Nodes.node(Int(state & 0x7FFF_FFFF), at: nodes, fields)
        let value = row[node.feature]
        let left: Int
        if node.flags & 2 == 0 {
            // Numeric, without branching on the value: left when `value <= threshold`, or
            // when it is NaN and missing values go left.
            let below = value <= Nodes.threshold(node.payload, thresholds) ? 1 : 0
            let missing = value.isNaN ? 1 : 0
            left = (below | (missing & node.flags)) & 1
        } else {
            left = levelSetLeft(value, flags: node.flags, set: Int(node.payload))
        }
        // Bit 3 says the left child is a leaf, bit 4 the right one.
        let reachesLeaf = Int64(node.flags &>> (4 &- left) & 1)
        let move: Int64 = left != 0 ? 1 : Int64(node.skip) &* 0x1_0000_0001
        return (state &+ move) | reachesLeaf &<< 63
    }

    /// Walks eight consecutive feature-matrix rows down one tree together, one level per
    /// `step` for all of them (a finished walk steps from the root and keeps its state),
    /// and writes each row's leaf (an index into the tree's leaves) to `leaves`.
    @inline(__always)
    static func walk(
        rows: UnsafePointer<Double>, featureCount: Int, leaves: UnsafeMutablePointer<Int>,
        step: (Int64, UnsafePointer<Double>) -> Int64
    ) {
        // Eight named positions, so they stay in registers.
        let r0 = rows, r1 = r0 + featureCount, r2 = r1 + featureCount, r3 = r2 + featureCount
        let r4 = r3 + featureCount, r5 = r4 + featureCount, r6 = r5 + featureCount, r7 = r6 + featureCount
        var c0: Int64 = 0, c1: Int64 = 0, c2: Int64 = 0, c3: Int64 = 0, c4: Int64 = 0, c5: Int64 = 0, c6: Int64 = 0, c7: Int64 = 0
        while (c0 & c1 & c2 & c3 & c4 & c5 & c6 & c7) >= 0 {
            let n0 = step(c0 < 0 ? 0 : c0, r0), n1 = step(c1 < 0 ? 0 : c1, r1)
            let n2 = step(c2 < 0 ? 0 : c2, r2), n3 = step(c3 < 0 ? 0 : c3, r3)
            let n4 = step(c4 < 0 ? 0 : c4, r4), n5 = step(c5 < 0 ? 0 : c5, r5)
            let n6 = step(c6 < 0 ? 0 : c6, r6), n7 = step(c7 < 0 ? 0 : c7, r7)
            c0 = c0 < 0 ? c0 : n0
            c1 = c1 < 0 ? c1 : n1
            c2 = c2 < 0 ? c2 : n2
            c3 = c3 < 0 ? c3 : n3
            c4 = c4 < 0 ? c4 : n4
            c5 = c5 < 0 ? c5 : n5
            c6 = c6 < 0 ? c6 : n6
            c7 = c7 < 0 ? c7 : n7
        }
        leaves[0] = leaf(of: c0); leaves[1] = leaf(of: c1); leaves[2] = leaf(of: c2); leaves[3] = leaf(of: c3)
        leaves[4] = leaf(of: c4); leaves[5] = leaf(of: c5); leaves[6] = leaf(of: c6); leaves[7] = leaf(of: c7)
    }
}
