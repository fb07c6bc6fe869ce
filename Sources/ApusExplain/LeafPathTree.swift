import ApusModel

/// One tree prepared for the per-leaf form of path-dependent TreeSHAP.
///
/// TreeSHAP credits each leaf's value to the distinct features on the leaf's path. For a
/// leaf with value `v` whose path holds `M` distinct features, feature `j` with cover
/// fraction `p_j` (the product of the fractions of cover passing each of its splits on
/// the path) and `o_j` = 1 when the row takes the path's side at every one of its
/// splits, else 0, the leaf gives feature `i`
///
///     v · (o_i − p_i) · Σ_{S ⊆ O∖{i}} w(|S|, M) · Π_{j ∈ P∖S∖{i}} p_j,
///     w(k, M) = k! (M − k − 1)! / M!,
///
/// where `O` is the set of features with `o_j` = 1 (terms with a `j ∉ O` in `S` vanish).
/// With `Z` the product of `p_j` over the features not in `O` and `h(x) = Π_{j ∈ O}(x +
/// p_j)`, whose coefficient of `x^k` is the sum over the `k`-subsets `S` of `O` of the
/// product of `p_j` over `O∖S`, this is `−v · Z · Σ_k w(k, M) h_k` for every `i ∉ O`, and
/// `v · (1 − p_i) · Z · Σ_k w(k, M) q_k` for `i ∈ O`, where `q = h / (x + p_i)`. Both need
/// only multiplications and additions (no divisions), and the leaf costs `O(|O| · M)`;
/// Lundberg et al.'s recursion, which extends and unwinds the path at every node, gives
/// the same numbers.
///
/// The row's `O` of every leaf comes from one pass over the internal nodes in an order
/// where parents precede children, carrying a bit mask: each node clears the bit of its
/// feature for the child the row does not take.
struct LeafPathTree: Sendable {
    /// Internal nodes in preorder (parents before children): the tree's node index, the
    /// split feature, the bit of that feature in the path's distinct features, and the
    /// slots of the children (internal nodes by preorder position, then leaf `l` at
    /// `internalCount + l`).
    let node: [Int32]
    let feature: [Int32]
    let bit: [UInt8]
    let leftSlot: [Int32]
    let rightSlot: [Int32]
    /// Leaf `l`'s distinct path features and their cover fractions are
    /// `pathFeature[pathStart[l]..<pathStart[l + 1]]` (bit `k` of the mask is element `k`).
    let pathStart: [Int32]
    let pathFeature: [Int32]
    let pathFraction: [Double]
    let internalCount: Int
    let leafCount: Int
    /// The largest number of distinct features on one path.
    let longestPath: Int
    let tree: Tree

    /// The paths of `explained`, or nil when one holds more than 64 distinct features (the
    /// mask's width; such a tree is explained by the recursion).
    init?(_ explained: ExplainedTree) {
        let tree = explained.tree
        let internalCount = explained.internalCount
        self.tree = tree
        self.internalCount = internalCount
        leafCount = tree.leafCount
        var builder = Builder(internalCount: internalCount, leafCount: tree.leafCount)
        if internalCount > 0 {
            _ = builder.visit(0, explained)
            guard !builder.overflow else { return nil }
        }
        // The leaves' paths, in leaf order.
        var pathStart = [Int32](repeating: 0, count: tree.leafCount + 1)
        var pathFeature: [Int32] = [], pathFraction: [Double] = []
        pathFeature.reserveCapacity(builder.leafFeature.count)
        pathFraction.reserveCapacity(builder.leafFeature.count)
        var longest = 0
        for leaf in 0..<tree.leafCount {
            pathStart[leaf] = Int32(pathFeature.count)
            let range = builder.leafRange[leaf]
            pathFeature += builder.leafFeature[range]
            pathFraction += builder.leafFraction[range]
            longest = max(longest, range.count)
        }
        pathStart[tree.leafCount] = Int32(pathFeature.count)
        let (node, feature, bit, leftSlot, rightSlot) = (builder.node, builder.feature, builder.bit, builder.leftSlot, builder.rightSlot)
        self.node = node
        self.feature = feature
        self.bit = bit
        self.leftSlot = leftSlot
        self.rightSlot = rightSlot
        self.pathStart = pathStart
        self.pathFeature = pathFeature
        self.pathFraction = pathFraction
        longestPath = longest
    }
}

/// The depth-first walk that numbers a tree's internal nodes in preorder and records each
/// leaf's distinct path features.
private struct Builder {
    let internalCount: Int
    var node: [Int32] = [], feature: [Int32] = [], bit: [UInt8] = []
    var leftSlot: [Int32] = [], rightSlot: [Int32] = []
    /// The distinct features from the root to the node being visited, with their fractions.
    var pathFeature: [Int32] = [], pathFraction: [Double] = []
    /// Each leaf's path, in visiting order, and where it is.
    var leafFeature: [Int32] = [], leafFraction: [Double] = []
    var leafRange: [Range<Int>]
    /// A path with more than 64 distinct features was met.
    var overflow = false

    init(internalCount: Int, leafCount: Int) {
        self.internalCount = internalCount
        leafRange = Array(repeating: 0..<0, count: leafCount)
        node.reserveCapacity(internalCount)
    }

    /// Visits `slot` (an ``ExplainedTree`` slot) and returns its slot in the new numbering.
    mutating func visit(_ slot: Int32, _ tree: ExplainedTree) -> Int32 {
        let slot = Int(slot)
        if slot >= internalCount {
            let start = leafFeature.count
            leafFeature += pathFeature
            leafFraction += pathFraction
            leafRange[slot - internalCount] = start..<leafFeature.count
            return Int32(slot)
        }
        let split = tree.tree.splitFeature[slot]
        let existing = pathFeature.firstIndex(of: split)
        let index = existing ?? pathFeature.count
        guard index < 64 else { overflow = true; return 0 }
        if existing == nil { pathFeature.append(split); pathFraction.append(1) }
        let here = node.count
        node.append(Int32(slot))
        feature.append(split)
        bit.append(UInt8(index))
        leftSlot.append(-1)
        rightSlot.append(-1)
        let saved = pathFraction[index]
        pathFraction[index] = saved * tree.leftFraction[slot]
        let left = visit(tree.left[slot], tree)
        pathFraction[index] = saved * tree.rightFraction[slot]
        let right = visit(tree.right[slot], tree)
        if existing == nil { pathFeature.removeLast(); pathFraction.removeLast() } else { pathFraction[index] = saved }
        leftSlot[here] = left
        rightSlot[here] = right
        return Int32(here)
    }
}

/// Shapley weights `w(k, m) = k! (m − k − 1)! / m!` for `m` up to a path length, at
/// `weights[m * stride + k]`.
struct ShapleyWeights: Sendable {
    let stride: Int
    let weights: [Double]

    init(longestPath: Int) {
        stride = longestPath + 1
        var weights = [Double](repeating: 0, count: stride * stride)
        for m in 1..<max(2, stride) where m < stride {
            var w = 1 / Double(m)
            for k in 0..<m {
                weights[m * stride + k] = w
                if k + 1 < m { w *= Double(k + 1) / Double(m - k - 1) }
            }
        }
        self.weights = weights
    }
}
