/// LIME's local model (lime's `LimeBase`): weighted ridge regressions with an intercept
/// (scikit-learn's `Ridge` with `sample_weight`: the data centred on the weighted means,
/// the penalty `alpha` not scaled by the weights), and its feature selections.
///
/// Everything works from the weighted, centred cross-products of the interpretable data
/// and the labels, computed once per row, so trying a subset of features costs a solve of
/// its size and no pass over the samples.
struct LIMERegression {
    let features: Int
    /// Weighted means of each column and of the labels.
    private(set) var means: [Double]
    private(set) var labelMean = 0.0
    /// Centred weighted cross-products: `Σ w (x_i − x̄_i)(x_j − x̄_j)`, `Σ w (x_i − x̄_i)(y − ȳ)`, `Σ w (y − ȳ)²`.
    private var gram: [Double]
    private var cross: [Double]
    private var labelSquares = 0.0

    /// A fit on a subset: the coefficients (in the subset's order), the intercept and R².
    struct Fit {
        var used: [Int]
        var coefficients: [Double]
        var intercept: Double
        var score: Double
    }

    /// The statistics of `samples` rows of `data` (row-major, `features` wide) with labels and weights.
    init(data: UnsafeBufferPointer<Double>, labels: [Double], weights: [Double], features: Int) {
        self.features = features
        let samples = labels.count
        var total = 0.0
        var means = [Double](repeating: 0, count: features)
        for s in 0..<samples {
            total += weights[s]
            labelMean += weights[s] * labels[s]
            for j in 0..<features { means[j] += weights[s] * data[s * features + j] }
        }
        labelMean /= total
        for j in 0..<features { means[j] /= total }
        gram = [Double](repeating: 0, count: features * features)
        cross = [Double](repeating: 0, count: features)
        var centred = [Double](repeating: 0, count: features)
        for s in 0..<samples {
            let w = weights[s], y = labels[s] - labelMean
            for j in 0..<features { centred[j] = data[s * features + j] - means[j] }
            labelSquares += w * y * y
            for i in 0..<features {
                let wi = w * centred[i]
                cross[i] += wi * y
                for j in 0...i { gram[i * features + j] += wi * centred[j] }
            }
        }
        for i in 0..<features { for j in 0..<i { gram[j * features + i] = gram[i * features + j] } }
        self.means = means
    }

    /// The ridge fit on the features `used` with penalty `alpha` (R² weighted, as
    /// scikit-learn's `score` with `sample_weight`).
    func fit(_ used: [Int], alpha: Double) -> Fit {
        let k = used.count
        guard k > 0 else { return Fit(used: [], coefficients: [], intercept: labelMean, score: labelSquares == 0 ? 1 : 0) }
        var a = [Double](repeating: 0, count: k * k), b = [Double](repeating: 0, count: k)
        for (i, fi) in used.enumerated() {
            b[i] = cross[fi]
            for (j, fj) in used.enumerated() { a[i * k + j] = gram[fi * features + fj] }
            a[i * k + i] += alpha
        }
        let coefficients = SymmetricSolver.solve(a, n: k, b, columns: 1)
        var residual = labelSquares, intercept = labelMean
        for (i, fi) in used.enumerated() {
            residual -= 2 * coefficients[i] * cross[fi]
            for (j, fj) in used.enumerated() { residual += coefficients[i] * gram[fi * features + fj] * coefficients[j] }
            intercept -= means[fi] * coefficients[i]
        }
        let score = labelSquares > 0 ? 1 - max(0, residual) / labelSquares : (residual <= 0 ? 1 : 0)
        return Fit(used: used, coefficients: coefficients, intercept: intercept, score: score)
    }

    /// lime's `forward_selection`: add, `count` times, the feature whose unpenalised fit
    /// with those chosen before scores best (the first best on ties).
    func forwardSelection(count: Int) -> [Int] {
        var used: [Int] = []
        for _ in 0..<min(count, features) {
            var best = 0, bestScore = -100_000_000.0
            for feature in 0..<features where !used.contains(feature) {
                let score = fit(used + [feature], alpha: 0).score
                if score > bestScore { (best, bestScore) = (feature, score) }
            }
            used.append(best)
        }
        return used
    }

    /// lime's `highest_weights`: the `count` features with the largest |coefficient × the
    /// row's interpretable value| in a ridge fit (alpha 0.01) on all features.
    func highestWeights(count: Int, row: [Double]) -> [Int] {
        let all = Array(0..<features)
        let fit = fit(all, alpha: 0.01)
        let order = all.sorted { lhs, rhs in
            let l = abs(fit.coefficients[lhs] * row[lhs]), r = abs(fit.coefficients[rhs] * row[rhs])
            return l != r ? l > r : lhs < rhs
        }
        return Array(order.prefix(count))
    }
}
