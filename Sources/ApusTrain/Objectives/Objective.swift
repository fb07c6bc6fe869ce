import ApusModel

/// A training objective for gradient boosting: the loss whose gradients and hessians the
/// trees fit, the score boosting starts from, and the link from raw scores to predictions.
///
/// Objectives follow LightGBM's (`src/objective/`): the same names, gradients, hessians
/// and `boost_from_average` initial scores, except where a type's documentation says
/// otherwise. Raw scores are `scoresPerRow` per row, row-major (`rows × k` for
/// multiclass). Validate the labels once with ``validate(labels:weights:)`` (or
/// ``initialScore(labels:weights:)``, which validates), then call
/// ``gradients(labels:scores:weights:gradients:hessians:)`` every round: it does not
/// check or allocate.
///
/// Weights follow LightGBM: each row's gradient and hessian are multiplied by its weight;
/// weights must be finite, not negative, and not all zero.
public protocol Objective: Sendable {
    /// The registry name, as LightGBM's `objective` parameter (`binary`, `regression`, ...).
    var name: String { get }
    /// Raw scores per row: 1, or the class count `k` for `multiclass`.
    var scoresPerRow: Int { get }
    /// Whether every hessian is the row's weight (LightGBM's `IsConstantHessian`).
    var hasConstantHessian: Bool { get }
    /// The residual quantile a trainer renews each leaf's output with after growing the
    /// tree, as LightGBM's `RenewTreeOutput` does, or nil if leaves keep their
    /// gradient-based values. Renewal is the trainer's job, not the objective's.
    var leafRenewalQuantile: Double? { get }

    /// Throws unless the labels and weights are ones this objective can train on.
    ///
    /// - Parameters:
    ///   - labels: One label per row.
    ///   - weights: One weight per row, or nil for equal weights.
    /// - Throws: ``ObjectiveError`` naming the first bad row.
    func validate(
        labels: UnsafeBufferPointer<Double>, weights: UnsafeBufferPointer<Double>?
    ) throws(ObjectiveError)

    /// The raw scores boosting starts from (LightGBM's `boost_from_average`), one per
    /// score of a row; validates the labels and weights first.
    ///
    /// - Parameters:
    ///   - labels: One label per row.
    ///   - weights: One weight per row, or nil for equal weights.
    /// - Returns: `scoresPerRow` raw scores.
    /// - Throws: ``ObjectiveError`` for labels or weights the objective cannot train on.
    func initialScore(
        labels: UnsafeBufferPointer<Double>, weights: UnsafeBufferPointer<Double>?
    ) throws(ObjectiveError) -> [Double]

    /// Writes the first and second derivatives of each row's loss with respect to its
    /// raw scores, multiplied by the row's weight.
    ///
    /// - Precondition: The labels and weights passed ``validate(labels:weights:)``;
    ///   `scores`, `gradients` and `hessians` hold `labels.count × scoresPerRow` values.
    /// - Complexity: O(rows × scoresPerRow), without allocating.
    func gradients(
        labels: UnsafeBufferPointer<Double>,
        scores: UnsafeBufferPointer<Double>,
        weights: UnsafeBufferPointer<Double>?,
        gradients: UnsafeMutableBufferPointer<Double>,
        hessians: UnsafeMutableBufferPointer<Double>
    )

    /// The unweighted loss of one row whose gradients ``gradients(labels:scores:weights:gradients:hessians:)``
    /// writes (up to the documented hessian conventions).
    ///
    /// - Parameters:
    ///   - label: The row's label.
    ///   - scores: The row's `scoresPerRow` raw scores.
    func loss(label: Double, scores: UnsafeBufferPointer<Double>) -> Double

    /// The link from raw scores to predictions: sigmoid (binary), softmax (multiclass),
    /// exp (Poisson) or identity. A trained model carries it.
    var link: OutputLink { get }

    /// Maps raw scores to predictions (probabilities, means or quantiles).
    ///
    /// - Parameters:
    ///   - rawScores: `rows × scoresPerRow` raw scores, row-major.
    ///   - output: Room for as many predictions; may alias nothing in `rawScores`.
    func transform(_ rawScores: UnsafeBufferPointer<Double>, into output: UnsafeMutableBufferPointer<Double>)
}

extension Objective {
    public var hasConstantHessian: Bool { false }
    public var leafRenewalQuantile: Double? { nil }

    /// One raw score per row, unless the objective says otherwise (multiclass).
    public var scoresPerRow: Int { 1 }

