import ApusModel

/// SHAP interaction values leaf by leaf (the per-leaf form of ``LeafPathTree``).
///
/// Holding feature `j` known fixes its factor in the leaf's value to `o_j`, holding it
/// unknown to `p_j`, and removes it from the players; half the difference of the two games'
/// values for `i` is, for a leaf whose path holds both,
///
///     Φ_ij = v/2 · (o_i − p_i)(o_j − p_j) · Σ_{S ⊆ O∖{i,j}} w(|S|, M − 1) · Π_{k ∈ P∖{i,j}∖S} p_k,
///
/// symmetric in `i` and `j`, and 0 for a leaf whose path lacks either. With `Z` the product of
/// `p_k` outside `O` and `h(x) = Π_{k ∈ O}(x + p_k)`, this is `v/2 · Z · H(h)` when neither is
/// in `O`, `−v/2 · (1 − p_i) · Z · H(h / (x + p_i))` when only `i` is, and `v/2 · (1 − p_i)(1 −
/// p_j) · Z · H(h / ((x + p_i)(x + p_j)))` when both are, `H(q) = Σ_t w(t, M − 1) q_t`. The
/// main effect `Φ_ii` is the leaf's `φ_i` less its `Φ_ij`. Cost per leaf: `O(M² · |O|)`.
extension LeafPathForest {
    /// Adds the forest's interaction values for `rows` to `output` (`rows × scoresPerRow ×
    /// (features + 1)²`; tree `t` of the ensemble adds to score `t % scoresPerRow`).
    func explainInteractions(
        rows: Range<Int>, input: UnsafePointer<Double>, featureCount: Int,
        output: UnsafeMutablePointer<Double>, scoresPerRow: Int
    ) {
        let width = featureCount + 1, matrix = width * width
        let longest = longestPath + 1
        let masks = UnsafeMutablePointer<UInt64>.allocate(capacity: max(1, widestTree))
        let poly = UnsafeMutablePointer<Double>.allocate(capacity: longest + 1)
        // Per agreed element k: h / (x + p_k), `longest` coefficients each.
        let deflated = UnsafeMutablePointer<Double>.allocate(capacity: longest * longest)
        let pairs = UnsafeMutablePointer<Double>.allocate(capacity: longest * longest)
        let shares = UnsafeMutablePointer<Double>.allocate(capacity: longest)
        defer { masks.deallocate(); poly.deallocate(); deflated.deallocate(); pairs.deallocate(); shares.deallocate() }
        withUnsafePointers { p in
            for row in rows {
                let x = input + row * featureCount
                for t in 0..<treeIndex.count where nodeStart[t + 1] > nodeStart[t] {
                    let values = output + row * scoresPerRow * matrix + (treeIndex[t] % scoresPerRow) * matrix
                    routeMasks(t, x: x, masks: masks, p: p)
                    let internalCount = nodeStart[t + 1] - nodeStart[t]
                    for leaf in leafStart[t]..<leafStart[t + 1] {
                        let mask = masks[internalCount + leaf - leafStart[t]]
                        let start = p.pathStart[leaf], m = p.pathStart[leaf + 1] - start
                        guard m > 0 else { continue }
                        interactions(
                            leafValue: p.leafValue[leaf], mask: mask, m: m, feature: p.pathFeature + start, fraction: p.fraction + start,
                            shapley: p.weights, values: values, width: width,
                            scratch: (poly, deflated, pairs, shares, longest))
                    }
                }
            }
        }
    }

    /// One leaf's interaction values, added to `values` (one score's `(F + 1)²` matrix).
    @inline(__always)
    private func interactions(
        leafValue v: Double, mask: UInt64, m: Int, feature: UnsafePointer<Int32>, fraction: UnsafePointer<Double>,
        shapley: UnsafePointer<Double>, values: UnsafeMutablePointer<Double>, width: Int,
        scratch: (poly: UnsafeMutablePointer<Double>, deflated: UnsafeMutablePointer<Double>, pairs: UnsafeMutablePointer<Double>,
                  shares: UnsafeMutablePointer<Double>, stride: Int)
    ) {
        let (poly, deflated, pairs, shares, stride) = scratch
        let agrees = { (k: Int) -> Bool in mask >> UInt64(k) & 1 != 0 }
        // h over the agreed elements, and z over the others.
        let (z, ones) = Self.agreedPolynomial(mask: mask, fractions: fraction, count: m, into: poly)
        // h / (x + p_k) for each agreed k (degree ones − 1), from the top coefficient down.
        for k in 0..<m where agrees(k) {
            let q = deflated + k * stride, pk = fraction[k]
            var t = ones - 1
            q[t] = poly[ones]
            while t > 0 { q[t - 1] = poly[t] - pk * q[t]; t -= 1 }
        }
        // φ of each element (the weights of M players), as the per-leaf TreeSHAP gives it.
        let w = shapley + m * weights.stride
        for k in 0..<m {
            if agrees(k) {
                let q = deflated + k * stride
                var h = 0.0
                for t in 0..<ones { h += w[t] * q[t] }
                shares[k] = v * z * (1 - fraction[k]) * h
            } else {
                var h = 0.0
                for t in 0...ones { h += w[t] * poly[t] }
                shares[k] = -v * z * h
            }
        }
        guard m > 1 else {
            values[Int(feature[0]) * width + Int(feature[0])] += shares[0]
            return
        }
        // Pairs, with the weights of M − 1 players.
        let w1 = shapley + (m - 1) * weights.stride
        var neither = 0.0
        if m - ones >= 2 { for t in 0...ones { neither += w1[t] * poly[t] } }
        let half = v * z / 2
        for a in 0..<m {
            pairs[a * m + a] = 0
            for b in (a + 1)..<max(a + 1, m) {
                let value: Double
                switch (agrees(a), agrees(b)) {
                case (false, false):
                    value = half * neither
                case (true, false), (false, true):
                    let i = agrees(a) ? a : b
                    let q = deflated + i * stride
                    var h = 0.0
                    for t in 0..<ones { h += w1[t] * q[t] }
                    value = -half * (1 - fraction[i]) * h
                case (true, true):
                    // (h / (x + p_a)) / (x + p_b): degree ones − 2.
                    let q = deflated + a * stride, pb = fraction[b]
                    var h = 0.0
                    if ones >= 2 {
                        var r = q[ones - 1]
                        h = w1[ones - 2] * r
                        var t = ones - 2
                        while t > 0 { r = q[t] - pb * r; h += w1[t - 1] * r; t -= 1 }
                    }
                    value = half * (1 - fraction[a]) * (1 - fraction[b]) * h
                }
                pairs[a * m + b] = value
                pairs[b * m + a] = value
            }
        }
        for a in 0..<m {
            let fa = Int(feature[a])
            var rest = shares[a]
            for b in 0..<m where b != a {
                values[Int(feature[b]) * width + fa] += pairs[a * m + b]
                rest -= pairs[a * m + b]
            }
            values[fa * width + fa] += rest
        }
    }
}
