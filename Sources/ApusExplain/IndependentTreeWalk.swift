/// One tree's exact Shapley values for one pair of rows: the explained row `x` and one
/// background row `z`, for the game v(S) = f(x_S, z_rest) (the "Independent TreeSHAP" of
/// Lundberg et al., "From local explanations to global understanding with explainable AI
/// for trees", 2020).
///
/// Where `x` and `z` go the same way the walk follows them. Where they part at a feature
/// not yet met on the path, it goes both ways: down `x`'s side the feature joins `A` (it
/// must be in S to reach the leaf), down `z`'s side it joins `B` (it must be out of S). A
/// leaf reached with `|A| = a`, `|B| = b` is the game "value if A ⊆ S and B ∩ S = ∅", whose
/// Shapley values are `value · (a−1)!·b!/(a+b)!` for each feature of A and
/// `−value · a!·(b−1)!/(a+b)!` for each feature of B. Every feature of A gets the same share
/// at a leaf, so the walk returns the sums of both kinds of share over a subtree and credits
/// a feature once, at the node where it parted `x` and `z`. A feature met again below takes
/// the side chosen above. Cost: the nodes visited, at most the tree's size.
struct IndependentTreeWalk {
    let nodes: UnsafePointer<FlatNode>
    let leaves: UnsafePointer<Double>
    /// The tree's route bits for `x` and `z` (bit set: goes left).
    let x: UnsafePointer<UInt64>
    var z: UnsafePointer<UInt64>
    /// Per feature: 0 not met on the path, +1 in A (follows x), −1 in B (follows z); all 0
    /// between walks.
    let side: UnsafeMutablePointer<Int8>
    let phi: UnsafeMutablePointer<Double>
    /// ``IndependentShapleyWeights/table(maxDepth:)``, `stride` columns.
    let weights: UnsafePointer<Double>
    let stride: Int

    /// Walks the subtree at `start` with `a` features in A and `b` in B; returns the sums over
    /// its leaves of the share each feature of A gets (`inX`) and each feature of B (`inZ`).
    func walk(_ start: Int32, a: Int, b: Int) -> (inX: Double, inZ: Double) {
        var node = start
        while node >= 0 {
            let n = Int(node)
            let split = nodes[n]
            let xLeft = x[n >> 6] >> UInt64(n & 63) & 1 != 0
            let zLeft = z[n >> 6] >> UInt64(n & 63) & 1 != 0
            if xLeft == zLeft {
                node = xLeft ? split.left : split.right
                continue
            }
            let feature = Int(split.feature)
            let decided = side[feature]
            if decided != 0 {
                node = (decided > 0 ? xLeft : zLeft) ? split.left : split.right
                continue
            }
            side[feature] = 1
            let viaX = walk(xLeft ? split.left : split.right, a: a + 1, b: b)
            side[feature] = -1
            let viaZ = walk(zLeft ? split.left : split.right, a: a, b: b + 1)
            side[feature] = 0
            phi[feature] += viaX.inX + viaZ.inZ
            return (viaX.inX + viaZ.inX, viaX.inZ + viaZ.inZ)
        }
        let value = leaves[Int(~node)]
        return (a > 0 ? value * weights[(a - 1) * stride + b] : 0, b > 0 ? -value * weights[a * stride + b - 1] : 0)
    }
}

enum IndependentShapleyWeights {
    /// `a!·b!/(a+b+1)!` at `a · (maxDepth + 1) + b`, for `a, b` in `0...maxDepth`: the share of
    /// one feature of A in a leaf with `a + 1` features in A and `b` in B (row `a`), or of
    /// one feature of B with `a` in A and `b + 1` in B.
    static func table(maxDepth: Int) -> [Double] {
        let stride = maxDepth + 1
        var table = [Double](repeating: 0, count: stride * stride)
        for a in 0...maxDepth {
            // a!·0!/(a+1)! = 1/(a+1); each step in b multiplies by (b+1)/(a+b+2).
            var weight = 1 / Double(a + 1)
            for b in 0...maxDepth {
                table[a * stride + b] = weight
                weight *= Double(b + 1) / Double(a + b + 2)
            }
        }
        return table
    }
}
