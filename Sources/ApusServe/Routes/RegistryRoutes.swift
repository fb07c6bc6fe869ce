import ApusModel
import ApusStore
import Foundation
import Hummingbird

/// Reading the registry (`GET /v1/models`, `GET /v1/models/{name}/schema`) and the admin
/// routes that move aliases (`POST /v1/models/{name}/aliases/{alias}`, `.../rollback`),
/// which always need an admin key and are recorded in the audit trail as made by that key.
extension ServingState {
    func addRegistryRoutes(to routes: RouteTable) {
        routes.get("/v1/models") { request, _ in
            await answer(request, route: "/v1/models", flavor: .apus, roles: readRoles) { _ in
                let models: [(RegisteredModel, [ModelVersion])]
                do {
                    models = try await pool.storeCall { try pool.store.models().map { ($0, try pool.store.versions(of: $0.name)) } }
                } catch let error as StoreError {
                    throw RequestProblem(status: 503, kind: .unavailable, title: "Store unavailable", detail: error.description)
                }
                let serving = pool.loadedReferences()
                var json = JSONWriter()
                json.raw("{\"models\":[")
                for (index, (model, versions)) in models.enumerated() {
                    if index > 0 { json.byte(UInt8(ascii: ",")) }
                    json.byte(UInt8(ascii: "{"))
                    json.member("name", model.name, first: true)
                    json.member("description", model.description)
                    json.member("latest_version", model.latestVersion)
                    json.raw(",\"aliases\":{")
                    for (position, alias) in model.aliases.sorted(by: { $0.key < $1.key }).enumerated() {
                        json.member(alias.key, alias.value, first: position == 0)
                    }
                    json.raw("},\"versions\":[")
                    for (position, version) in versions.enumerated() {
                        if position > 0 { json.byte(UInt8(ascii: ",")) }
                        json.byte(UInt8(ascii: "{"))
                        json.member("version", version.version, first: true)
                        json.member("status", version.status.rawValue)
                        json.member("created", version.created)
                        json.raw(",\"aliases\":")
                        json.strings(version.aliases)
                        json.raw(",\"metrics\":{")
                        for (metric, (name, value)) in version.metrics.sorted(by: { $0.key < $1.key }).enumerated() {
                            if metric > 0 { json.byte(UInt8(ascii: ",")) }
                            json.key(name)
                            json.number(value)
                        }
                        json.raw("}}")
                    }
                    json.raw("],\"serving\":[")
                    var first = true
                    for loaded in serving where loaded.model.name == model.name {
                        if !first { json.byte(UInt8(ascii: ",")) }
                        first = false
                        json.byte(UInt8(ascii: "{"))
                        json.member("reference", loaded.reference, first: true)
                        json.member("version", loaded.model.version)
                        json.byte(UInt8(ascii: "}"))
                    }
                    json.raw("]}")
                }
                json.raw("]}")
                return jsonResponse(json)
            }
        }
        routes.get("/v1/models/{name}/schema") { request, context in
            await answer(request, route: "/v1/models/{name}/schema", flavor: .apus, roles: readRoles) { exchange in
                let served = try await pool.model(try pool.reference(context.pathParameter("name")))
                exchange.model = served.name
                exchange.version = String(served.version)
                return jsonResponse(InputSchema.jsonSchema(of: served, maxRows: configuration.maxRows))
            }
        }
        routes.post("/v1/models/{name}/aliases/{alias}") { request, context in
            await answer(request, route: "/v1/models/{name}/aliases/{alias}", flavor: .apus, roles: [.admin]) { exchange in
                let name = context.pathParameter("name"), alias = context.pathParameter("alias")
                let body = try await adminBody(request, required: ["version", "reason"])
                guard !isJSONBoolean(body["version"]), let version = body["version"] as? Int, version > 0 else {
                    throw RequestProblem.invalid("`version` must be a positive whole number", pointer: "/version", field: "version")
                }
                let reason = body["reason"] as? String ?? ""
                let actor = try adminActor(request)
                let move = try await storeChange { try openStore(actor).setAlias(model: name, alias: alias, version: version, reason: reason) }
                exchange.model = name
                return jsonResponse(aliasMoveBody(move))
            }
        }
        routes.post("/v1/models/{name}/aliases/{alias}/rollback") { request, context in
            await answer(request, route: "/v1/models/{name}/aliases/{alias}/rollback", flavor: .apus, roles: [.admin]) { exchange in
                let name = context.pathParameter("name"), alias = context.pathParameter("alias")
                let body = try await adminBody(request, required: ["reason"])
                let reason = body["reason"] as? String ?? ""
                let actor = try adminActor(request)
                let move = try await storeChange { try openStore(actor).rollback(model: name, alias: alias, reason: reason) }
                exchange.model = name
                return jsonResponse(aliasMoveBody(move))
            }
        }
    }

