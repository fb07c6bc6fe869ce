import ApusModel
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#elseif canImport(Musl)
import Musl
#endif

/// The loss differences of removing a round, as closed forms over cached per-row state,
/// so that a difference costs one pass of multiply-adds (and one `log` per row for the
/// classification losses) with no allocation. With s a row's raw score, y its label and
/// v the value of its leaf in the removed tree (s becomes s − v):
///
/// - logistic, margin m = −s for y = 1 and s for y = 0 (m becomes m ± v):
///   softplus(m ± v) − softplus(m) = log(σ(−m) + σ(m)·e^{±v}); state σ(−m), σ(m), factors e^{−v}, e^{v};
/// - softmax, probabilities p, removed values c_j: log Σ_j p_j e^{−c_j} + c_y; state p, factor e^{−v};
/// - squared: ((d − v)² − d²)/2 = v(v/2 − d), d = s − y; absolute, Huber, pinball: ℓ(d − v) − ℓ(d); state d;
/// - Poisson: e^{s−v} − y(s − v) − e^s + ys = e^s·(e^{−v} − 1) + y·v; state e^s, factor e^{−v} − 1.
extension RoundElimination {
    /// Per-row state numbers for the loss.
    var stateStride: Int {
        switch kind {
        case .logistic: 2
        case .softmax(let classes): classes
        default: 1
        }
    }

    /// The two numbers per leaf of value `value` the differences read.
    static func leafFactors(_ value: Double, kind: PruningLoss.Kind) -> (Double, Double) {
        switch kind {
        case .logistic: (exp(-value), exp(value))
        case .softmax: (exp(-value), 0)
        case .poisson: (expm1(-value), 0)
        case .squared, .absolute, .huber, .quantile: (0, 0)
        }
    }

    /// The change of the total weighted loss if `round` is removed now.
    func delta(round: Int) -> Double {
        k == 1 ? singleScoreDelta(tree: round) : softmaxDelta(round: round)
    }

    private func singleScoreDelta(tree: Int) -> Double {
        let start = leafStart[tree]
        return leaves.withUnsafeBufferPointer { leaves in
            values.withUnsafeBufferPointer { values in
                factors.withUnsafeBufferPointer { factors in
                    state.withUnsafeBufferPointer { state in
                        let column = UnsafeBufferPointer(rebasing: leaves[tree * rows ..< (tree + 1) * rows])
                        let values = UnsafeBufferPointer(rebasing: values[start...])
                        let factors = UnsafeBufferPointer(rebasing: factors[(2 * start)...])
                        return singleScoreSum(column: column, values: values, factors: factors, state: state)
                    }
                }
            }
        }
    }

    /// Σ scale × (loss difference) over the rows for one tree's leaves.
    @inline(__always)
    private func singleScoreSum(
        column: UnsafeBufferPointer<Leaf>, values: UnsafeBufferPointer<Double>, factors: UnsafeBufferPointer<Double>,
        state: UnsafeBufferPointer<Double>
    ) -> Double {
        scales.withUnsafeBufferPointer { scales in
            labelIndex.withUnsafeBufferPointer { labelIndex in
                var sum = 0.0
                switch kind {
                case .logistic:
                    for row in 0..<rows {
                        let factor = factors[2 &* Int(column[row]) &+ Int(labelIndex[row])]
                        sum += scales[row] * log(state[2 &* row] + state[2 &* row &+ 1] * factor)
                    }
                case .squared:
                    for row in 0..<rows {
                        let value = values[Int(column[row])]
                        sum += scales[row] * value * (0.5 * value - state[row])
                    }
                case .absolute:
                    for row in 0..<rows {
                        let d = state[row]
                        sum += scales[row] * (abs(d - values[Int(column[row])]) - abs(d))
                    }
                case .huber(let delta):
                    for row in 0..<rows {
                        let d = state[row]
                        sum += scales[row] * (Self.huber(d - values[Int(column[row])], delta) - Self.huber(d, delta))
                    }
                case .quantile(let alpha):
                    for row in 0..<rows {
                        let d = state[row]
                        sum += scales[row] * (Self.pinball(d - values[Int(column[row])], alpha) - Self.pinball(d, alpha))
                    }
                case .poisson:
                    labels.withUnsafeBufferPointer { labels in
                        for row in 0..<rows {
                            let leaf = Int(column[row])
                            sum += scales[row] * (state[row] * factors[2 &* leaf] + labels[row] * values[leaf])
                        }
                    }
                case .softmax:
                    break
                }
                return sum
            }
        }
    }

