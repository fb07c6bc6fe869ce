import ApusMonitor
import ApusService
import ApusStore
import Dispatch
import Foundation
import Hummingbird

/// `GET /v1/models/{name}/monitor` (and `/v1/models/{name}/versions/{version}/monitor`): the
/// monitoring report (the JSON of `apus monitor --json`) of the served version's prediction log
/// over a recent window against its reference. Query parameters: `since` (default
/// `--monitor-window`, 24h), `until`, `policy`, `test`, `alpha`, `drift_share`, `sensitive`,
/// `domain_classifier` (`false` skips it). The report also sets the drift gauges of `/metrics`.
extension ServingState {
    func addMonitorRoutes(to routes: RouteTable) {
        routes.get("/v1/models/{name}/monitor") { request, context in
            await monitorV1(request, reference: context.pathParameter("name"), route: "/v1/models/{name}/monitor")
        }
        routes.get("/v1/models/{name}/versions/{version}/monitor") { request, context in
            let reference = "\(context.pathParameter("name"))/\(context.pathParameter("version"))"
            return await monitorV1(request, reference: reference, route: "/v1/models/{name}/versions/{version}/monitor")
        }
    }

    private func monitorV1(_ request: Request, reference: String, route: String) async -> Response {
        await answer(request, route: route, flavor: .apus, roles: readRoles) { exchange in
            let served = try await pool.model(try pool.reference(reference))
            exchange.model = served.name
            exchange.version = String(served.version)
            let query = request.uri.queryParameters
            var monitor = MonitorRequest(model: served.reference)
            monitor.referencePath = configuration.monitorReferencePath
            monitor.since = query["since"].map(String.init) ?? configuration.monitorWindow
            monitor.until = query["until"].map(String.init)
            monitor.sensitive = query["sensitive"].map(String.init)
            monitor.threads = 1
            func invalid(_ detail: String, field: String) -> RequestProblem {
                RequestProblem(status: 400, kind: .invalidRequest, title: "Invalid monitor query", detail: detail, field: field)
            }
            if let text = query["policy"] {
                guard let policy = DriftPolicy(rawValue: String(text)) else {
                    throw invalid("policy `\(text)` is not one of \(DriftPolicy.allCases.map(\.rawValue).joined(separator: ", "))", field: "policy")
                }
                monitor.drift.policy = policy
                if policy == .evidently { monitor.drift.correction = .none }
            }
            if let text = query["test"] {
                guard let test = DriftTest(rawValue: String(text)) else {
                    throw invalid("test `\(text)` is not one of \(DriftTest.allCases.map(\.rawValue).joined(separator: ", "))", field: "test")
                }
                monitor.drift.test = test
            }
            for (name, path) in [("alpha", \DriftOptions.alpha), ("drift_share", \DriftOptions.driftShare)] {
                guard let text = query[Substring(name)] else { continue }
                guard let value = Double(String(text)) else { throw invalid("\(name) `\(text)` is not a number", field: name) }
                monitor.drift[keyPath: path] = value
            }
            if query["domain_classifier"].map(String.init) == "false" { monitor.domainClassifier = nil }
            let resolved = ResolvedModel(model: served.model, reference: .version(model: served.name, version: served.version),
                                         version: served.registryVersion, path: "")
            let store = pool.store
            let asked = monitor
            let outcome: MonitorOutcome
            do {
                outcome = try await Self.offloaded { try ModelMonitoring.run(asked, resolved: resolved) { store } }
            } catch {
                throw invalid("cannot monitor \(served.reference): \(error)", field: "reference")
            }
            metrics.drift.record(model: served.name, version: served.version, report: outcome.report,
                                 timestamp: Date().timeIntervalSince1970)
            return Response(status: .ok, headers: [.contentType: "application/json"],
                            body: .init(byteBuffer: ByteBuffer(string: outcome.report.text)))
        }
    }

    /// Runs CPU-heavy work off the server's event loops.
    static func offloaded<T: Sendable>(_ body: @escaping @Sendable () throws -> T) async throws -> T {
        try await withCheckedThrowingContinuation { continuation in
            DispatchQueue.global(qos: .utility).async {
                continuation.resume(with: Result { try body() })
            }
        }
    }
}
