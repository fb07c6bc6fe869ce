/// Fast TreeSHAP v2's precomputation (Yang, 2021), in the per-leaf form of ``LeafPathTree``:
/// for a leaf with few distinct path features, every answer the row could need is
/// computed once, for every subset `T` of the path's features the row could agree with:
///
///     A(T) = v · Z(T) · Σ_k w(k, M) · [x^k] Π_{j ∈ T}(x + p_j),   Z(T) = Π_{j ∉ T} p_j.
///
/// A row agreeing with the set `O` then gives `−A(O)` to each feature outside `O` and
/// `A(O ∖ {i}) · (1 − p_i) / p_i` to each `i` in `O`: `M` look-ups instead of `O(|O| · M)`
/// arithmetic. A table holds `2^M` numbers, so only leaves with at most
/// ``LeafPathTables/maximumBits`` path features get one, and only while the forest's tables
/// stay within ``LeafPathTables/budget`` numbers.
enum LeafPathTables {
    /// The most distinct path features a leaf with a table may have (a table of 512 bytes:
    /// the look-ups of a row stay within a few cache lines).
        /// The most numbers all tables together may hold (32 MB).
    static let budget = 4 << 20

    /// Leaf `v`'s table for path fractions `fractions` (all above zero), `2^M` numbers
    /// appended to `table`; `weights` are ``ShapleyWeights``' row for `M`.
    static func append(
        leafValue v: Double, fractions: ArraySlice<Double>, weights: UnsafePointer<Double>, to table: inout [Double]
    ) {
        let m = fractions.count, size = 1 << m, full = size - 1
        let p = Array(fractions)
        // Coefficients of Π_{j ∈ T}(x + p_j) for every T, and Π_{j ∈ T} p_j.
        var poly = [Double](repeating: 0, count: size * (m + 1))
        var product = [Double](repeating: 1, count: size)
        poly[0] = 1
        for t in 1..<size {
            let low = t.trailingZeroBitCount, rest = t & (t - 1), pj = p[low]
            let degree = t.nonzeroBitCount
            let from = rest * (m + 1), to = t * (m + 1)
            // (x + p_j) times the polynomial of `rest` (degree − 1).
            poly[to] = pj * poly[from]
            if degree > 1 { for k in 1..<degree { poly[to + k] = poly[from + k - 1] + pj * poly[from + k] } }
            poly[to + degree] = poly[from + degree - 1]
            product[t] = product[rest] * pj
        }
        for t in 0..<size {
            let degree = t.nonzeroBitCount
            guard degree < m else { table.append(0); continue }
            var h = 0.0
            for k in 0...degree { h += weights[k] * poly[t * (m + 1) + k] }
            table.append(v * product[full ^ t] * h)
        }
    }
}
