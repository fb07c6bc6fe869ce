import ApusStore
import Hummingbird
import Logging

/// A server of mounted endpoints only (`apus mcp --http`): no model routes, no
/// `/openapi.json`, every other path 404. Keys, the body limit, request ids and refusals work
/// as in ``ApusServer``, through the same code.
public struct MountedServer: Sendable {
    /// What it runs with; it reads `host`, `port`, `requireKey`, `maxBodyBytes` and `corsOrigins`.
    public let configuration: ServeConfiguration
    /// What it counts (requests by route and status, latency, errors); not served.
    public let metrics: ServerMetrics
    private let logger: Logger
    private let routeTable: RouteTable

    /// A server of `endpoints`, checking API keys against `store`.
    ///
    /// - Throws: An option out of range, or a mounted path that is malformed or repeated.
    public init(endpoints: [MountedEndpoint], configuration: ServeConfiguration, store: any Store,
                logger: Logger) throws(ServeConfigurationError) {
        try configuration.validate()
        try MountedEndpoint.validate(endpoints, taken: [])
        let metrics = ServerMetrics()
        let gate = RequestGate(keys: KeyAuthenticator(store: store), metrics: metrics, logger: logger,
                               maxBodyBytes: configuration.maxBodyBytes)
        let routes = RouteTable(corsOrigins: configuration.corsOrigins)
        gate.addMounted(endpoints, to: routes, requireKey: configuration.requireKey)
        self.configuration = configuration
        self.metrics = metrics
        self.logger = logger
        self.routeTable = routes
    }

    /// `(method, path)` of every route.
    public var routes: [(method: String, path: String)] { routeTable.entries }

    /// The Hummingbird application. Run it with `runService()`: on SIGTERM or SIGINT it stops
    /// accepting, ends open event streams and drains in-flight requests.
    ///
    /// - Parameter onServerRunning: Called with the bound port once the server listens.
    public func application(onServerRunning: @escaping @Sendable (Int) async -> Void = { _ in }) -> some ApplicationProtocol {
        Application(
            router: routeTable.router,
            configuration: .init(address: .hostname(configuration.host, port: configuration.port), serverName: nil),
            onServerRunning: { channel in await onServerRunning(channel.localAddress?.port ?? 0) },
            logger: logger)
    }
}
