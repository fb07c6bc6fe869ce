/// The ensemble's trees packed for prediction: every internal node of every tree in one
/// contiguous array of 24-byte nodes, children as global indices, leaf values in one
/// array. A traversal touches one node per level and nothing else.
struct PackedForest: Sendable {
    /// One internal node. For a categorical node, `threshold`'s bit pattern holds the
    /// start (high 32 bits) and word count (low 32 bits) of its level set in `words`.
    struct Node {
        var threshold: Double
        var feature: Int32
        var flags: UInt32
        /// `>= 0`: a global node index; `< 0`: global leaf `~child`. Right first, so
        /// that the child is the word at byte 16 + 4 × (goes left).
        var right: Int32
        var left: Int32
    }

    let nodes: [Node]
    let leafValues: [Double]
    let words: [UInt32]
    /// Each tree's root, encoded as a child.
    let roots: [Int32]
    /// Whether any node splits a categorical feature (else the numeric-only walk is used).
    let hasCategorical: Bool
    /// Each node's expected value, for path contributions (see ``expectedValues(of:)``).
    let expectedValues: [Double]

    init(trees: [Tree]) {
        var nodes: [Node] = []
        var leafValues: [Double] = []
        var words: [UInt32] = []
        var roots: [Int32] = []
        for tree in trees {
            let nodeBase = Int32(nodes.count), leafBase = Int32(leafValues.count)
            let wordBase = UInt64(words.count)
            let global = { (child: Int32) -> Int32 in child >= 0 ? child + nodeBase : ~(~child + leafBase) }
            roots.append(tree.internalNodeCount == 0 ? ~leafBase : nodeBase)
            for node in 0..<tree.internalNodeCount {
                var threshold = tree.threshold[node]
                if tree.isCategorical(node) {
                    let start = wordBase + UInt64(tree.categoryStart[node])
                    threshold = Double(bitPattern: start << 32 | UInt64(tree.categoryWordCount[node]))
                }
                nodes.append(Node(
                    threshold: threshold, feature: tree.splitFeature[node], flags: UInt32(tree.flags[node]),
                    right: global(tree.rightChild[node]), left: global(tree.leftChild[node])))
            }
            leafValues.append(contentsOf: tree.leafValue)
            words.append(contentsOf: tree.categoryWords)
        }
        self.nodes = nodes
        self.leafValues = leafValues
        self.words = words
        self.roots = roots
        self.hasCategorical = nodes.contains { $0.flags & 2 != 0 }
        self.expectedValues = Self.expectedValues(of: trees)
        // The walks read a child at byte 16 + 4 × (goes left).
        precondition(MemoryLayout<Node>.offset(of: \Node.right) == 16 && MemoryLayout<Node>.offset(of: \Node.left) == 20)
    }
}

