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

    /// One request's bookkeeping: its id, the model it was about, when it began.
    struct Exchange {
        let requestID: String
        let start: ContinuousClock.Instant
        var model = ""
        var version = ""
    }

    /// Answers a request: checks its key, runs `work`, turns a ``RequestProblem`` (or any
    /// other error, as a logged 500) into problem+json, adds `X-Request-Id`, and counts the
    /// request and its latency.
    func answer(
        _ request: Request, route: String, flavor: ClientFlavor, roles: [APIKeyRole]?,
        _ work: (inout Exchange) async throws -> Response
    ) async -> Response {
        metrics.inFlight.increment()
        var exchange = Exchange(requestID: RequestIDs.id(supplied: request.headers[RequestIDs.header]), start: .now)
        var response: Response
        do {
            if let roles { try keys.require(roles, for: request.head, route: route) }
            response = try await work(&exchange)
        } catch let problem as RequestProblem {
            metrics.recordError(kind: problem.kind.rawValue)
            if problem.status >= 500 {
                logger.error("request failed", metadata: ["request_id": "\(exchange.requestID)", "route": "\(route)", "error": "\(problem.detail)"])
            }
            response = problem.response(requestID: exchange.requestID, instance: request.uri.path, flavor: flavor)
        } catch {
            metrics.recordError(kind: "internal")
            logger.error("internal error", metadata: ["request_id": "\(exchange.requestID)", "route": "\(route)", "error": "\(error)"])
            response = RequestProblem(status: 500, kind: .unavailable, title: "Internal error",
                                      detail: "the server failed to answer (request \(exchange.requestID) in its log)")
                .response(requestID: exchange.requestID, instance: request.uri.path, flavor: flavor)
        }
        response.headers[RequestIDs.header] = exchange.requestID
        metrics.inFlight.decrement()
        let nanoseconds = (ContinuousClock.now - exchange.start).nanoseconds
        metrics.recordRequest(model: exchange.model, version: exchange.version, route: route,
                              status: response.status.code, nanoseconds: nanoseconds)
        // One line per request at debug level (`--log-level debug`); free when not written.
        logger.debug("request", metadata: [
            "request_id": "\(exchange.requestID)", "method": "\(request.method.rawValue)", "path": "\(request.uri.path)",
            "status": "\(response.status.code)", "latency_ms": "\(Double(nanoseconds) / 1e6)",
            "model": "\(exchange.model)", "version": "\(exchange.version)",
        ])
        return response
    }

    /// The request's body, at most `--max-body-bytes`.
    ///
    /// - Throws: 413 for a larger body.
    func body(of request: Request) async throws -> ByteBuffer {
        let tooLarge = RequestProblem(status: 413, kind: .bodyTooLarge, title: "Body too large",
                                      detail: "the request body is larger than \(configuration.maxBodyBytes) bytes (--max-body-bytes)")
        if let length = request.headers[.contentLength].flatMap(Int.init), length > configuration.maxBodyBytes { throw tooLarge }
        var request = request
        do {
            return try await request.collectBody(upTo: configuration.maxBodyBytes)
        } catch is NIOTooManyBytesError {
            throw tooLarge
        }
    }

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
