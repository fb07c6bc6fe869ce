import ApusExplain
import ApusModel
import ApusTable
import ApusTrain

/// The attributions of a table's rows, by one method, with their reason codes.
public struct ExplainedRows: Sendable {
    /// The model explained.
    public let model: Model
    /// The method used.
    public let method: ExplanationMethod
    /// The rows as the model reads them (`rows × features`).
    public let features: [Double]
    /// `rows × scoresPerRow × (features + 1)`: per row and score, one value per feature then
    /// the bias; each group adds up to the raw score (for LIME, not produced here).
    public let values: [Double]
    /// Each row's reason codes (empty lists when none were asked for).
    public let reasons: [[ReasonCode]]
    /// How many rows the explanations are relative to (0 for `tree`: the training data).
    public let backgroundRows: Int

    /// Rows explained.
    public var rowCount: Int { model.schema.count > 0 ? features.count / model.schema.count : 0 }
}

/// What `apus explain` and `apus importance` do: SHAP values by any method as tables,
/// interaction values, LIME, reason codes. Shared by every front end.
public enum ModelExplaining {
    /// The rows of `table` as `model` reads them; `what` names the table in errors
    /// ("the background").
    public static func features(of model: Model, in table: Table, what: String, threads: Int = 0) throws -> [Double] {
        do {
            return try model.schema.encode(table: table, threads: threads)
        } catch {
            throw ServiceError("\(what): \(error)")
        }
    }

    /// The attributions of every row of `table` by `settings.method` (not LIME: see
    /// ``lime(_:for:settings:)``), with `settings.reasons` reason codes per row.
    ///
    /// - Throws: An error naming a feature the data or background lacks, a model without
    ///   covers (tree), or a setting out of range.
    public static func explain(_ model: Model, rows table: Table, settings: ExplanationSettings) throws -> ExplainedRows {
        let features = try Self.features(of: model, in: table, what: "the data", threads: settings.threads)
        return try explain(model, features: features, settings: settings)
    }

    /// As ``explain(_:rows:settings:)`` for rows already encoded.
    public static func explain(_ model: Model, features: [Double], settings: ExplanationSettings) throws -> ExplainedRows {
        let adverse = try settings.adverseOutcome(of: model)
        let topK = max(1, settings.reasons)
        switch settings.method {
        case .lime:
            throw ServiceError("LIME gives local linear models, not SHAP values: use ModelExplaining.lime")
        case .tree, .interventional:
            var options = ExplanationOptions(topK: topK, adverse: adverse, threads: settings.threads, thresholdRows: settings.backgroundRows)
            // The background is read only when the values are relative to it.
            let candidates = settings.threshold != nil || settings.method == .interventional
                ? try backgroundCandidates(model, features: features, settings: settings) : []
            if let threshold = settings.threshold {
                guard settings.backgroundRows >= 1 else { throw ServiceError("--background-rows must be at least 1, not \(settings.backgroundRows)") }
                options.reference = .threshold(threshold, background: candidates)
            } else if settings.method == .interventional {
                options.reference = .background(try sample(candidates, model: model, settings: settings))
            }
            let explainer = ModelExplainer(model: model)
            let explanation = try explainer.explain(features: features, options: options)
            let backgroundRows: Int
            switch options.reference {
            case .average: backgroundRows = 0
            case .background(let rows): backgroundRows = rows.count / max(1, model.schema.count)
            case .threshold: backgroundRows = min(settings.backgroundRows, candidates.count / max(1, model.schema.count))
            }
            return ExplainedRows(model: model, method: settings.threshold == nil ? settings.method : .interventional, features: features,
                                 values: explanation.values, reasons: settings.reasons > 0 ? explanation.reasons : [],
                                 backgroundRows: backgroundRows)
        case .kernel:
            guard settings.threshold == nil else { throw ServiceError("a --threshold reference is explained by interventional TreeSHAP; leave out --method kernel") }
            let background = try sample(try backgroundCandidates(model, features: features, settings: settings), model: model, settings: settings)
            let kernel = try KernelSHAP(function: PredictionFunction(model.ensemble, scale: .raw), background: background,
                                        samples: settings.samples, seed: settings.seed)
            let values = try kernel.values(features: features, threads: settings.threads)
            var reasons: [[ReasonCode]] = []
            if settings.reasons > 0 {
                let rows = model.schema.count > 0 ? features.count / model.schema.count : 0
                let scores = try model.ensemble.rawScores(features: features, threads: settings.threads)
                let k = model.ensemble.scoresPerRow
                var codes: [AdverseOutcome: ReasonCodes] = [:]
                for row in 0..<rows {
                    let outcome = adverse ?? ModelExplainer.defaultAdverse(scores: scores[row * k..<(row + 1) * k])
                    let reasonCodes = try codes[outcome] ?? ReasonCodes(model: model, count: topK, adverse: outcome)
                    codes[outcome] = reasonCodes
                    reasons.append(try reasonCodes.reasons(row: row, attributions: values, features: features))
                }
            }
            return ExplainedRows(model: model, method: .kernel, features: features, values: values, reasons: reasons,
                                 backgroundRows: background.count / max(1, model.schema.count))
        }
    }

    /// The background's rows (or the data's, without one), encoded.
    static func backgroundCandidates(_ model: Model, features: [Double], settings: ExplanationSettings) throws -> [Double] {
        guard let background = settings.background else { return features }
        guard background.rowCount > 0 else { throw ServiceError("the background has no rows") }
        return try Self.features(of: model, in: background, what: "the background", threads: settings.threads)
    }

