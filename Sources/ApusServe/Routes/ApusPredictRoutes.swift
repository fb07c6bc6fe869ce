import ApusExplain
import ApusModel
import Hummingbird

/// Apus's own inference route: `POST /v1/models/{name}/predict` (and
/// `/v1/models/{name}/versions/{version}/predict`) with `{"rows": [{...}]}` or
/// `{"columns": [...], "data": [[...]]}`, and `"explain": true` for per-row exact SHAP
/// values (the explain route adds reason codes).
extension ServingState {
    func addApusPredictRoutes(to routes: RouteTable) {
        routes.post("/v1/models/{name}/predict") { request, context in
            let reference = context.pathParameter("name")
            return await predictV1(request, reference: reference, route: "/v1/models/{name}/predict")
        }
        routes.post("/v1/models/{name}/versions/{version}/predict") { request, context in
            let reference = "\(context.pathParameter("name"))/\(context.pathParameter("version"))"
            return await predictV1(request, reference: reference, route: "/v1/models/{name}/versions/{version}/predict")
        }
    }

    private func predictV1(_ request: Request, reference: String, route: String) async -> Response {
        await answer(request, route: route, flavor: .apus, roles: inferenceRoles) { exchange in
            let inference = try await infer(reference: reference, route: "v1", request: request, exchange: &exchange) {
                decoder, _, bytes throws(RequestProblem) in try decoder.decodeApus(bytes)
            }
            return jsonResponse(v1Body(inference, reference: reference, requestID: exchange.requestID))
        }
    }

    private func v1Body(_ inference: Inference, reference: String, requestID: String) -> JSONWriter {
        let served = inference.served, model = served.model, output = inference.output
        var json = JSONWriter(capacity: 128 + output.values.count * 24)
        json.byte(UInt8(ascii: "{"))
        json.member("request_id", requestID, first: true)
        json.member("model", served.name)
        json.member("version", served.version)
        json.member("reference", reference)
        json.member("task", model.task.rawValue)
        json.raw(",\"predictions\":")
        output.writeValues(into: &json)
        if let labels = output.labels {
            json.raw(",\"labels\":")
            json.strings(labels)
        }
        if model.task == .multiclass {
            json.raw(",\"classes\":")
            json.strings(model.classes)
        }
        ExplanationJSON.writeRowNotes(inference.rows, model: model, into: &json)
        if inference.rows.explain { writeContributions(inference, into: &json) }
        json.byte(UInt8(ascii: "}"))
        return json
    }

    /// `"contributions"`: per row (and per class for multiclass) one number per feature and
    /// the bias last, summing to the raw score (log-odds for binary): exact SHAP values
    /// (path-dependent TreeSHAP, the model's explainer prepared once and kept). A model
    /// TreeSHAP cannot explain (no training covers: imported from ONNX) gets tree-path
    /// contributions instead, labelled approximate, with the reason.
    private func writeContributions(_ inference: Inference, into json: inout JSONWriter) {
        let model = inference.served.model, rows = inference.rows.rows
        let contributions: [Double]
        let exact: Bool
        var note: String?
        do {
            contributions = try inference.served.explainer().treeSHAP.get().values(features: inference.rows.features, threads: 1)
            exact = true
        } catch {
            contributions = inference.rows.features.withUnsafeBufferPointer { model.ensemble.pathContributions(features: $0, rows: rows) }
            exact = false
            note = "exact SHAP values are not available: \(error)"
        }
        let width = model.schema.count + 1, k = model.ensemble.scoresPerRow
        json.raw(",\"explanation\":{")
        json.member("method", exact ? "tree_shap" : "tree_path", first: true)
        json.raw(exact ? ",\"approximate\":false" : ",\"approximate\":true")
        if let note { json.member("note", note) }
        json.member("output", ExplanationJSON.output(of: model))
        json.raw(",\"names\":")
        json.strings(model.schema.features.map(\.name) + ["(bias)"])
        json.raw("},\"contributions\":[")
        for row in 0..<rows {
            if row > 0 { json.byte(UInt8(ascii: ",")) }
            if k == 1 {
                json.numbers(contributions[row * width..<(row + 1) * width])
            } else {
                json.byte(UInt8(ascii: "["))
                for score in 0..<k {
                    if score > 0 { json.byte(UInt8(ascii: ",")) }
                    let start = (row * k + score) * width
                    json.numbers(contributions[start..<start + width])
                }
                json.byte(UInt8(ascii: "]"))
            }
        }
        json.byte(UInt8(ascii: "]"))
    }
}
