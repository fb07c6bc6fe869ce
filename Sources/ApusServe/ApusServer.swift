import ApusStore
import Hummingbird
import Logging
import ServiceLifecycle

/// The model server: every route over one store, the alias watcher and the prediction-log
/// writer as services, run by a Hummingbird application that drains in-flight requests and
/// then flushes the log on SIGTERM or SIGINT.
public struct ApusServer: Sendable {
    /// What the server runs with.
    public let configuration: ServeConfiguration
    /// Loaded models.
    public let pool: ModelPool
    /// What `/metrics` reports.
    public let metrics: ServerMetrics
    let state: ServingState
    let routeTable: RouteTable

    /// A server over `store`.
    ///
    /// - Parameters:
    ///   - openStore: Opens the same store recording changes as made by another actor (the
    ///     admin routes record an alias move as made by the key that asked for it).
    ///   - logger: Where the server logs (`apus serve` logs JSON lines to standard error).
    ///   - mounts: Endpoints of other modules served beside the model routes (the MCP server
    ///     at `/mcp`), behind the same key check and listed in `/openapi.json`.
    /// - Throws: ``ServeConfigurationError`` for an option out of range, or a mounted path
    ///   that is malformed, repeated or already a route.
    public init(configuration: ServeConfiguration, store: any Store,
                openStore: @escaping @Sendable (_ actor: String) throws -> any Store, logger: Logger,
                mounts: [MountedEndpoint] = []) throws {
        try configuration.validate()
        let metrics = ServerMetrics()
        let background = try configuration.explainBackgroundPath.map { path throws(ServeConfigurationError) in
            try ExplainBackgroundSource(path: path, sampleRows: configuration.explainBackgroundRows)
        }
        let pool = ModelPool(store: store, metrics: metrics, logger: logger, maxRows: configuration.maxRows,
                             unknownFields: configuration.unknownFields, batching: configuration.batching,
                             defaultAlias: configuration.defaultAlias, pinned: configuration.preload, background: background)
        let profiler = LogProfiler(store: store, logger: logger)
        let log = PredictionLogQueue(capacity: configuration.logQueueCapacity, metrics: metrics) { batch in
            // Transactions of at most 500 records, so other processes' writes (an alias moved
            // from the command line) wait for one short transaction, not for the whole queue.
            // A failed transaction does not stop the others.
            var written = 0
            var failure: (any Error)?
            for start in stride(from: 0, to: batch.count, by: 500) {
                do {
                    written += try store.appendPredictions(batch[start..<min(batch.count, start + 500)].map(PredictionLogRendering.record))
                } catch {
                    failure = error
                }
            }
            profiler.record(batch)
            return (written, failure)
        }
        let state = ServingState(configuration: configuration, pool: pool, metrics: metrics, keys: KeyAuthenticator(store: store),
                                 log: log, logger: logger, openStore: openStore)
        let routes = RouteTable(corsOrigins: configuration.corsOrigins)
        state.addApusPredictRoutes(to: routes)
        state.addApusExplainRoutes(to: routes)
        state.addMonitorRoutes(to: routes)
        state.addRegistryRoutes(to: routes)
        state.addFeedbackRoutes(to: routes)
        state.addKServeRoutes(to: routes)
        state.addMLflowRoutes(to: routes)
        state.addOperationsRoutes(to: routes, openAPI: OpenAPIDocument.json(mounted: mounts))
        try MountedEndpoint.validate(mounts, taken: Set(routes.entries.map(\.path)))
        state.gate.addMounted(mounts, to: routes, requireKey: configuration.requireKey)
        self.configuration = configuration
        self.pool = pool
        self.metrics = metrics
        self.state = state
        self.routeTable = routes
    }

    /// `(method, path pattern)` of every route.
    public var routes: [(method: String, path: String)] { routeTable.entries }

    /// Loads the models named at start (`configuration.preload`).
    ///
    /// - Throws: The first that cannot be loaded, or whose features the
    ///   `--explain-background` file lacks, naming it.
    public func preload() async throws {
        for text in configuration.preload {
            let served: ServedModel
            do {
                served = try await pool.model(try pool.reference(text))
            } catch {
                throw ServeConfigurationError(message: "cannot serve `\(text)`: \(error.detail)")
            }
            if case .unusable(let reason) = served.background {
                throw ServeConfigurationError(message: "cannot explain `\(text)` (\(served.reference)): \(reason)")
            }
        }
    }

    /// The Hummingbird application: the routes, plus the alias watcher and the log writer.
    ///
    /// - Parameter onServerRunning: Called with the bound port once the server listens.
    public func application(onServerRunning: @escaping @Sendable (Int) async -> Void = { _ in }) -> some ApplicationProtocol {
        var services: [any Service] = [
            AliasWatcher(pool: pool, interval: .milliseconds(configuration.aliasPollMilliseconds)),
            PredictionLogWriter(queue: state.log, interval: .milliseconds(configuration.logFlushMilliseconds), logger: state.logger),
        ]
        if configuration.monitorIntervalSeconds > 0 {
            services.append(PeriodicMonitor(pool: pool, metrics: state.metrics, configuration: configuration, logger: state.logger))
        }
        return Application(
            router: routeTable.router,
            configuration: .init(address: .hostname(configuration.host, port: configuration.port), serverName: nil),
            services: services,
            onServerRunning: { channel in await onServerRunning(channel.localAddress?.port ?? 0) },
            logger: state.logger)
    }

    /// Writes the prediction log's queue now (tests, and before answering feedback).
    public func flushPredictionLog() async throws { try await state.log.flush() }
}
