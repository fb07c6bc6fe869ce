import ApusModel

/// Every tree's ``LeafPathTree`` in flat arrays (one allocation each, tree after tree), and
/// the per-row computation over them.
struct LeafPathForest: Sendable {
    /// Trees in the forest: the ensemble's tree index and where its nodes and leaves start.
    let treeIndex: [Int]
    let nodeStart: [Int]
    let leafStart: [Int]
    let nodeFeature: [Int32]
    let nodeThreshold: [Double]
    let nodeFlags: [UInt8]
    let nodeBit: [UInt8]
    let nodeLeft: [Int32]
    let nodeRight: [Int32]
    /// The tree's own node index (for categorical splits, which ``Tree/goesLeft(_:value:)`` decides).
    let nodeOriginal: [Int32]
    let leafValue: [Double]
    /// Global offsets into `pathFeature`/`pathFraction`, one per leaf plus an end.
    let pathStart: [Int]
    let pathFeature: [Int32]
    let pathFraction: [Double]
    /// Where each leaf's ``LeafPathTables`` table starts in `table`, or −1 for a leaf
    /// without one; and `(1 − p) / p` of every path element of a leaf with a table.
    let tableStart: [Int]
    let table: [Double]
    let agreedScale: [Double]
    /// The most slots (internal nodes plus leaves) of one tree: the mask scratch size.
    let widestTree: Int
    let longestPath: Int
    let weights: ShapleyWeights
    let trees: [Tree]

    init(_ paths: [(index: Int, tree: LeafPathTree)], options: TreeSHAPOptions) {
        var treeIndex: [Int] = [], nodeStart = [0], leafStart = [0]
        var nodeFeature: [Int32] = [], nodeThreshold: [Double] = [], nodeFlags: [UInt8] = [], nodeBit: [UInt8] = []
        var nodeLeft: [Int32] = [], nodeRight: [Int32] = [], nodeOriginal: [Int32] = []
        var leafValue: [Double] = [], pathStart: [Int] = [], pathFeature: [Int32] = [], pathFraction: [Double] = []
        var widest = 0, longest = 0, trees: [Tree] = []
        for (index, path) in paths {
            treeIndex.append(index)
            trees.append(path.tree)
            nodeFeature += path.feature
            nodeThreshold += path.node.map { path.tree.threshold[Int($0)] }
            nodeFlags += path.node.map { path.tree.flags[Int($0)] }
            nodeBit += path.bit
            nodeLeft += path.leftSlot
            nodeRight += path.rightSlot
            nodeOriginal += path.node
            nodeStart.append(nodeFeature.count)
            leafValue += path.tree.leafValue
            leafStart.append(leafValue.count)
            let base = pathFeature.count
            pathStart += path.pathStart.dropLast().map { base + Int($0) }
            pathFeature += path.pathFeature
            pathFraction += path.pathFraction
            widest = max(widest, path.internalCount + path.leafCount)
            longest = max(longest, path.longestPath)
        }
        pathStart.append(pathFeature.count)
        let weights = ShapleyWeights(longestPath: longest)
        var tableStart = [Int](repeating: -1, count: leafValue.count), table: [Double] = []
        var agreedScale = [Double](repeating: 0, count: pathFeature.count)
        weights.weights.withUnsafeBufferPointer { w in
            for leaf in 0..<leafValue.count {
                let fractions = pathFraction[pathStart[leaf]..<pathStart[leaf + 1]]
                let m = fractions.count
                guard m > 0, m <= options.tableBits, (table.count + (1 << m)) * MemoryLayout<Double>.size <= options.tableBudgetBytes,
                      fractions.allSatisfy({ $0 > 0 }) else { continue }
                tableStart[leaf] = table.count
                LeafPathTables.append(leafValue: leafValue[leaf], fractions: fractions, weights: w.baseAddress! + m * weights.stride, to: &table)
                for k in fractions.indices { agreedScale[k] = (1 - fractions[k]) / fractions[k] }
            }
        }
        // One padding element each, so that no array is empty and every base address exists.
        nodeFeature.append(0); nodeThreshold.append(0); nodeFlags.append(0); nodeBit.append(0)
        nodeLeft.append(0); nodeRight.append(0); nodeOriginal.append(0); leafValue.append(0)
        pathFeature.append(0); pathFraction.append(0); tableStart.append(-1); table.append(0); agreedScale.append(0)
        self.treeIndex = treeIndex
        self.nodeStart = nodeStart
        self.leafStart = leafStart
        self.nodeFeature = nodeFeature
        self.nodeThreshold = nodeThreshold
        self.nodeFlags = nodeFlags
        self.nodeBit = nodeBit
        self.nodeLeft = nodeLeft
        self.nodeRight = nodeRight
        self.nodeOriginal = nodeOriginal
        self.leafValue = leafValue
        self.pathStart = pathStart
        self.pathFeature = pathFeature
        self.pathFraction = pathFraction
        widestTree = widest
        longestPath = longest
        self.weights = weights
        self.tableStart = tableStart
        self.table = table
        self.agreedScale = agreedScale
        self.trees = trees
    }