    /// A small admin body read with JSONSerialization (not a hot path); `required` members
    /// must be present, and no others.
    private func adminBody(_ request: Request, required: [String]) async throws -> [String: Any] {
        _ = try mediaType(of: request, accepted: ["application/json"])
        let buffer = try await body(of: request)
        guard let object = try? JSONSerialization.jsonObject(with: Data(buffer: buffer)) as? [String: Any] else {
            throw RequestProblem.invalid("the body must be a JSON object with \(required.map { "`\($0)`" }.joined(separator: " and "))")
        }
        for name in required where object[name] == nil {
            throw RequestProblem.invalid("the body lacks `\(name)`", pointer: "/\(name)", field: name)
        }
        for name in object.keys where !required.contains(name) {
            throw RequestProblem.invalid("unknown member `\(name)` (the body takes \(required.joined(separator: ", ")))", pointer: "/\(name)", field: name)
        }
        if let reason = object["reason"], (reason as? String)?.isEmpty ?? true {
            throw RequestProblem.invalid("`reason` must be a non-empty string: it goes into the audit trail", pointer: "/reason", field: "reason")
        }
        return object
    }

    /// Who an admin change is recorded as made by: the key's name.
    private func adminActor(_ request: Request) throws(RequestProblem) -> String {
        let key = try keys.key(of: request.head)
        return "api-key:\(key?.name ?? "unknown")"
    }

    /// Runs a store change; a refusal of the store (unknown model, archived version, nothing
    /// to roll back) is the client's 400 or 404.
    private func storeChange<T: Sendable>(_ body: @escaping @Sendable () throws -> T) async throws -> T {
        do {
            return try await pool.storeCall(body)
        } catch let error as StoreError where error.isStoreFailure {
            throw RequestProblem(status: 503, kind: .unavailable, title: "Store unavailable", detail: error.description)
        } catch let error as StoreError {
            let missing = error.description.contains("there is no") || error.description.contains(" has no ")
            throw RequestProblem(status: missing ? 404 : 400, kind: missing ? .notFound : .invalidRequest,
                                 title: missing ? "Not found" : "Refused by the registry", detail: error.description)
        }
    }

    private func aliasMoveBody(_ move: AliasMove) -> JSONWriter {
        var json = JSONWriter()
        json.byte(UInt8(ascii: "{"))
        json.member("model", move.model, first: true)
        json.member("alias", move.alias)
        json.member("version", move.version)
        if let previous = move.previousVersion { json.member("previous_version", previous) }
        json.member("action", move.action)
        json.member("actor", move.actor)
        json.member("reason", move.reason)
        json.member("time", move.time)
        json.byte(UInt8(ascii: "}"))
        return json
    }
}

/// Whether a JSONSerialization value is `true` or `false` (on Linux they arrive as NSNumbers
/// that also read as the integers 1 and 0).
func isJSONBoolean(_ value: Any?) -> Bool {
    guard let value else { return false }
    if value is Bool, !(value is NSNumber) { return true }
    guard let number = value as? NSNumber else { return false }
    return String(cString: number.objCType) == "c"
}
