import HTTPTypes
import Hummingbird

/// Answers what the router itself refuses (an unknown path, a method a path does not take)
/// as problem+json, like every other refusal.
struct ProblemMiddleware: RouterMiddleware {
    typealias Context = BasicRequestContext

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        do {
            return try await next(request, context)
        } catch let error as HTTPError {
            let status = Int(error.status.code)
            let problem = RequestProblem(
                status: status, kind: status == 404 ? .notFound : .invalidRequest,
                title: status == 404 ? "No such route" : error.status.reasonPhrase,
                detail: status == 404 ? "no route \(request.method.rawValue) \(request.uri.path) (GET /openapi.json lists the routes)"
                    : error.body ?? "\(request.method.rawValue) \(request.uri.path): \(error.status.reasonPhrase)")
            let requestID = RequestIDs.id(supplied: request.headers[RequestIDs.header])
            var response = problem.response(requestID: requestID, instance: request.uri.path, flavor: .apus)
            response.headers[RequestIDs.header] = requestID
            for field in error.headers { response.headers.append(field) }
            return response
        }
    }
}

/// Cross-origin requests from the configured origins only (`--cors-origin`, `*` for any).
/// Without the option no CORS headers are sent, so browsers refuse other origins.
struct OriginMiddleware: RouterMiddleware {
    typealias Context = BasicRequestContext
    let origins: [String]

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        guard let origin = request.headers[.origin], origins.contains("*") || origins.contains(origin) else {
            return try await next(request, context)
        }
        let allowed = origins.contains("*") ? "*" : origin
        if request.method == .options, request.headers[.accessControlRequestMethod] != nil {
            return Response(status: .noContent, headers: [
                .accessControlAllowOrigin: allowed, .vary: "Origin",
                // DELETE and the MCP headers: a browser MCP client ends its session at /mcp.
                .accessControlAllowMethods: "GET, POST, DELETE, OPTIONS",
                .accessControlAllowHeaders: "Authorization, Content-Type, Accept, X-API-Key, X-Request-Id, Mcp-Session-Id, MCP-Protocol-Version, Last-Event-ID",
                .accessControlMaxAge: "600",
            ])
        }
        var response = try await next(request, context)
        response.headers[.accessControlAllowOrigin] = allowed
        response.headers[.accessControlExposeHeaders] = "X-Request-Id, Mcp-Session-Id"
        response.headers.append(HTTPField(name: .vary, value: "Origin"))
        return response
    }
}