    /// Adds the forest's contributions for `rows` to `output` (`rows × group` values; tree
    /// `t` of the ensemble adds to score `t % scoresPerRow`, at `score * width`).
    func explain(
        rows: Range<Int>, input: UnsafePointer<Double>, featureCount: Int,
        output: UnsafeMutablePointer<Double>, scoresPerRow: Int
    ) {
        let width = featureCount + 1, group = scoresPerRow * width
        let masks = UnsafeMutablePointer<UInt64>.allocate(capacity: max(1, widestTree))
        let poly = UnsafeMutablePointer<Double>.allocate(capacity: longestPath + 2)
        defer { masks.deallocate(); poly.deallocate() }
        withUnsafePointers { p in
            for row in rows {
                let x = input + row * featureCount
                for forestTree in 0..<treeIndex.count {
                    let phi = output + row * group + (treeIndex[forestTree] % scoresPerRow) * width
                    explainTree(forestTree, x: x, phi: phi, masks: masks, poly: poly, p: p)
                }
            }
        }
    }

    @inline(__always)
    private func explainTree(
        _ t: Int, x: UnsafePointer<Double>, phi: UnsafeMutablePointer<Double>,
        masks: UnsafeMutablePointer<UInt64>, poly: UnsafeMutablePointer<Double>, p: Pointers
    ) {
        let internalCount = nodeStart[t + 1] - nodeStart[t]
        guard internalCount > 0 else { return }
        routeMasks(t, x: x, masks: masks, p: p)
        let firstLeaf = leafStart[t], leafCount = leafStart[t + 1] - firstLeaf
        let stride = weights.stride
        for l in 0..<leafCount {
            let leaf = firstLeaf + l
            let mask = masks[internalCount + l]
            let start = p.pathStart[leaf], m = p.pathStart[leaf + 1] - start
            guard m > 0 else { continue }
            let feature = p.pathFeature + start
            let tableStart = p.tableStart[leaf]
            if tableStart >= 0 {
                let table = p.table + tableStart, scale = p.agreedScale + start
                let full = UInt64(1) << UInt64(m) - 1, agreed = mask & full
                let disagreedShare = -table[Int(agreed)]
                for k in 0..<m {
                    let bit = UInt64(1) << UInt64(k)
                    phi[Int(feature[k])] += agreed & bit != 0 ? scale[k] * table[Int(agreed ^ bit)] : disagreedShare
                }
                continue
            }
            let value = p.leafValue[leaf]
            let fraction = p.fraction + start
            let w = p.weights + m * stride
            let (z, ones) = Self.agreedPolynomial(mask: mask, fractions: fraction, count: m, into: poly)
            let scale = value * z
            if ones < m {
                var h = 0.0
                for t in 0...ones { h += w[t] * poly[t] }
                let share = -scale * h
                for k in 0..<m where mask >> UInt64(k) & 1 == 0 { phi[Int(feature[k])] += share }
            }
            guard ones > 0 else { continue }
            for k in 0..<m where mask >> UInt64(k) & 1 != 0 {
                let pk = fraction[k]
                // q = h / (x + p_k), from the top coefficient down.
                var q = poly[ones], h = w[ones - 1] * q
                var t = ones - 1
                while t > 0 { q = poly[t] - pk * q; h += w[t - 1] * q; t -= 1 }
                phi[Int(feature[k])] += scale * (1 - pk) * h
            }
        }
    }