    /// Any finite label is valid, unless the objective says otherwise.
    public func validate(
        labels: UnsafeBufferPointer<Double>, weights: UnsafeBufferPointer<Double>?
    ) throws(ObjectiveError) {
        try ObjectiveInput.check(name, labels: labels, weights: weights)
    }

    /// No link unless the objective says otherwise (sigmoid, softmax, exp).
    public var link: OutputLink { .identity }

    /// The raw scores through ``link``.
    public func transform(_ rawScores: UnsafeBufferPointer<Double>, into output: UnsafeMutableBufferPointer<Double>) {
        for index in 0..<rawScores.count { output[index] = rawScores[index] }
        link.apply(UnsafeMutableBufferPointer(rebasing: output[0..<rawScores.count]), scoresPerRow: scoresPerRow)
    }

    /// Validates `labels` and `weights` held in arrays.
    public func validate(labels: [Double], weights: [Double]? = nil) throws(ObjectiveError) {
        try withBuffers(labels, weights) { (labels, weights) throws(ObjectiveError) in
            try validate(labels: labels, weights: weights)
        }
    }

    /// The initial raw scores for `labels` and `weights` held in arrays.
    public func initialScore(labels: [Double], weights: [Double]? = nil) throws(ObjectiveError) -> [Double] {
        try withBuffers(labels, weights) { (labels, weights) throws(ObjectiveError) in
            try initialScore(labels: labels, weights: weights)
        }
    }

    /// The gradients and hessians for arrays, after validating them.
    ///
    /// - Returns: `labels.count × scoresPerRow` gradients and as many hessians.
    /// - Throws: ``ObjectiveError`` for bad labels or weights, or a length mismatch.
    public func gradients(
        labels: [Double], scores: [Double], weights: [Double]? = nil
    ) throws(ObjectiveError) -> (gradients: [Double], hessians: [Double]) {
        try validate(labels: labels, weights: weights)
        guard scores.count == labels.count * scoresPerRow else {
            throw .lengthMismatch(objective: name, what: "scores", expected: labels.count * scoresPerRow, found: scores.count)
        }
        var gradients = [Double](repeating: 0, count: scores.count)
        var hessians = gradients
        withBuffers(labels, weights) { labels, weights in
            scores.withUnsafeBufferPointer { scores in
                gradients.withUnsafeMutableBufferPointer { g in
                    hessians.withUnsafeMutableBufferPointer { h in
                        self.gradients(labels: labels, scores: scores, weights: weights, gradients: g, hessians: h)
                    }
                }
            }
        }
        return (gradients, hessians)
    }

    /// The unweighted loss of one row whose raw scores are in an array.
    public func loss(label: Double, scores: [Double]) -> Double {
        scores.withUnsafeBufferPointer { loss(label: label, scores: $0) }
    }

    /// The predictions for raw scores held in an array (`rows × scoresPerRow`).
    public func transform(_ rawScores: [Double]) -> [Double] {
        [Double](unsafeUninitializedCapacity: rawScores.count) { output, count in
            rawScores.withUnsafeBufferPointer { transform($0, into: output) }
            count = rawScores.count
        }
    }
}

/// An objective whose row derivatives depend on that row's label, score and weight alone
/// (all but multiclass): it states them once, and the loop over rows is shared.
protocol RowObjective: Objective {
    /// The weighted first and second derivatives of one row's loss at raw score `score`.
    func derivatives(label: Double, score: Double, weight: Double) -> (gradient: Double, hessian: Double)
}

extension RowObjective {
    public func gradients(
        labels: UnsafeBufferPointer<Double>,
        scores: UnsafeBufferPointer<Double>,
        weights: UnsafeBufferPointer<Double>?,
        gradients: UnsafeMutableBufferPointer<Double>,
        hessians: UnsafeMutableBufferPointer<Double>
    ) {
        assert(scores.count == labels.count && gradients.count >= labels.count && hessians.count >= labels.count)
        for row in 0..<labels.count {
            let (gradient, hessian) = derivatives(label: labels[row], score: scores[row], weight: weights?[row] ?? 1)
            gradients[row] = gradient
            hessians[row] = hessian
        }
    }
}

/// Calls `body` with buffers over `labels` and `weights`, without copying.
func withBuffers<Result, Failure: Error>(
    _ labels: [Double], _ weights: [Double]?,
    _ body: (UnsafeBufferPointer<Double>, UnsafeBufferPointer<Double>?) throws(Failure) -> Result
) throws(Failure) -> Result {
    try labels.withUnsafeBufferPointer { (labels) throws(Failure) in
        guard let weights else { return try body(labels, nil) }
        return try weights.withUnsafeBufferPointer { (weights) throws(Failure) in try body(labels, weights) }
    }
}
