import ApusStore
import Hummingbird
import Logging
import NIOCore

/// What every route's answer passes through: the key check, problem+json for refusals, the
/// `X-Request-Id` header, the request and latency metrics, the debug request line, and the
/// body size limit. The model server's routes and mounted endpoints share it.
struct RequestGate: Sendable {
    let keys: KeyAuthenticator
    let metrics: ServerMetrics
    let logger: Logger
    /// The largest body read (`--max-body-bytes`).
    let maxBodyBytes: Int

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

    /// The request's body, at most ``maxBodyBytes``.
    ///
    /// - Throws: 413 for a larger body.
    func body(of request: Request) async throws -> ByteBuffer {
        let tooLarge = RequestProblem(status: 413, kind: .bodyTooLarge, title: "Body too large",
                                      detail: "the request body is larger than \(maxBodyBytes) bytes (--max-body-bytes)")
        if let length = request.headers[.contentLength].flatMap(Int.init), length > maxBodyBytes { throw tooLarge }
        var request = request
        do {
            return try await request.collectBody(upTo: maxBodyBytes)
        } catch is NIOTooManyBytesError {
            throw tooLarge
        }
    }
}
