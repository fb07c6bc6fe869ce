import ApusModel

/// Greedy backward elimination of boosting rounds: each step removes the round whose
/// removal increases the validation loss least (a whole round of `k` trees for
/// multiclass), keeping the raw scores of the remaining rounds.
///
/// Every tree's contribution to every row is its leaf's value, so the leaf each row
/// reaches is computed once (``LeafAssignment``), and the loss difference of removing a
/// round is one pass over a narrow column of leaf indices, a small table per leaf and a
/// cached per-row state (see `RoundElimination+Deltas.swift`).
///
/// Candidates sit in a heap by the difference last computed for them (lazy greedy): the
/// top is recomputed until it is current, then removed. A difference computed before
/// other rounds were removed is stale, and taking the top only once it is current picks
/// the true best round whenever removals do not make other rounds' differences smaller;
/// otherwise it may pick a round slightly worse than the best. Ties go to the lower
/// round index, so the order is deterministic.
struct RoundElimination<Leaf: FixedWidthInteger & UnsignedInteger & Sendable>: Sendable {
    let kind: PruningLoss.Kind
    let rows: Int
    /// Scores (trees) per row and round.
    let k: Int
    let roundCount: Int
    /// The leaf of each row in each tree, tree-major (`trees × rows`).
    let leaves: [Leaf]
    /// Each leaf's value, all trees concatenated; tree `t`'s leaves start at `leafStart[t]`.
    let values: [Double]
    /// Two numbers per leaf the loss's differences read (see `leafFactors(_:)`).
    let factors: [Double]
    let leafStart: [Int]
    let labels: [Double]
    /// Labels as integers (class indices, or 0/1), for the classification losses.
    let labelIndex: [Int32]
    /// Each row's weight, times the positive-class scale of a weighted logistic loss.
    let scales: [Double]
    let totalWeight: Double
    /// The raw scores of the rounds not yet removed, `rows × k`.
    var scores: [Double]
    /// Per-row state the differences read: `stateStride` numbers per row.
    var state: [Double]
    var heap = CandidateHeap([])
    /// The rounds removed, in order, and which they are.
    private(set) var order: [Int] = []
    private(set) var removed: [Bool]
    /// The weighted mean loss of the rounds not yet removed, after each removal (index 0:
    /// none removed), from the differences.
    private(set) var losses: [Double]
    /// How many differences were computed (for measurements).
    private(set) var evaluations = 0

    /// Prepares the elimination of `ensemble`'s rounds on the validation rows.
    ///
    /// - Parameters:
    ///   - scores: The ensemble's raw scores of the rows (`rows × k`).
    ///   - loss: The ensemble's mean loss on the rows, from the reference objective.
    init(
        ensemble: TreeEnsemble, kind: PruningLoss.Kind, data: PruningData, featureCount: Int, scores: [Double], loss: Double,
        threads: Int
    ) {
        self.kind = kind
        rows = data.rows
        k = ensemble.scoresPerRow
        roundCount = ensemble.rounds
        leaves = LeafAssignment.leaves(
            of: ensemble.trees, features: data.features, featureCount: featureCount, rows: rows, threads: threads, as: Leaf.self)
        var values: [Double] = [], factors: [Double] = [], leafStart: [Int] = []
        for tree in ensemble.trees {
            leafStart.append(values.count)
            for value in tree.leafValue {
                values.append(value)
                let (first, second) = Self.leafFactors(value, kind: kind)
                factors.append(first)
                factors.append(second)
            }
        }
        (self.values, self.factors, self.leafStart) = (values, factors, leafStart)
        labels = data.labels
        labelIndex = data.labels.map { Int32(exactly: $0) ?? 0 }
        var scales = data.weights ?? [Double](repeating: 1, count: rows)
        if case .logistic(let positiveScale) = kind {
            for row in 0..<rows where data.labels[row] == 1 { scales[row] *= positiveScale }
        }
        self.scales = scales
        totalWeight = data.weights?.reduce(0, +) ?? Double(rows)
        self.scores = scores
        state = []
        removed = [Bool](repeating: false, count: roundCount)
        losses = [loss]
        refreshState()
        let snapshot = self
        let deltas = ParallelLoop.map(count: roundCount, threads: threads) { snapshot.delta(round: $0) }
        evaluations = roundCount
        heap = CandidateHeap(deltas.enumerated().map { RemovalCandidate(delta: Self.rankable($1), round: $0, stamp: 0) })
    }

    /// The weighted mean loss now.
    var loss: Double { losses[losses.count - 1] }

    /// The round whose removal increases the loss least, its difference current (the
    /// change of the weighted mean loss is `delta / totalWeight`); nil when one round is left.
    mutating func best() -> RemovalCandidate? {
        guard roundCount - order.count > 1 else { return nil }
        while let top = heap.top {
            if top.stamp == order.count { return top }
            _ = heap.pop()
            evaluations += 1
            heap.push(RemovalCandidate(delta: Self.rankable(delta(round: top.round)), round: top.round, stamp: order.count))
        }
        return nil
    }

    /// Removes the round ``best()`` returns, if any, and returns it.
    @discardableResult
    mutating func removeBest() -> RemovalCandidate? {
        guard let candidate = best() else { return nil }
        _ = heap.pop()
        subtract(round: candidate.round)
        removed[candidate.round] = true
        order.append(candidate.round)
        losses.append(loss + candidate.delta / totalWeight)
        return candidate
    }

    /// A difference the heap can order: NaN (from an overflowing score) ranks last.
    private static func rankable(_ delta: Double) -> Double { delta.isNaN ? .infinity : delta }
}
