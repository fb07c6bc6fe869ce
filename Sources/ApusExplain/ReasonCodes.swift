import ApusModel

/// Reason codes: for one row, the features that pushed its score furthest towards the
/// adverse outcome, from its attributions (SHAP values), as data and as sentences:
/// `num_late_payments = 4 raised the risk by 0.31 log-odds`.
///
/// Attributions are laid out as ``TreeSHAP/values(features:threads:)`` lays them out:
/// `rows × scoresPerRow × (features + 1)`, per score one value per feature then the bias.
/// The explained score is the one the adverse outcome names (the adverse class's for
/// multiclass). A feature is a reason when its attribution moves that score the adverse way
/// by more than zero and at least ``ReasonCodeOptions/minimumEffect``; reasons are ranked by
/// that effect, largest first, ties by feature index, and at most
/// ``ReasonCodeOptions/count`` are given. A row with no adverse effect has no reasons (an
/// empty list, never padding).
///
/// What the effects are relative to is the attributions' bias: the training mean for
/// path-dependent TreeSHAP, a background sample's mean prediction for interventional
/// TreeSHAP (see ``ReasonReference``).
public struct ReasonCodes: Sendable {
    /// The features the attributions are of.
    public let schema: FeatureSchema
    /// Scores per row in the attributions: 1, or the class count for multiclass.
    public let scoresPerRow: Int
    /// The options, checked.
    public let options: ReasonCodeOptions
    /// The explained score and +1 when higher is adverse, −1 when lower is.
    let score: Int
    let sign: Double

    /// Reason codes over attributions of `scoresPerRow` scores of `schema`'s features.
    ///
    /// - Throws: ``ExplainError`` for a count below 1, a negative or non-finite minimum
    ///   effect, a class out of range, or a multiclass model without an adverse class.
    public init(schema: FeatureSchema, scoresPerRow: Int, options: ReasonCodeOptions = ReasonCodeOptions()) throws(ExplainError) {
        guard scoresPerRow >= 1 else { throw ExplainError("reason codes need at least one score per row, not \(scoresPerRow)") }
        guard options.count >= 1 else {
            throw ExplainError("the number of reasons (top k) must be at least 1, not \(options.count)")
        }
        guard options.minimumEffect.isFinite, options.minimumEffect >= 0 else {
            throw ExplainError("the minimum effect must be a number of at least 0, not \(options.minimumEffect)")
        }
        switch options.adverse {
        case .higher, .lower:
            guard scoresPerRow == 1 else {
                throw ExplainError("a model with \(scoresPerRow) class scores needs the adverse class, not `\(options.adverse == .higher ? "higher" : "lower")`")
            }
            (score, sign) = (0, options.adverse == .higher ? 1 : -1)
        case .classIndex(let index):
            let classes = scoresPerRow == 1 ? 2 : scoresPerRow
            guard (0..<classes).contains(index) else {
                throw ExplainError("the adverse class \(index) is out of range: the model has \(classes) classes (0 to \(classes - 1))")
            }
            (score, sign) = scoresPerRow == 1 ? (0, index == 1 ? 1 : -1) : (index, 1)
        }
        self.schema = schema
        self.scoresPerRow = scoresPerRow
        self.options = options
    }

    /// Reason codes for `model` with its task's wording: binary, the `risk` (or, when
    /// lower is adverse, the `score`) in `log-odds`; regression, the `prediction` in the
    /// target's units (on the log scale for a log link); multiclass, the named class's raw
    /// score.
    ///
    /// - Throws: ``ExplainError`` as ``init(schema:scoresPerRow:options:)``.
    public init(model: Model, count: Int = 4, adverse: AdverseOutcome = .higher, minimumEffect: Double = 0) throws(ExplainError) {
        var options = ReasonCodeOptions(count: count, adverse: adverse, minimumEffect: minimumEffect)
        switch model.task {
        case .binary:
            let lower = adverse == .lower || adverse == .classIndex(0)
            options.outcome = lower ? "score" : "risk"
        case .regression:
            if case .classIndex = adverse { throw ExplainError("a regression model has no classes: the adverse outcome is `higher` or `lower`") }
            options.outcome = "prediction"
            options.unit = model.ensemble.link == .exp ? "on the log scale" : model.target
        case .multiclass:
            if case .classIndex(let index) = adverse, model.classes.indices.contains(index) {
                options.outcome = "raw score of \(model.classes[index])"
            } else {
                options.outcome = "raw score"
            }
            options.unit = ""
        }
        try self.init(schema: model.schema, scoresPerRow: model.ensemble.scoresPerRow, options: options)
    }

