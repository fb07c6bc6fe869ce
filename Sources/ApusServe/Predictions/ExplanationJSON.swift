import ApusExplain
import ApusModel
import ApusService

/// The explain route's response pieces, written straight into bytes.
enum ExplanationJSON {
    /// The additivity tolerance of `sum_check.ok`, relative to the raw score (at least 1).
    static let additivityTolerance = 1e-9

    /// `"explanation": {method, algorithm, exact, reference, [threshold, background_rows],
    /// output, adverse, top_k, min_effect}`.
    static func writeMethod(_ explanation: ModelExplanation, options: ExplanationOptions, model: Model, into json: inout JSONWriter) {
        json.raw(",\"explanation\":{")
        json.member("method", "tree_shap", first: true)
        let width = max(1, model.schema.count)
        switch options.reference {
        case .average:
            json.member("algorithm", "path-dependent TreeSHAP (exact SHAP values)")
            json.raw(",\"exact\":true")
            json.member("reference", explanation.reference)
        case .background(let rows):
            json.member("algorithm", "interventional TreeSHAP (exact SHAP values against background rows)")
            json.raw(",\"exact\":true")
            json.member("reference", explanation.reference)
            json.member("background_rows", rows.count / width)
        case .threshold(let threshold, let candidates):
            json.member("algorithm", "interventional TreeSHAP (exact SHAP values against the background rows nearest the threshold)")
            json.raw(",\"exact\":true")
            json.member("reference", explanation.reference)
            json.raw(",\"threshold\":")
            json.number(threshold)
            json.member("background_rows", min(ReasonReference.thresholdRowCount, candidates.count / width))
        }
        json.member("output", output(of: model))
        json.member("adverse", options.adverse.map { ExplainRequest.label($0, model: model) }
            ?? (model.task == .multiclass ? "each row's most probable class" : model.task == .binary ? ExplainRequest.label(.higher, model: model) : "higher"))
        json.member("top_k", options.topK)
        json.raw(",\"min_effect\":")
        json.number(options.minimumEffect)
        json.byte(UInt8(ascii: "}"))
    }

    /// What the SHAP values and raw scores are in.
    static func output(of model: Model) -> String {
        switch model.task {
        case .binary: "log-odds"
        case .multiclass: "raw score per class (softmax input)"
        case .regression: model.ensemble.link == .exp ? "log of the predicted rate" : "prediction"
        }
    }

    /// `"unseen_levels"` and `"ignored_fields"`, when there are any.
    static func writeRowNotes(_ rows: DecodedRows, model: Model, into json: inout JSONWriter) {
        if !rows.unseen.isEmpty {
            json.raw(",\"unseen_levels\":[")
            for (index, unseen) in rows.unseen.enumerated() {
                if index > 0 { json.byte(UInt8(ascii: ",")) }
                json.byte(UInt8(ascii: "{"))
                json.member("row", unseen.row, first: true)
                json.member("feature", model.schema.features[unseen.feature].name)
                json.member("value", unseen.value)
                json.byte(UInt8(ascii: "}"))
            }
            json.byte(UInt8(ascii: "]"))
        }
        if !rows.ignoredFields.isEmpty {
            json.raw(",\"ignored_fields\":")
            json.strings(rows.ignoredFields)
        }
    }

    /// One row: `prediction`, `label`, `raw_score`, `bias`, `shap` by feature, `sum_check`,
    /// `adverse` and `reasons`. Per-score values are numbers for one score and arrays (in
    /// class order) for multiclass.
    static func writeRow(_ row: Int, of explanation: ModelExplanation, model: Model, into json: inout JSONWriter) {
        let k = explanation.scoresPerRow, scores = row * k..<(row + 1) * k
        json.raw("{\"prediction\":")
        perScore(explanation.predictions[scores], into: &json)
        if model.task != .regression, let label = label(row, of: explanation, model: model) { json.member("label", label) }
        json.raw(",\"raw_score\":")
        perScore(explanation.rawScores[scores], into: &json)
        json.raw(",\"bias\":")
        perScore((0..<k).map { explanation.bias(row: row, score: $0) }, into: &json)
        json.raw(",\"shap\":{")
        for (index, feature) in model.schema.features.enumerated() {
            if index > 0 { json.byte(UInt8(ascii: ",")) }
            json.key(feature.name)
            perScore((0..<k).map { explanation.value(row: row, score: $0, feature: index) }, into: &json)
        }
        let gap = explanation.additivityGap(row: row)
        let scale = explanation.rawScores[scores].reduce(1.0) { max($0, $1.magnitude) }
        json.raw("},\"sum_check\":{\"max_gap\":")
        json.number(gap)
        json.raw(",\"ok\":")
        json.bool(gap <= additivityTolerance * scale)
        json.byte(UInt8(ascii: "}"))
        json.member("adverse", ExplainRequest.label(explanation.adverse[row], model: model))
        json.raw(",\"reasons\":[")
        for (index, reason) in explanation.reasons[row].enumerated() {
            if index > 0 { json.byte(UInt8(ascii: ",")) }
            writeReason(reason, into: &json)
        }
        json.raw("]}")
    }

    private static func writeReason(_ reason: ReasonCode, into json: inout JSONWriter) {
        json.byte(UInt8(ascii: "{"))
        json.member("rank", reason.rank, first: true)
        json.member("feature", reason.name)
        json.member("value", reason.valueText)
        let kind = switch reason.value {
        case .number: "number"
        case .level: "level"
        case .unseenLevel: "unseen_level"
        case .missing: "missing"
        }
        json.member("value_kind", kind)
        json.raw(",\"effect\":")
        json.number(reason.effect)
        json.member("text", reason.text)
        json.byte(UInt8(ascii: "}"))
    }

    /// The predicted class: probability ≥ 0.5 for binary, the most probable for multiclass.
    private static func label(_ row: Int, of explanation: ModelExplanation, model: Model) -> String? {
        let k = explanation.scoresPerRow
        if k == 1 {
            guard model.classes.count == 2 else { return nil }
            return explanation.predictions[row] >= 0.5 ? model.classes[1] : model.classes[0]
        }
        var best = 0
        for c in 1..<k where explanation.predictions[row * k + c] > explanation.predictions[row * k + best] { best = c }
        return model.classes.indices.contains(best) ? model.classes[best] : nil
    }

    private static func perScore<C: Collection>(_ values: C, into json: inout JSONWriter) where C.Element == Double {
        if values.count == 1, let value = values.first { json.number(value) } else { json.numbers(values) }
    }
}
