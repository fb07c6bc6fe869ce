/// Confidence-based performance estimation (CBPE) for binary classifiers, as NannyML estimates
/// performance without labels: if the (calibrated) probability p of the positive class is right,
/// each row's label is a Bernoulli(p) draw, so every confusion count has a known expectation.
///
/// Notation: a row is predicted positive (set P, n_P rows) when its uncalibrated probability is at
/// least the threshold, otherwise negative (set N); p is its calibrated probability and q = 1 − p.
/// Expected counts: TP = Σ_P p, FP = Σ_P q, FN = Σ_N p, TN = Σ_N q. The estimates are NannyML's:
/// each metric evaluated on the expected counts.
///
/// Standard errors: the standard deviation of the metric realised when every label Y is an
/// independent Bernoulli(p) draw. With V_S = Σ_S p·q (the variance of a sum of labels over S):
/// - accuracy = (TP + TN) / n is linear in the labels: SE² = V_all / n² (exact).
/// - precision = TP / n_P, n_P fixed by the decisions: SE² = V_P / n_P² (exact).
/// - recall = A / (A + B) with A = TP, B = FN independent sums (disjoint rows); the delta method gives
///   SE² = (B²·V_P + A²·V_N) / (A + B)⁴.
/// - specificity = A / (A + B) with A = TN, B = FP: SE² = (B²·V_N + A²·V_P) / (A + B)⁴.
/// - F1 = 2·TP / (2·TP + FP + FN) = 2A / D with A = TP, B = FN and D = A + B + n_P (TP + FP = n_P):
///   SE² = (4·(B + n_P)²·V_P + 4·A²·V_N) / D⁴.
/// - ROC AUC: rows ranked by their uncalibrated probabilities (the realised AUC's ranking, as in
///   NannyML's `estimate_roc_auc`), the estimate is Σ_{i,j} p_i·q_j·h_ij / (Σp · Σq) with h = 1 when
///   row i scores above row j and ½ when they tie (i = j included): the trapezoidal area under the
///   curve of expected TPR against expected FPR. NannyML walks the rows one at a time in argsort
///   order, so it breaks ties arbitrarily, and rounds the cumulative counts to 5 decimals; without
///   ties the two agree to that rounding. The realised AUC is U / (S·(n − S)) with
///   U = Σ_{i≠j} Y_i·(1 − Y_j)·h_ij and S = ΣY; its gradient at Y = p is
///   g_k = (Σ_{j≠k} q_j·h_kj − Σ_{i≠k} p_i·h_ik − A·(Σq − Σp)) / (Σp·Σq), A the estimate, and the
///   delta method gives SE² = Σ_k p_k·q_k·g_k².
/// The delta-method forms drop terms of relative order 1/n; the simulation tests check them.
/// As NannyML, a ratio whose expected denominator is 0 is estimated as 0 (sklearn's realised
/// metric with `zero_division` is 0 there too), with standard error 0; ROC AUC is NaN when Σp or
/// Σq is 0.
public enum CBPE {
    /// Estimates accuracy, precision, recall, F1, specificity and ROC AUC with standard errors.
    /// - Parameters:
    ///   - probabilities: the model's probabilities of the positive class (uncalibrated): they make
    ///     the decisions, rank the rows for ROC AUC and, calibrated, give the expected labels.
    ///   - threshold: a row is predicted positive when its probability is at least this.
    ///   - calibration: fitted on reference data with labels; nil uses the probabilities as they are.
    /// - Throws: `DriftError.emptyInput`, `.invalidProbability`, `.invalidParameter` (threshold).
    public static func estimate(probabilities: [Double], threshold: Double = 0.5,
                                calibration: IsotonicCalibration?) throws(DriftError) -> CBPEEstimate {
        if probabilities.isEmpty { throw .emptyInput(argument: "probabilities") }
        if !(threshold >= 0 && threshold <= 1) { throw .invalidParameter(name: "threshold", value: threshold) }
        try validateProbabilities(probabilities, argument: "probabilities")
        let calibrated = calibration.map { $0(probabilities) } ?? probabilities

        var tp = 0.0, fp = 0.0, fn = 0.0, tn = 0.0, varP = 0.0, varN = 0.0, predictedPositive = 0
        for (raw, p) in zip(probabilities, calibrated) {
            let q = 1 - p
            if raw >= threshold {
                predictedPositive += 1
                tp += p; fp += q; varP += p * q
            } else {
                fn += p; tn += q; varN += p * q
            }
        }
        let n = Double(probabilities.count), nP = Double(predictedPositive)
        let accuracy = EstimatedMetric(value: (tp + tn) / n, standardError: (varP + varN).squareRoot() / n)
        let precision = nP == 0
            ? EstimatedMetric(value: 0, standardError: 0)
            : EstimatedMetric(value: tp / nP, standardError: varP.squareRoot() / nP)
        let recall = ratio(tp, tp + fn, numeratorVariance: varP, otherVariance: varN, other: fn)
        let specificity = ratio(tn, tn + fp, numeratorVariance: varN, otherVariance: varP, other: fp)
        let f1: EstimatedMetric
        let f1Denominator = tp + fn + nP
        if f1Denominator == 0 {
            f1 = EstimatedMetric(value: 0, standardError: 0)
        } else {
            let d2 = f1Denominator * f1Denominator, rest = fn + nP
            let variance = (4 * rest * rest * varP + 4 * tp * tp * varN) / (d2 * d2)
            f1 = EstimatedMetric(value: 2 * tp / f1Denominator, standardError: variance.squareRoot())
        }
        return CBPEEstimate(
            count: probabilities.count, threshold: threshold,
            truePositives: tp, falsePositives: fp, falseNegatives: fn, trueNegatives: tn,
            accuracy: accuracy, precision: precision, recall: recall, f1: f1, specificity: specificity,
            rocAUC: rocAUC(scores: probabilities, probabilities: calibrated))
    }

