import ApusModel
import ApusService
import Hummingbird

/// The Open Inference Protocol (KServe V2) REST API, so KServe and Triton clients work
/// unchanged. `{name}` is a model name (meaning `NAME@<default alias>`) or any reference
/// (`credit-risk@champion`); `/versions/{v}` names a registry version.
///
/// Inputs are one tensor per feature (shape `[N]` or `[N, 1]`; BYTES for categorical
/// features) or one numeric `[N, F]` tensor in the model's feature order. Outputs:
/// `predict` (FP64: the probability of the positive class, class probabilities `[N, K]`, or
/// the regression value) and, for classifiers, `label` (BYTES).
extension ServingState {
    func addKServeRoutes(to routes: RouteTable) {
        routes.get("/v2") { request, _ in
            await answer(request, route: "/v2", flavor: .kserve, roles: readRoles) { _ in
                var json = JSONWriter()
                json.raw("{\"name\":\"apus\",\"version\":")
                json.string(ApusBuild.version)
                json.raw(",\"extensions\":[]}")
                return jsonResponse(json)
            }
        }
        routes.get("/v2/health/live") { request, _ in
            await answer(request, route: "/v2/health/live", flavor: .kserve, roles: nil) { _ in
                var json = JSONWriter()
                json.raw("{\"live\":true}")
                return jsonResponse(json)
            }
        }
        routes.get("/v2/health/ready") { request, _ in
            await answer(request, route: "/v2/health/ready", flavor: .kserve, roles: nil) { _ in
                let ready = isReady
                var json = JSONWriter()
                json.raw("{\"ready\":")
                json.bool(ready)
                json.byte(UInt8(ascii: "}"))
                return jsonResponse(json, status: ready ? .ok : .serviceUnavailable)
            }
        }
        for versioned in [false, true] {
            let base = versioned ? "/v2/models/{name}/versions/{version}" : "/v2/models/{name}"
            let reference: @Sendable (BasicRequestContext) -> String = { context in
                let name = context.pathParameter("name")
                return versioned ? "\(name)/\(context.pathParameter("version"))" : name
            }
            routes.get(base) { request, context in
                await answer(request, route: base, flavor: .kserve, roles: readRoles) { exchange in
                    let served = try await pool.model(try pool.reference(reference(context)))
                    exchange.model = served.name
                    exchange.version = String(served.version)
                    return jsonResponse(try await kserveMetadata(served))
                }
            }
            routes.get(base + "/ready") { request, context in
                await answer(request, route: base + "/ready", flavor: .kserve, roles: readRoles) { exchange in
                    let served = try await pool.model(try pool.reference(reference(context)))
                    exchange.model = served.name
                    exchange.version = String(served.version)
                    var json = JSONWriter()
                    json.byte(UInt8(ascii: "{"))
                    json.member("name", context.pathParameter("name"), first: true)
                    json.raw(",\"ready\":true}")
                    return jsonResponse(json)
                }
            }
            routes.post(base + "/infer") { request, context in
                await answer(request, route: base + "/infer", flavor: .kserve, roles: inferenceRoles) { exchange in
                    let name = reference(context)
                    let inference = try await infer(
                        reference: name, route: "v2", request: request, exchange: &exchange,
                        check: { served, rows throws(RequestProblem) in _ = try Self.outputs(of: served, requested: rows.requestedOutputs) }
                    ) { decoder, _, bytes throws(RequestProblem) in try decoder.decodeKServe(bytes) }
                    return jsonResponse(try kserveBody(inference, name: context.pathParameter("name"),
                                                       requestID: exchange.requestID))
                }
            }
        }
    }

    /// Ready when every model named at start is loaded.
    var isReady: Bool {
        configuration.preload.allSatisfy { text in
            (try? pool.reference(text)).flatMap { pool.loaded($0) } != nil
        }
    }

    private func kserveMetadata(_ served: ServedModel) async throws -> JSONWriter {
        let model = served.model
        let versions = (try? await pool.versions(of: served.name)) ?? [served.version]
        var json = JSONWriter()
        json.byte(UInt8(ascii: "{"))
        json.member("name", served.name, first: true)
        json.raw(",\"versions\":")
        json.strings(versions.map(String.init))
        json.member("platform", "apus_gbdt")
        json.raw(",\"inputs\":[")
        for (index, feature) in model.schema.features.enumerated() {
            if index > 0 { json.byte(UInt8(ascii: ",")) }
            json.byte(UInt8(ascii: "{"))
            json.member("name", feature.name, first: true)
            json.member("datatype", feature.kind == .categorical ? "BYTES" : "FP64")
            json.raw(",\"shape\":[-1]}")
        }
        json.raw("],\"outputs\":[{\"name\":\"predict\",\"datatype\":\"FP64\",\"shape\":")
        json.raw(model.task == .multiclass ? "[-1," : "[-1]")
        if model.task == .multiclass { json.integer(model.classes.count); json.byte(UInt8(ascii: "]")) }
        json.byte(UInt8(ascii: "}"))
        if model.task != .regression { json.raw(",{\"name\":\"label\",\"datatype\":\"BYTES\",\"shape\":[-1]}") }
        json.raw("]}")
        return json
    }

    /// The output tensors to answer with: those requested, or all.
    ///
    /// - Throws: 400 naming a requested output the model does not have.
    static func outputs(of served: ServedModel, requested: [String]?) throws(RequestProblem) -> [String] {
        let available = served.model.task == .regression ? ["predict"] : ["predict", "label"]
        guard let requested else { return available }
        for name in requested where !available.contains(name) {
            throw RequestProblem.invalid("the model has no output `\(name)` (its outputs: \(available.joined(separator: ", ")))",
                                         pointer: "/outputs", field: name)
        }
        return requested
    }

    private func kserveBody(_ inference: Inference, name: String, requestID: String) throws(RequestProblem) -> JSONWriter {
        let served = inference.served, output = inference.output
        let wanted = try Self.outputs(of: served, requested: inference.rows.requestedOutputs)
        var json = JSONWriter(capacity: 160 + output.values.count * 24)
        json.byte(UInt8(ascii: "{"))
        json.member("model_name", name, first: true)
        json.member("model_version", String(served.version))
        json.member("id", inference.rows.id ?? requestID)
        json.raw(",\"outputs\":[")
        var first = true
        for name in wanted {
            if !first { json.byte(UInt8(ascii: ",")) }
            first = false
            json.byte(UInt8(ascii: "{"))
            json.member("name", name, first: true)
            if name == "predict" {
                json.raw(",\"datatype\":\"FP64\",\"shape\":[")
                json.integer(output.rows)
                if output.width > 1 { json.byte(UInt8(ascii: ",")); json.integer(output.width) }
                json.raw("],\"data\":")
                json.numbers(output.values)
            } else {
                json.raw(",\"datatype\":\"BYTES\",\"shape\":[")
                json.integer(output.rows)
                json.raw("],\"data\":")
                json.strings(output.labels ?? [])
            }
            json.byte(UInt8(ascii: "}"))
        }
        json.raw("]}")
        return json
    }
}
