import ApusService
import Foundation
import Logging
import ServiceLifecycle
import Synchronization

/// The service behind `--monitor-interval`: every interval it compares each served version's
/// recent prediction log (`--monitor-window`) with its reference and sets the drift gauges of
/// `/metrics`, so a Prometheus alert can fire on drift without anyone asking for a report. A
/// version that cannot be monitored (no stored profile, no logged inputs) is logged once per
/// round at `notice` and skipped.
struct PeriodicMonitor: Service {
    let pool: ModelPool
    let metrics: ServerMetrics
    let configuration: ServeConfiguration
    let logger: Logger

    func run() async throws {
        let stopping = Atomic<Bool>(false)
        let interval = Duration.seconds(configuration.monitorIntervalSeconds)
        await withGracefulShutdownHandler {
            while !stopping.load(ordering: .relaxed) && !Task.isCancelled {
                try? await cancelWhenGracefulShutdown { try await Task.sleep(for: interval) }
                guard !stopping.load(ordering: .relaxed) && !Task.isCancelled else { break }
                await refresh()
            }
        } onGracefulShutdown: {
            stopping.store(true, ordering: .relaxed)
        }
    }

    /// One round: every distinct served version, one after another.
    func refresh() async {
        var seen = Set<String>()
        for (_, served) in pool.loadedReferences() where seen.insert(served.reference).inserted {
            var request = MonitorRequest(model: served.reference)
            request.referencePath = configuration.monitorReferencePath
            request.since = configuration.monitorWindow
            request.threads = 1
            let resolved = ResolvedModel(model: served.model, reference: .version(model: served.name, version: served.version),
                                         version: served.registryVersion, path: "")
            let store = pool.store
            let asked = request
            do {
                let outcome = try await ServingState.offloaded { try ModelMonitoring.run(asked, resolved: resolved) { store } }
                metrics.drift.record(model: served.name, version: served.version, report: outcome.report,
                                     timestamp: Date().timeIntervalSince1970)
                if outcome.alert {
                    logger.warning("drift", metadata: ["model": "\(served.name)", "version": "\(served.version)",
                                                       "reasons": "\(outcome.alertReasons.joined(separator: "; "))"])
                }
            } catch {
                logger.notice("not monitored", metadata: ["model": "\(served.name)", "version": "\(served.version)", "reason": "\(error)"])
            }
        }
    }
}