    /// A / (A + B) for independent sums A and B with variances `numeratorVariance` and `otherVariance`.
    static func ratio(_ a: Double, _ total: Double, numeratorVariance: Double, otherVariance: Double, other b: Double) -> EstimatedMetric {
        if total == 0 { return EstimatedMetric(value: 0, standardError: 0) }
        let t2 = total * total
        let variance = (b * b * numeratorVariance + a * a * otherVariance) / (t2 * t2)
        return EstimatedMetric(value: a / total, standardError: variance.squareRoot())
    }

    /// The expected ROC AUC of rows ranked by `scores` whose labels are Bernoulli(`probabilities`),
    /// with its delta-method standard error (see the type's documentation). One sort, then walks
    /// over groups of tied scores with running sums; NaN when Σp or Σq is 0.
    static func rocAUC(scores: [Double], probabilities: [Double]) -> EstimatedMetric {
        let order = scores.indices.sorted { scores[$0] < scores[$1] }
        var totalP = 0.0, totalQ = 0.0
        for p in probabilities { totalP += p; totalQ += 1 - p }
        if totalP == 0 || totalQ == 0 { return EstimatedMetric(value: .nan, standardError: .nan) }
        let denominator = totalP * totalQ

        // Tie groups in ascending score order: [start, end) in `order`, with their Σp and Σq.
        // Walked twice (the estimate, then the variance) rather than stored: a million distinct
        // scores would otherwise hold 32 MB of groups.
        func forEachGroup(_ body: (_ start: Int, _ end: Int, _ p: Double, _ q: Double) -> Void) {
            var start = 0
            while start < order.count {
                var end = start, groupP = 0.0, groupQ = 0.0
                while end < order.count && scores[order[end]] == scores[order[start]] {
                    groupP += probabilities[order[end]]; groupQ += 1 - probabilities[order[end]]; end += 1
                }
                body(start, end, groupP, groupQ)
                start = end
            }
        }
        var area = 0.0, qBelow = 0.0
        forEachGroup { _, _, groupP, groupQ in
            area += groupP * (qBelow + 0.5 * groupQ)
            qBelow += groupQ
        }
        let estimate = area / denominator

        // Gradient of the realised AUC at Y = p, one row at a time.
        var variance = 0.0, qBelowGroup = 0.0, pAbove = totalP
        forEachGroup { start, end, groupP, groupQ in
            pAbove -= groupP
            for position in start..<end {
                let p = probabilities[order[position]], q = 1 - p
                let dU = qBelowGroup + 0.5 * (groupQ - q) - pAbove - 0.5 * (groupP - p)
                let g = (dU - estimate * (totalQ - totalP)) / denominator
                variance += p * q * g * g
            }
            qBelowGroup += groupQ
        }
        return EstimatedMetric(value: estimate, standardError: variance.squareRoot())
    }
}