extension PackedForest {
    /// Adds the trees' leaf values to `scores` for `rows` feature-matrix rows.
    ///
    /// Trees are the outer loop over a block of rows, so a tree's nodes stay in cache
    /// while the block passes through it; each row still sums its trees in order, so the
    /// result does not depend on the block size.
    ///
    /// - Parameters:
    ///   - features: `rows × featureCount` values, row-major.
    ///   - scores: `rows × scoresPerRow` raw scores to add to.
    ///   - treeLimit: Use trees `0..<treeLimit`.
    func accumulate(
        features: UnsafePointer<Double>, featureCount: Int, rows: Int,
        scores: UnsafeMutablePointer<Double>, scoresPerRow: Int, treeLimit: Int
    ) {
        nodes.withUnsafeBufferPointer { nodes in
            leafValues.withUnsafeBufferPointer { leafValues in
                words.withUnsafeBufferPointer { words in
                    roots.withUnsafeBufferPointer { roots in
                        let nodes = nodes.baseAddress!, leafValues = leafValues.baseAddress!
                        let words = words.baseAddress
                        let blockRows = 64
                        let numericOnly = !hasCategorical
                        let leaves = UnsafeMutablePointer<Int32>.allocate(capacity: Self.lanes)
                        defer { leaves.deallocate() }
                        var blockStart = 0
                        while blockStart < rows {
                            let blockEnd = min(rows, blockStart + blockRows)
                            // A numeric forest's walk skips the missing-value test on a block
                            // without missing values.
                            var complete = numericOnly
                            if numericOnly {
                                for index in blockStart &* featureCount ..< blockEnd &* featureCount where features[index].isNaN {
                                    complete = false
                                    break
                                }
                            }
                            for tree in 0..<treeLimit {
                                let root = roots[tree]
                                let scoreOffset = tree % scoresPerRow
                                if root < 0 {
                                    let value = leafValues[Int(~root)]
                                    for row in blockStart..<blockEnd { scores[row &* scoresPerRow &+ scoreOffset] += value }
                                    continue
                                }
                                // Eight rows at a time: eight independent walks keep the
                                // core busy while each waits for its next node.
                                var row = blockStart
                                while row &+ Self.lanes <= blockEnd {
                                    let block = features + row &* featureCount
                                    if numericOnly && complete {
                                        Self.walk(root: root, rows: block, featureCount: featureCount, leaves: leaves) {
                                            Self.completeStep($0, $1, nodes)
                                        }
                                    } else if numericOnly {
                                        Self.walk(root: root, rows: block, featureCount: featureCount, leaves: leaves) {
                                            Self.numericStep($0, $1, nodes)
                                        }
                                    } else {
                                        Self.walk(root: root, rows: block, featureCount: featureCount, leaves: leaves) {
                                            Self.mixedStep($0, $1, nodes, words!)
                                        }
                                    }
                                    for lane in 0..<Self.lanes {
                                        scores[(row &+ lane) &* scoresPerRow &+ scoreOffset] += leafValues[Int(~leaves[lane])]
                                    }
                                    row &+= Self.lanes
                                }
                                while row < blockEnd {
                                    let rowValues = features + row &* featureCount
                                    var child = root
                                    repeat { child = Self.step(child, rowValues, nodes, words) } while child >= 0
                                    scores[row &* scoresPerRow &+ scoreOffset] += leafValues[Int(~child)]
                                    row &+= 1
                                }
                            }
                            blockStart = blockEnd
                        }
                    }
                }
            }
        }
    }

    /// Rows walked together (``walk(root:rows:featureCount:leaves:step:)`` is written out for eight).
    static let lanes = 8

    /// Walks `lanes` consecutive feature-matrix rows down one tree together, one level per
    /// `step` for all of them (a finished walk steps from node 0 and keeps its leaf), and
    /// writes each row's leaf (as `~leaf`) to `leaves`. (Handing a finished lane the next
    /// row instead was measured slower.)
    @inline(__always)
    static func walk(
        root: Int32, rows: UnsafePointer<Double>, featureCount: Int, leaves: UnsafeMutablePointer<Int32>,
        step: (Int32, UnsafePointer<Double>) -> Int32
    ) {
        // Eight named positions, so they stay in registers (a loop over an array of
        // them, or a SIMD vector, was measured slower).
        let r0 = rows, r1 = r0 + featureCount, r2 = r1 + featureCount, r3 = r2 + featureCount
        let r4 = r3 + featureCount, r5 = r4 + featureCount, r6 = r5 + featureCount, r7 = r6 + featureCount
        var c0 = root, c1 = root, c2 = root, c3 = root, c4 = root, c5 = root, c6 = root, c7 = root
        while (c0 & c1 & c2 & c3 & c4 & c5 & c6 & c7) >= 0 {
            let n0 = step(max(c0, 0), r0), n1 = step(max(c1, 0), r1)
            let n2 = step(max(c2, 0), r2), n3 = step(max(c3, 0), r3)
            let n4 = step(max(c4, 0), r4), n5 = step(max(c5, 0), r5)
            let n6 = step(max(c6, 0), r6), n7 = step(max(c7, 0), r7)
            c0 = c0 < 0 ? c0 : n0
            c1 = c1 < 0 ? c1 : n1
            c2 = c2 < 0 ? c2 : n2
            c3 = c3 < 0 ? c3 : n3
            c4 = c4 < 0 ? c4 : n4
            c5 = c5 < 0 ? c5 : n5
            c6 = c6 < 0 ? c6 : n6
            c7 = c7 < 0 ? c7 : n7
        }
        leaves[0] = c0; leaves[1] = c1; leaves[2] = c2; leaves[3] = c3
        leaves[4] = c4; leaves[5] = c5; leaves[6] = c6; leaves[7] = c7
    }

