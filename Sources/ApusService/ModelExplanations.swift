import ApusExplain
import ApusModel

/// What an explanation is relative to, and how its reason codes are chosen.
public struct ExplanationOptions: Sendable {
    /// What the SHAP values are relative to. Defaults to ``ReasonReference/average``
    /// (path-dependent TreeSHAP).
    public var reference: ReasonReference
    /// The most reason codes per row. Must be at least 1. Defaults to 4.
    public var topK: Int
    /// Which outcome is adverse; nil for the task's default: a higher score for binary (the
    /// positive class) and regression, each row's most probable class for multiclass.
    public var adverse: AdverseOutcome?
    /// The smallest adverse effect that makes a feature a reason (at least 0). Defaults to 0.
    public var minimumEffect: Double
    /// Threads for the SHAP values (0: one per processor). A server passes 1.
    public var threads: Int
    /// The predictions (the link applied, `rows × scoresPerRow`) of a threshold reference's
    /// background rows, if the caller has them already (a server keeps them with its
    /// ``ExplanationBackground``); nil to compute them for every explanation.
    public var candidatePredictions: [Double]?
    /// How many rows nearest the threshold a threshold reference explains against (at least
    /// 1). Defaults to ``ReasonReference/thresholdRowCount`` (100).
    public var thresholdRows: Int
    /// Interventional TreeSHAP already prepared for the ``ApusExplain/ReasonReference/background(_:)``
    /// reference's rows (a server keeps one with its ``ExplanationBackground``: preparing
    /// routes every background row through every tree); nil to prepare one per explanation.
    public var preparedBackground: InterventionalTreeSHAP?

    /// Options; see the properties.
    public init(reference: ReasonReference = .average, topK: Int = 4, adverse: AdverseOutcome? = nil, minimumEffect: Double = 0,
                threads: Int = 0, candidatePredictions: [Double]? = nil, thresholdRows: Int = ReasonReference.thresholdRowCount) {
        self.reference = reference
        self.topK = topK
        self.adverse = adverse
        self.minimumEffect = minimumEffect
        self.threads = threads
        self.candidatePredictions = candidatePredictions
        self.thresholdRows = thresholdRows
    }
}

/// Exact SHAP values, predictions and reason codes of a batch of rows.
public struct ModelExplanation: Sendable {
    /// Rows explained.
    public let rows: Int
    /// Scores per row: 1, or the class count for multiclass.
    public let scoresPerRow: Int
    /// Features per row.
    public let featureCount: Int
    /// The reference's name (`average`, `background`, `threshold`).
    public let reference: String
    /// `rows × scoresPerRow × (featureCount + 1)` SHAP values, row-major, the bias last in
    /// each group (``TreeSHAP``'s layout); each group sums to its raw score.
    public let values: [Double]
    /// `rows × scoresPerRow` raw scores (log-odds for binary), as prediction computes them.
    public let rawScores: [Double]
    /// `rows × scoresPerRow` predictions (the link applied to the raw scores).
    public let predictions: [Double]
    /// Per row, the outcome its reasons explain.
    public let adverse: [AdverseOutcome]
    /// Per row, its reason codes (possibly none).
    public let reasons: [[ReasonCode]]

    /// The SHAP value of `feature` for `score` of `row`.
    public func value(row: Int, score: Int = 0, feature: Int) -> Double {
        values[(row * scoresPerRow + score) * (featureCount + 1) + feature]
    }

    /// The bias (the reference's expected score) of `score` for `row`.
    public func bias(row: Int, score: Int = 0) -> Double { value(row: row, score: score, feature: featureCount) }

    /// The largest |bias + Σ SHAP values − raw score| over `row`'s scores: rounding only, for
    /// exact SHAP values.
    public func additivityGap(row: Int) -> Double {
        let width = featureCount + 1
        var gap = 0.0
        for score in 0..<scoresPerRow {
            let group = row * scoresPerRow + score
            let sum = values[group * width..<(group + 1) * width].reduce(0, +)
            gap = max(gap, (sum - rawScores[group]).magnitude)
        }
        return gap
    }
}

/// Explains a model's predictions: exact SHAP values and reason codes. What `apus explain`
/// and the server's `/explain` route share.
///
/// Making one prepares the model's trees for TreeSHAP (their covers and expected values);
/// keep it with the model and reuse it for every request.
public struct ModelExplainer: Sendable {
    /// The model explained.
    public let model: Model
    /// The model's trees prepared for path-dependent TreeSHAP (the `average` reference), or
    /// why they cannot be: a model imported from ONNX has no training covers. The
    /// `background` and `threshold` references (interventional TreeSHAP) need none.
    public let treeSHAP: Result<TreeSHAP, ExplainError>

    /// Prepares `model` for explanation.
    public init(model: Model) {
        self.model = model
        treeSHAP = Result { () throws(ExplainError) in try TreeSHAP(model.ensemble) }
    }