    /// The reasons of row `row` of a batch: `attributions` holds the batch's attributions
    /// (`rows × scoresPerRow × (features + 1)`), `features` its encoded rows (`rows × features`).
    ///
    /// - Throws: ``ExplainError`` when the two do not hold the same whole rows, `row` is
    ///   out of range, or the row's attribution of a feature is not finite.
    public func reasons(row: Int, attributions: [Double], features: [Double]) throws(ExplainError) -> [ReasonCode] {
        let rows = try rowCount(attributions: attributions, features: features)
        guard (0..<rows).contains(row) else {
            throw ExplainError("row \(row) is out of range: the attributions hold \(rows) row\(rows == 1 ? "" : "s")\(rows > 0 ? " (0 to \(rows - 1))" : "")")
        }
        return try reasons(ofRow: row, attributions: attributions, features: features)
    }

    /// The reasons of every row of a batch (see ``reasons(row:attributions:features:)``).
    public func reasons(attributions: [Double], features: [Double]) throws(ExplainError) -> [[ReasonCode]] {
        let rows = try rowCount(attributions: attributions, features: features)
        var all: [[ReasonCode]] = []
        all.reserveCapacity(rows)
        for row in 0..<rows { all.append(try reasons(ofRow: row, attributions: attributions, features: features)) }
        return all
    }

    private func rowCount(attributions: [Double], features: [Double]) throws(ExplainError) -> Int {
        let featureCount = schema.count, group = scoresPerRow * (featureCount + 1)
        guard attributions.count % group == 0 else {
            throw ExplainError("\(attributions.count) attributions are not whole rows of \(scoresPerRow) score\(scoresPerRow == 1 ? "" : "s") × (\(featureCount) features + bias) = \(group) values")
        }
        let rows = attributions.count / group
        guard features.count == rows * featureCount else {
            throw ExplainError("the attributions hold \(rows) rows but the features \(features.count) values, not \(rows) × \(featureCount)")
        }
        return rows
    }

    private func reasons(ofRow row: Int, attributions: [Double], features: [Double]) throws(ExplainError) -> [ReasonCode] {
        let featureCount = schema.count, width = featureCount + 1
        let start = (row * scoresPerRow + score) * width
        var candidates: [(feature: Int, adverse: Double)] = []
        for feature in 0..<featureCount {
            let effect = attributions[start + feature]
            guard effect.isFinite else {
                throw ExplainError("row \(row): the attribution of `\(schema.features[feature].name)` is \(effect), not a number")
            }
            let adverse = sign * effect
            if adverse > 0, adverse >= options.minimumEffect { candidates.append((feature, adverse)) }
        }
        candidates.sort { $0.adverse != $1.adverse ? $0.adverse > $1.adverse : $0.feature < $1.feature }
        return candidates.prefix(options.count).enumerated().map { rank, candidate in
            reason(rank: rank + 1, feature: candidate.feature, encoded: features[row * featureCount + candidate.feature],
                   effect: attributions[start + candidate.feature])
        }
    }

    private func reason(rank: Int, feature index: Int, encoded: Double, effect: Double) -> ReasonCode {
        let feature = schema.features[index]
        let value = Self.value(encoded, of: feature)
        let valueText: String
        let subject: String
        switch value {
        case .number(let number):
            valueText = CompactNumber.format(number, significantDigits: 10)
            subject = "\(feature.name) = \(valueText)"
        case .level(let level):
            valueText = level
            subject = "\(feature.name) = \(level)"
        case .unseenLevel:
            valueText = "(a level not seen in training)"
            subject = "\(feature.name) = \(valueText)"
        case .missing:
            valueText = "missing"
            subject = "\(feature.name) is missing, which"
        }
        let verb = effect > 0 ? "raised" : "lowered"
        let amount = CompactNumber.format(effect.magnitude, significantDigits: 3)
        let unit = options.unit.isEmpty ? "" : " \(options.unit)"
        return ReasonCode(rank: rank, feature: index, name: feature.name, value: value, valueText: valueText, effect: effect,
                          text: "\(subject) \(verb) the \(options.outcome) by \(amount)\(unit)")
    }

    /// An encoded value as a reason shows it: NaN is missing; a categorical code that names
    /// no training level (−1, or anything else outside the levels) is an unseen level.
    static func value(_ encoded: Double, of feature: Feature) -> ReasonValue {
        if encoded.isNaN { return .missing }
        guard feature.kind == .categorical else { return .number(encoded) }
        guard encoded >= 0, encoded < Double(feature.levels.count), encoded == encoded.rounded(.towardZero) else {
            return .unseenLevel
        }
        return .level(feature.levels[Int(encoded)])
    }
}