    /// At most `settings.backgroundRows` of `candidates`: all of them when they are few,
    /// else a seeded sample without replacement, in the candidates' order.
    static func sample(_ candidates: [Double], model: Model, settings: ExplanationSettings) throws -> [Double] {
        guard settings.backgroundRows >= 1 else { throw ServiceError("--background-rows must be at least 1, not \(settings.backgroundRows)") }
        let width = model.schema.count
        let rows = width > 0 ? candidates.count / width : 0
        guard rows > settings.backgroundRows else { return candidates }
        return try ReasonReference.rows(ExplanationBackground.sample(rows: rows, count: settings.backgroundRows, seed: settings.seed),
                                        of: candidates, featureCount: width)
    }

    /// The SHAP values as a table: the `idColumn` of `table` first if given, `class` for a
    /// multiclass model (one line per row and class), one column per feature, `bias`, and
    /// `reason_1`… when reason codes were asked for. Each line's feature columns and bias
    /// add up to the row's raw score.
    public static func valuesTable(_ explained: ExplainedRows, ids: Column? = nil) throws -> Table {
        let model = explained.model, k = model.ensemble.scoresPerRow, width = model.schema.count + 1
        let rows = explained.rowCount
        let lines = rows * k
        // Line `l` is row `l / k`, score `l % k`.
        var columns: [(name: String, column: Column)] = []
        if let ids { columns.append(("id", try ids.rows((0..<lines).map { $0 / k }))) }
        if k > 1 { columns.append(("class", .categorical(CategoricalColumn((0..<lines).map { model.classes[$0 % k] })))) }
        for (index, feature) in model.schema.features.enumerated() {
            columns.append((feature.name, .numeric(NumericColumn((0..<lines).map { explained.values[$0 * width + index] }))))
        }
        columns.append(("bias", .numeric(NumericColumn((0..<lines).map { explained.values[$0 * width + width - 1] }))))
        let reasonCount = explained.reasons.map(\.count).max() ?? 0
        for rank in 0..<reasonCount {
            let texts: [String?] = (0..<lines).map { line in
                let reasons = explained.reasons[line / k]
                return rank < reasons.count ? reasons[rank].text : nil
            }
            columns.append(("reason_\(rank + 1)", .text(TextColumn(texts))))
        }
        return try table(columns)
    }

    /// Interaction values (path-dependent TreeSHAP) as a table: per row (and class) one line
    /// per feature and one for `bias`, naming it in `feature`, with one column per feature
    /// and `bias`; a line's values add up to that feature's SHAP value, and all lines of a
    /// row to its raw score.
    public static func interactionsTable(_ model: Model, rows table: Table, ids: Column? = nil, threads: Int = 0) throws -> Table {
        let features = try Self.features(of: model, in: table, what: "the data", threads: threads)
        let values = try TreeSHAP(model.ensemble).interactionValues(features: features, threads: threads)
        let k = model.ensemble.scoresPerRow, width = model.schema.count + 1
        let rows = table.rowCount, lines = rows * k * width
        // Line `l`: row `l / (k · width)`, score `(l / width) % k`, feature `l % width`.
        var columns: [(name: String, column: Column)] = []
        if let ids { columns.append(("id", try ids.rows((0..<lines).map { $0 / (k * width) }))) }
        if k > 1 { columns.append(("class", .categorical(CategoricalColumn((0..<lines).map { model.classes[($0 / width) % k] })))) }
        let names = model.schema.features.map(\.name) + ["bias"]
        columns.append(("feature", .categorical(CategoricalColumn((0..<lines).map { names[$0 % width] }))))
        for (index, name) in names.enumerated() {
            columns.append((name, .numeric(NumericColumn((0..<lines).map { values[$0 * width + index] }))))
        }
        return try Self.table(columns)
    }

    /// LIME's local models of every row of `table`, as a table: the `idColumn` first if
    /// given, one weight per feature (0 for a feature LIME did not select), `intercept`,
    /// `local_prediction`, `prediction` (the model's, on the probability scale for
    /// classifiers), `r2`, and `conditions` (the selected features' bins, as text).
    public static func lime(_ model: Model, for table: Table, ids: Column? = nil, settings: ExplanationSettings) throws -> Table {
        let features = try Self.features(of: model, in: table, what: "the data", threads: settings.threads)
        let training = try backgroundCandidates(model, features: features, settings: settings)
        var options = LIME.Options()
        if let samples = settings.samples { options.samples = samples }
        options.seed = settings.seed
        options.output = try settings.output(of: model)
        let lime = try LIME(function: PredictionFunction(model.ensemble, scale: .prediction), schema: model.schema,
                            training: training, options: options)
        let explanations = try lime.explain(features: features, threads: settings.threads)
        var columns: [(name: String, column: Column)] = []
        if let ids { columns.append(("id", ids)) }
        for (index, feature) in model.schema.features.enumerated() {
            columns.append((feature.name, .numeric(NumericColumn(explanations.map { $0.weights[index] }))))
        }
        columns.append(("intercept", .numeric(NumericColumn(explanations.map(\.intercept)))))
        columns.append(("local_prediction", .numeric(NumericColumn(explanations.map(\.localPrediction)))))
        columns.append(("prediction", .numeric(NumericColumn(explanations.map(\.prediction)))))
        columns.append(("r2", .numeric(NumericColumn(explanations.map(\.score)))))
        columns.append(("conditions", .text(TextColumn(explanations.map { explanation in
            explanation.features.map { explanation.conditions[$0] }.joined(separator: "; ")
        }))))
        return try Self.table(columns)
    }

    static func table(_ columns: [(name: String, column: Column)]) throws -> Table {
        do {
            return try Table(columns)
        } catch {
            throw ServiceError("the output would have two columns named alike (a feature named `id`, `class`, `feature` or `bias`?): \(error)")
        }
    }
}
