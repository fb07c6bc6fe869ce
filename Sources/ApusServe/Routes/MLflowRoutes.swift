import ApusService
import Hummingbird

/// MLflow's scoring protocol (`mlflow models serve`), so MLflow clients work unchanged:
/// `POST /invocations` answers for the first model `apus serve` names, reading
/// `dataframe_split`, `dataframe_records`, `instances` or `inputs` JSON, or `text/csv`;
/// `{"predictions": [...]}` holds the probability of the positive class, class
/// probabilities per row, or regression values. `GET /ping` and `/health` answer 200.
extension ServingState {
    func addMLflowRoutes(to routes: RouteTable) {
        for path in ["/ping", "/health"] {
            routes.get(path) { request, _ in
                await answer(request, route: path, flavor: .mlflow, roles: nil) { _ in
                    Response(status: .ok, headers: [.contentType: "application/json"], body: .init(byteBuffer: ByteBuffer(string: "{}")))
                }
            }
        }
        routes.get("/version") { request, _ in
            await answer(request, route: "/version", flavor: .mlflow, roles: nil) { _ in
                Response(status: .ok, headers: [.contentType: "text/plain"], body: .init(byteBuffer: ByteBuffer(string: ApusBuild.version)))
            }
        }
        routes.post("/invocations") { request, _ in
            await answer(request, route: "/invocations", flavor: .mlflow, roles: inferenceRoles) { exchange in
                guard let reference = configuration.preload.first else {
                    throw RequestProblem(status: 404, kind: .notFound, title: "No model for /invocations",
                                         detail: "/invocations answers for the first model `apus serve` names (apus serve credit-risk@champion); this server was started without one. /v1/models/{name}/predict takes any model.")
                }
                let inference = try await infer(
                    reference: reference, route: "invocations", request: request, exchange: &exchange,
                    accepted: ["application/json", "text/csv"]
                ) { decoder, mediaType, bytes throws(RequestProblem) in
                    mediaType == "text/csv" ? try decoder.decodeMLflowCSV(bytes) : try decoder.decodeMLflow(bytes)
                }
                var json = JSONWriter(capacity: 32 + inference.output.values.count * 24)
                json.raw("{\"predictions\":")
                inference.output.writeValues(into: &json)
                json.byte(UInt8(ascii: "}"))
                return jsonResponse(json)
            }
        }
    }
}
