import Foundation
import Hummingbird

/// The router, and a list of every route added to it: the OpenAPI document is checked
/// against the list, so a route cannot be added without being documented.
final class RouteTable: @unchecked Sendable {
    typealias Handler = @Sendable (Request, BasicRequestContext) async -> Response

    let router: Router<BasicRequestContext>
    /// `(method, path pattern)` of every route, in the order added.
    private(set) var entries: [(method: String, path: String)] = []

    init(router: Router<BasicRequestContext>) { self.router = router }

    /// An empty table whose router answers refusals as problem+json and, when `corsOrigins`
    /// names any, allows those origins (`--cors-origin`).
    convenience init(corsOrigins: [String]) {
        let router = Router()
        router.add(middleware: ProblemMiddleware())
        if !corsOrigins.isEmpty { router.add(middleware: OriginMiddleware(origins: corsOrigins)) }
        self.init(router: router)
    }

    func get(_ path: String, _ handler: @escaping Handler) { add(.get, path, handler) }
    func post(_ path: String, _ handler: @escaping Handler) { add(.post, path, handler) }
    func delete(_ path: String, _ handler: @escaping Handler) { add(.delete, path, handler) }

    private func add(_ method: HTTPRequest.Method, _ path: String, _ handler: @escaping Handler) {
        entries.append((method.rawValue, path))
        router.on(RouterPath(path), method: method) { request, context in await handler(request, context) }
    }
}

extension BasicRequestContext {
    /// A path parameter, percent-decoded (clients such as tritonclient send
    /// `credit-risk%40champion` for `credit-risk@champion`); empty when absent.
    func pathParameter(_ name: String) -> String {
        guard let raw = parameters.get(name) else { return "" }
        return raw.removingPercentEncoding ?? raw
    }
}