    /// The SHAP values, predictions and reason codes of encoded `features` rows
    /// (`rows × schema.count`, as ``FeatureSchema`` encodes them).
    ///
    /// - Parameter rawScores: The rows' raw scores if the caller has them already (a
    ///   server that predicted them); nil to compute them.
    /// - Throws: ``ExplainError`` for rows of the wrong width, options out of range (a top
    ///   k below 1, a class the model does not have), or a reference not available.
    public func explain(features: [Double], rawScores: [Double]? = nil, options: ExplanationOptions = ExplanationOptions())
        throws(ExplainError) -> ModelExplanation {
        let ensemble = model.ensemble, k = ensemble.scoresPerRow, featureCount = model.schema.count
        guard featureCount > 0 ? features.count % featureCount == 0 : features.isEmpty else {
            throw ExplainError("\(features.count) values are not whole rows of \(featureCount) features")
        }
        let rows = featureCount > 0 ? features.count / featureCount : 0
        let scores: [Double]
        if let rawScores {
            guard rawScores.count == rows * k else {
                throw ExplainError("\(rawScores.count) raw scores given for \(rows) rows of \(k) score\(k == 1 ? "" : "s")")
            }
            scores = rawScores
        } else {
            do { scores = try ensemble.rawScores(features: features, threads: options.threads) } catch {
                throw ExplainError("\(error)")
            }
        }
        var predictions = scores
        predictions.withUnsafeMutableBufferPointer { ensemble.link.apply($0, scoresPerRow: k) }
        let values = try attributions(features: features, options: options)
        let adverse = (0..<rows).map { row in options.adverse ?? Self.defaultAdverse(scores: scores[row * k..<(row + 1) * k]) }
        var codes: [AdverseOutcome: ReasonCodes] = [:]
        var reasons: [[ReasonCode]] = []
        reasons.reserveCapacity(rows)
        for row in 0..<rows {
            let outcome = adverse[row], reasonCodes: ReasonCodes
            if let made = codes[outcome] {
                reasonCodes = made
            } else {
                reasonCodes = try ReasonCodes(model: model, count: options.topK, adverse: outcome, minimumEffect: options.minimumEffect)
                codes[outcome] = reasonCodes
            }
            reasons.append(try reasonCodes.reasons(row: row, attributions: values, features: features))
        }
        return ModelExplanation(rows: rows, scoresPerRow: k, featureCount: featureCount, reference: options.reference.name,
                                values: values, rawScores: scores, predictions: predictions, adverse: adverse, reasons: reasons)
    }

    /// Higher for one score; the most probable class (the first of equals) for several.
    static func defaultAdverse(scores: ArraySlice<Double>) -> AdverseOutcome {
        guard scores.count > 1 else { return .higher }
        var best = scores.startIndex
        for index in scores.indices where scores[index] > scores[best] { best = index }
        return .classIndex(best - scores.startIndex)
    }

    /// The SHAP values against the options' reference.
    private func attributions(features: [Double], options: ExplanationOptions) throws(ExplainError) -> [Double] {
        let background: [Double]
        switch options.reference {
        case .average:
            return try treeSHAP.get().values(features: features, threads: options.threads)
        case .background(let rows):
            if let prepared = options.preparedBackground { return try prepared.values(features: features, threads: options.threads) }
            background = rows
        case .threshold(let threshold, let candidates):
            background = try thresholdBackground(threshold: threshold, candidates: candidates, predictions: options.candidatePredictions,
                                                 adverse: options.adverse, count: options.thresholdRows)
        }
        return try InterventionalTreeSHAP(model.ensemble, background: background, schema: model.schema)
            .values(features: features, threads: options.threads)
    }

    /// The candidate rows whose prediction is nearest `threshold`: on the probability of
    /// the positive class (binary), of the adverse class (multiclass: it must be named), or
    /// the predicted value (regression). `known` are the candidates' predictions if given.
    private func thresholdBackground(threshold: Double, candidates: [Double], predictions known: [Double]?,
                                     adverse: AdverseOutcome?, count thresholdRows: Int) throws(ExplainError) -> [Double] {
        let ensemble = model.ensemble, k = ensemble.scoresPerRow, featureCount = model.schema.count
        let predictions: [Double]
        if let known {
            guard featureCount > 0, known.count * featureCount == candidates.count * k else {
                throw ExplainError("\(known.count) predictions given for \(candidates.count) background values of \(featureCount) features and \(k) score\(k == 1 ? "" : "s")")
            }
            predictions = known
        } else {
            do { predictions = try ensemble.predict(features: candidates, threads: 1) } catch {
                throw ExplainError("the threshold reference's background rows: \(error)")
            }
        }
        var score = 0
        if k > 1 {
            guard case .classIndex(let index) = adverse, (0..<k).contains(index) else {
                throw ExplainError("a threshold reference on a multiclass model needs the adverse class, whose probability the threshold is on")
            }
            score = index
        }
        let scores = stride(from: score, to: predictions.count, by: k).map { predictions[$0] }
        let chosen = try ReasonReference.nearestToThreshold(scores: scores, threshold: threshold, count: thresholdRows)
        return try ReasonReference.rows(chosen, of: candidates, featureCount: featureCount)
    }
}