    /// The coefficients of h(x) = Π over the agreed elements (x + p_j), written to `poly`
    /// (`ones + 1` of them), and z = Π over the other elements p_j, for a leaf's `count`
    /// path elements of which `mask` marks the agreed.
    @inline(__always)
    static func agreedPolynomial(
        mask: UInt64, fractions: UnsafePointer<Double>, count m: Int, into poly: UnsafeMutablePointer<Double>
    ) -> (z: Double, ones: Int) {
        var z = 1.0, ones = 0
        poly[0] = 1
        for k in 0..<m {
            let pk = fractions[k]
            if mask >> UInt64(k) & 1 != 0 {
                ones += 1
                poly[ones] = poly[ones - 1]
                var t = ones - 1
                while t > 0 { poly[t] = poly[t - 1] + pk * poly[t]; t -= 1 }
                poly[0] *= pk
            } else {
                z *= pk
            }
        }
        return (z, ones)
    }

    /// The row's mask of every slot of tree `t` (internal nodes, then leaves): which of the
    /// path's distinct features the row agrees with, one bit each.
    @inline(__always)
    func routeMasks(_ t: Int, x: UnsafePointer<Double>, masks: UnsafeMutablePointer<UInt64>, p: Pointers) {
        let firstNode = nodeStart[t], internalCount = nodeStart[t + 1] - firstNode
        masks[0] = ~0
        let defaultLeft = Tree.Flags.defaultLeft.rawValue, categorical = Tree.Flags.categorical.rawValue
        for n in 0..<internalCount {
            let g = firstNode + n
            let mask = masks[n]
            let value = x[Int(p.feature[g])]
            let flags = p.flags[g]
            let left: Bool
            if value.isNaN {
                left = flags & defaultLeft != 0
            } else if flags & categorical == 0 {
                left = value <= p.threshold[g]
            } else {
                left = trees[t].goesLeft(Int(p.original[g]), value: value)
            }
            let cleared = mask & ~(UInt64(1) << UInt64(p.bit[g]))
            masks[Int(p.left[g])] = left ? mask : cleared
            masks[Int(p.right[g])] = left ? cleared : mask
        }
    }

    /// Base pointers of the flat arrays, valid inside ``withUnsafePointers(_:)``.
    struct Pointers {
        let feature: UnsafePointer<Int32>
        let threshold: UnsafePointer<Double>
        let flags: UnsafePointer<UInt8>
        let bit: UnsafePointer<UInt8>
        let left: UnsafePointer<Int32>
        let right: UnsafePointer<Int32>
        let original: UnsafePointer<Int32>
        let leafValue: UnsafePointer<Double>
        let pathStart: UnsafePointer<Int>
        let pathFeature: UnsafePointer<Int32>
        let fraction: UnsafePointer<Double>
        let weights: UnsafePointer<Double>
        let tableStart: UnsafePointer<Int>
        let table: UnsafePointer<Double>
        let agreedScale: UnsafePointer<Double>
    }

    func withUnsafePointers(_ body: (Pointers) -> Void) {
        nodeFeature.withUnsafeBufferPointer { feature in
        nodeThreshold.withUnsafeBufferPointer { threshold in
        nodeFlags.withUnsafeBufferPointer { flags in
        nodeBit.withUnsafeBufferPointer { bit in
        nodeLeft.withUnsafeBufferPointer { left in
        nodeRight.withUnsafeBufferPointer { right in
        nodeOriginal.withUnsafeBufferPointer { original in
        leafValue.withUnsafeBufferPointer { leafValue in
        pathStart.withUnsafeBufferPointer { pathStart in
        pathFeature.withUnsafeBufferPointer { pathFeature in
        pathFraction.withUnsafeBufferPointer { fraction in
        weights.weights.withUnsafeBufferPointer { weights in
        tableStart.withUnsafeBufferPointer { tableStart in
        table.withUnsafeBufferPointer { table in
        agreedScale.withUnsafeBufferPointer { agreedScale in
            // Every array ends with one padding element (see init), so none is empty.
            body(Pointers(
                feature: feature.baseAddress!, threshold: threshold.baseAddress!, flags: flags.baseAddress!,
                bit: bit.baseAddress!, left: left.baseAddress!, right: right.baseAddress!, original: original.baseAddress!,
                leafValue: leafValue.baseAddress!, pathStart: pathStart.baseAddress!, pathFeature: pathFeature.baseAddress!,
                fraction: fraction.baseAddress!, weights: weights.baseAddress!, tableStart: tableStart.baseAddress!,
                table: table.baseAddress!, agreedScale: agreedScale.baseAddress!))
        }}}}}}}}}}}}}}}
    }
}