    private func softmaxDelta(round: Int) -> Double {
        let k = self.k
        var columns: [Int] = [], starts: [Int] = []
        for j in 0..<k {
            columns.append((round * k + j) * rows)
            starts.append(leafStart[round * k + j])
        }
        return leaves.withUnsafeBufferPointer { leaves in
            values.withUnsafeBufferPointer { values in
                factors.withUnsafeBufferPointer { factors in
                    state.withUnsafeBufferPointer { state in
                        scales.withUnsafeBufferPointer { scales in
                            labelIndex.withUnsafeBufferPointer { labelIndex in
                                var sum = 0.0
                                for row in 0..<rows {
                                    let label = Int(labelIndex[row])
                                    var total = 0.0
                                    for j in 0..<k {
                                        let leaf = starts[j] &+ Int(leaves[columns[j] &+ row])
                                        total += state[row &* k &+ j] * factors[2 &* leaf]
                                    }
                                    let labelLeaf = starts[label] &+ Int(leaves[columns[label] &+ row])
                                    sum += scales[row] * (log(total) + values[labelLeaf])
                                }
                                return sum
                            }
                        }
                    }
                }
            }
        }
    }

    /// Subtracts `round`'s leaf values from the scores and refreshes the state.
    mutating func subtract(round: Int) {
        let (rows, k) = (self.rows, self.k)
        for j in 0..<k {
            let tree = round * k + j, start = leafStart[tree]
            leaves.withUnsafeBufferPointer { leaves in
                values.withUnsafeBufferPointer { values in
                    scores.withUnsafeMutableBufferPointer { scores in
                        for row in 0..<rows {
                            scores[row &* k &+ j] -= values[start &+ Int(leaves[tree &* rows &+ row])]
                        }
                    }
                }
            }
        }
        refreshState()
    }

    /// Recomputes the per-row state from the scores.
    mutating func refreshState() {
        let (rows, kind, stride) = (self.rows, self.kind, stateStride)
        if state.count != rows * stride { state = [Double](repeating: 0, count: rows * stride) }
        scores.withUnsafeBufferPointer { scores in
            labels.withUnsafeBufferPointer { labels in
                state.withUnsafeMutableBufferPointer { state in
                    switch kind {
                    case .logistic:
                        for row in 0..<rows {
                            // σ(−m) and σ(m) from one exponential of −|m|.
                            let margin = labels[row] == 1 ? -scores[row] : scores[row]
                            let small = exp(-abs(margin)), large = 1 / (1 + small)
                            state[2 &* row] = margin >= 0 ? small * large : large
                            state[2 &* row &+ 1] = margin >= 0 ? large : small * large
                        }
                    case .softmax:
                        state.baseAddress!.update(from: scores.baseAddress!, count: scores.count)
                        OutputLink.softmax.apply(state, scoresPerRow: stride)
                    case .poisson:
                        for row in 0..<rows { state[row] = exp(scores[row]) }
                    case .squared, .absolute, .huber, .quantile:
                        for row in 0..<rows { state[row] = scores[row] - labels[row] }
                    }
                }
            }
        }
    }

    @inline(__always)
    static func huber(_ residual: Double, _ delta: Double) -> Double {
        let size = abs(residual)
        return size <= delta ? size * size / 2 : delta * (size - delta / 2)
    }

    @inline(__always)
    static func pinball(_ residual: Double, _ alpha: Double) -> Double {
        residual >= 0 ? (1 - alpha) * residual : -alpha * residual
    }
}
