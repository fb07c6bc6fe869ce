import Hummingbird

/// `GET /metrics` (Prometheus text format) and `GET /openapi.json`.
extension ServingState {
    /// `openAPI` is the document served (``OpenAPIDocument/json(mounted:)``).
    func addOperationsRoutes(to routes: RouteTable, openAPI: String) {
        routes.get("/metrics") { request, _ in
            await answer(request, route: "/metrics", flavor: .apus, roles: configuration.requireKey ? [.read] : nil) { _ in
                Response(status: .ok, headers: [.contentType: "text/plain; version=0.0.4; charset=utf-8"],
                         body: .init(byteBuffer: ByteBuffer(bytes: metrics.exposition())))
            }
        }
        routes.get("/openapi.json") { request, _ in
            await answer(request, route: "/openapi.json", flavor: .apus, roles: nil) { _ in
                Response(status: .ok, headers: [.contentType: "application/json"],
                         body: .init(byteBuffer: ByteBuffer(string: openAPI)))
            }
        }
    }
}
