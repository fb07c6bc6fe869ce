import ApusExplain
import ApusModel
import ApusService
import Hummingbird

/// Apus's explanation route: `POST /v1/models/{name}/explain` (and
/// `/v1/models/{name}/versions/{version}/explain`), the predict body plus `"top_k"`,
/// `"adverse"`, `"reference"`, `"threshold"` and `"min_effect"`; per row the prediction, exact SHAP values
/// by feature, their bias and sum check, and reason codes.
extension ServingState {
    func addApusExplainRoutes(to routes: RouteTable) {
        routes.post("/v1/models/{name}/explain") { request, context in
            await explainV1(request, reference: context.pathParameter("name"), route: "/v1/models/{name}/explain")
        }
        routes.post("/v1/models/{name}/versions/{version}/explain") { request, context in
            let reference = "\(context.pathParameter("name"))/\(context.pathParameter("version"))"
            return await explainV1(request, reference: reference, route: "/v1/models/{name}/versions/{version}/explain")
        }
    }

    private func explainV1(_ request: Request, reference: String, route: String) async -> Response {
        await answer(request, route: route, flavor: .apus, roles: inferenceRoles) { exchange in
            var members = ExplainMembers()
            var options = ExplanationOptions(threads: 1)
            let inference = try await infer(
                reference: reference, route: "v1/explain", request: request, exchange: &exchange,
                check: { served, _ throws(RequestProblem) in options = try ExplainRequest.options(members, served: served) },
                decode: { decoder, _, bytes throws(RequestProblem) in
                    let decoded = try decoder.decodeApusExplain(bytes)
                    members = decoded.members
                    return decoded.rows
                })
            let served = inference.served
            let explanation: ModelExplanation
            do {
                explanation = try served.explainer()
                    .explain(features: inference.rows.features, rawScores: inference.rawScores, options: options)
            } catch {
                throw RequestProblem(status: 400, kind: .invalidRequest, title: "Cannot explain",
                                     detail: "\(served.reference) cannot be explained: \(error)")
            }
            var json = JSONWriter(capacity: 256 + explanation.values.count * 40)
            json.byte(UInt8(ascii: "{"))
            json.member("request_id", exchange.requestID, first: true)
            json.member("model", served.name)
            json.member("version", served.version)
            json.member("reference", reference)
            json.member("task", served.model.task.rawValue)
            if served.model.task != .regression {
                json.raw(",\"classes\":")
                json.strings(served.model.classes)
            }
            ExplanationJSON.writeMethod(explanation, options: options, model: served.model, into: &json)
            ExplanationJSON.writeRowNotes(inference.rows, model: served.model, into: &json)
            json.raw(",\"rows\":[")
            for row in 0..<explanation.rows {
                if row > 0 { json.byte(UInt8(ascii: ",")) }
                ExplanationJSON.writeRow(row, of: explanation, model: served.model, into: &json)
            }
            json.raw("]}")
            return jsonResponse(json)
        }
    }
}