    /// ``numericStep(_:_:_:)`` for a row with no missing value.
    @inline(__always)
    static func completeStep(_ child: Int32, _ rowValues: UnsafePointer<Double>, _ nodes: UnsafePointer<Node>) -> Int32 {
        let node = nodes + Int(child)
        let left = rowValues[Int(node.pointee.feature)] <= node.pointee.threshold ? 1 : 0
        return UnsafeRawPointer(node).load(fromByteOffset: 16 &+ 4 &* left, as: Int32.self)
    }

    /// The child a row at numeric node `child` goes to, without branching on the row's
    /// value: left when `value <= threshold`, or when it is NaN and missing goes left.
    @inline(__always)
    static func numericStep(_ child: Int32, _ rowValues: UnsafePointer<Double>, _ nodes: UnsafePointer<Node>) -> Int32 {
        let node = nodes + Int(child)
        let value = rowValues[Int(node.pointee.feature)]
        let below: UInt32 = value <= node.pointee.threshold ? 1 : 0
        let missing: UInt32 = value.isNaN ? 1 : 0
        let left = (below | (missing & node.pointee.flags)) & 1
        // The child is read at an offset chosen by the comparison: no branch to mispredict.
        return UnsafeRawPointer(node).load(fromByteOffset: 16 &+ 4 &* Int(left), as: Int32.self)
    }

    /// The child a row at node `child` goes to, numeric or categorical, with as few
    /// branches on the row's value as the categorical case allows. (Skipping the
    /// missing-value test for complete rows, as numeric forests do, measured no faster here.)
    @inline(__always)
    static func mixedStep(
        _ child: Int32, _ rowValues: UnsafePointer<Double>, _ nodes: UnsafePointer<Node>, _ words: UnsafePointer<UInt32>
    ) -> Int32 {
        let node = nodes + Int(child)
        let flags = node.pointee.flags
        guard flags & 2 != 0 else { return numericStep(child, rowValues, nodes) }
        let value = rowValues[Int(node.pointee.feature)]
        let packed = node.pointee.threshold.bitPattern
        let start = Int(packed >> 32), wordCount = Int(packed & 0xFFFF_FFFF)
        // Codes outside the level set (negative, huge or NaN) read bit 0 of the set's
        // first word and are then overruled below.
        let inRange = value >= 0 && value < Double(wordCount &* 32)
        let code = inRange ? Int(value) : 0
        let bit = (words[start &+ (code >> 5)] >> UInt32(code & 31)) & (inRange ? 1 : 0)
        let left: UInt32 = value.isNaN ? flags & 1 : value < 0 ? (flags >> 2) & 1 : bit
        return UnsafeRawPointer(node).load(fromByteOffset: 16 &+ 4 &* Int(left), as: Int32.self)
    }

    /// The child a row at internal node `child` goes to.
    @inline(__always)
    static func step(
        _ child: Int32, _ rowValues: UnsafePointer<Double>, _ nodes: UnsafePointer<Node>, _ words: UnsafePointer<UInt32>?
    ) -> Int32 {
        let node = nodes[Int(child)]
        return goesLeft(node, value: rowValues[Int(node.feature)], words: words) ? node.left : node.right
    }

    @inline(__always)
    static func goesLeft(_ node: Node, value: Double, words: UnsafePointer<UInt32>?) -> Bool {
        if node.flags & 2 == 0 {
            // Numeric: NaN fails every comparison, so test it only when the split is
            // not taken.
            if value <= node.threshold { return true }
            return value.isNaN && node.flags & 1 != 0
        }
        if value.isNaN { return node.flags & 1 != 0 }
        if value < 0 { return node.flags & 4 != 0 }
        if value >= 4_294_967_296 { return false }
        let packed = node.threshold.bitPattern
        let code = Int(value)
        let word = code >> 5
        guard word < Int(packed & 0xFFFF_FFFF) else { return false }
        return words![Int(packed >> 32) &+ word] & (1 << UInt32(code & 31)) != 0
    }
}
