import ApusStore
import Foundation
import Hummingbird
import Logging
import NIOCore

/// What every route shares: the configuration, loaded models, metrics, key checks and the
/// prediction log.
struct ServingState: Sendable {
    let configuration: ServeConfiguration
    let pool: ModelPool
    let metrics: ServerMetrics
    let keys: KeyAuthenticator
    let log: PredictionLogQueue
    let logger: Logger
    /// Opens the store as another actor (admin changes are recorded as made by the key's name).
    let openStore: @Sendable (_ actor: String) throws -> any Store

    /// The roles inference routes need (none unless `--require-key`).
    var inferenceRoles: [APIKeyRole]? { configuration.requireKey ? [.predict] : nil }
    /// The roles reading routes need (none unless `--require-key`); a predict key may read
    /// what its clients need to call the model (metadata, schema).
    var readRoles: [APIKeyRole]? { configuration.requireKey ? [.read, .predict] : nil }

    /// One request's bookkeeping (see ``RequestGate/Exchange``).
    typealias Exchange = RequestGate.Exchange

    /// The key check, refusals, request ids, metrics and body limit every route shares.
    var gate: RequestGate { RequestGate(keys: keys, metrics: metrics, logger: logger, maxBodyBytes: configuration.maxBodyBytes) }

    /// Answers a request through ``gate`` (see ``RequestGate/answer(_:route:flavor:roles:_:)``).
    func answer(
        _ request: Request, route: String, flavor: ClientFlavor, roles: [APIKeyRole]?,
        _ work: (inout Exchange) async throws -> Response
    ) async -> Response {
        await gate.answer(request, route: route, flavor: flavor, roles: roles, work)
    }

    /// The request's body, at most `--max-body-bytes`.
    ///
    /// - Throws: 413 for a larger body.
    func body(of request: Request) async throws -> ByteBuffer { try await gate.body(of: request) }

    /// Checks the request's media type is one of `accepted` (a missing one counts as the first).
    ///
    /// - Throws: 415 naming the type sent and the ones accepted.
    func mediaType(of request: Request, accepted: [String]) throws(RequestProblem) -> String {
        guard let value = request.headers[.contentType] else { return accepted[0] }
        let type = (value.split(separator: ";", maxSplits: 1).first ?? "").trimmingCharacters(in: .whitespaces).lowercased()
        if let charset = value.lowercased().split(separator: ";").dropFirst().first(where: { $0.contains("charset") }),
           !charset.contains("utf-8") && !charset.contains("utf8") {
            throw RequestProblem(status: 415, kind: .unsupportedMediaType, title: "Unsupported media type",
                                 detail: "only UTF-8 bodies are read, not `\(value)`")
        }
        guard accepted.contains(type) else {
            throw RequestProblem(status: 415, kind: .unsupportedMediaType, title: "Unsupported media type",
                                 detail: "this route reads \(accepted.joined(separator: " or ")), not `\(value)`")
        }
        return type
    }
}

/// A JSON response.
func jsonResponse(_ json: JSONWriter, status: HTTPResponse.Status = .ok) -> Response {
    Response(status: status, headers: [.contentType: "application/json"], body: .init(byteBuffer: ByteBuffer(bytes: json.bytes)))
}
