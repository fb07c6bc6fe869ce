import ApusMCP
import ApusServe
import ApusStore
import ApusTrain
import ArgumentParser
import Foundation
import Logging

/// `apus serve [REF...]`: the model server.
struct Serve: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "serve",
        abstract: "Serve the registry's models over HTTP: KServe V2, MLflow /invocations and /v1/models/{name}/predict.",
        discussion: """
            Any registered model can be asked for by reference (credit-risk@champion, credit-risk/3, or a bare name \
            meaning NAME@<default alias>); the models named here are loaded before the server reports ready, and the \
            first one answers MLflow's /invocations. Aliases are followed live: when one moves (apus models alias, \
            apus models rollback), the new version is loaded and swapped in without failing a request. \
            SIGTERM or SIGINT drains in-flight requests and writes the prediction log before exiting. \
            GET /openapi.json lists every route.
            """
    )

    @Argument(help: "Models to load at start (NAME@ALIAS or NAME/VERSION); the first answers /invocations.")
    var models: [String] = []

    @Option(help: "The address to listen on; 0.0.0.0 to accept other machines.")
    var host = ServeConfiguration().host

    @Option(help: "The port (0 picks a free one).")
    var port = ServeConfiguration().port

    @Option(help: "What a bare model name means: NAME@<this alias>.")
    var defaultAlias = ServeConfiguration().defaultAlias

    @Option(help: "The largest request body in bytes; larger ones are refused with 413.")
    var maxBodyBytes = ServeConfiguration().maxBodyBytes

    @Option(help: "The most rows one request may carry; more are refused with 413.")
    var maxRows = ServeConfiguration().maxRows

    @Option(help: "Gather concurrent small requests to one model into batches of up to this many rows (1: off).")
    var maxBatchSize = ServeConfiguration().maxBatchSize

    @Option(help: "How long a request waits for others to share its batch, in milliseconds.")
    var maxBatchDelayMs = ServeConfiguration().maxBatchDelayMilliseconds

    @Option(help: "Fields a request sends that the model does not read: refuse (400 naming the field) or ignore (listed in the answer).")
    var unknownFields: UnknownFieldChoice = .refuse

    @Flag(help: "Require an API key (apus keys create) for inference and reading routes too; admin routes always need one.")
    var requireKey = false

    @Option(help: "An origin browsers may call from (repeatable; * for any). None by default.")
    var corsOrigin: [String] = []

    @Option(help: "The share of requests whose inputs are written to the prediction log (0 to 1); outputs are always logged.")
    var logInputs = ServeConfiguration().logInputsRate

    @Option(help: "The most prediction-log rows waiting to be written; requests beyond it are not logged, but counted (0: no log).")
    var logQueue = ServeConfiguration().logQueueCapacity

    @Option(help: "How often followed aliases are checked, in milliseconds.")
    var aliasPollMs = ServeConfiguration().aliasPollMilliseconds

    @Option(help: ArgumentHelp("A CSV file of rows explanations may be relative to (approved applicants, say): \"reference\": \"background\" or \"threshold\" on /explain.",
                               valueName: "file"))
    var explainBackground: String?

    @Option(help: "The most rows of the \"background\" reference: a seeded sample of the file when it has more (\"threshold\" picks from up to 10000).")
    var explainBackgroundRows = ServeConfiguration().explainBackgroundRows

    @Option(help: "A CSV file of reference rows for GET /v1/models/{name}/monitor and the drift gauges (default: the profile each version's training stored).")
    var monitorReference: String?

    @Option(help: "Seconds between refreshes of the drift gauges in /metrics for every served version (0: only when the monitor route is called).")
    var monitorInterval = ServeConfiguration().monitorIntervalSeconds

    @Option(help: "The prediction-log window the monitor reads: a duration before now (90m, 24h, 7d).")
    var monitorWindow = ServeConfiguration().monitorWindow

    @Option(help: "The least important log level written: trace, debug, info, notice, warning, error or critical.")
    var logLevel = "info"

    @Flag(inversion: .prefixedNo, help: "Answer the Model Context Protocol at /mcp: the registry's models as agent tools (apus mcp --help).")
    var mcp = true

    @Flag(help: "Offer agents the promote and rollback tools at /mcp (recorded as made by the client and its key; keys need the admin role).")
    var mcpAllowAdmin = false

    func validate() throws {
        guard Logger.Level(rawValue: logLevel) != nil else {
            throw ValidationError("--log-level must be one of trace, debug, info, notice, warning, error, critical; not `\(logLevel)`")
        }
        do { try serveConfiguration.validate() } catch { throw ValidationError(error.message) }
    }

    var serveConfiguration: ServeConfiguration {
        var configuration = ServeConfiguration()
        configuration.host = host
        configuration.port = port
        configuration.preload = models
        configuration.defaultAlias = defaultAlias
        configuration.maxBodyBytes = maxBodyBytes
        configuration.maxRows = maxRows
        configuration.maxBatchSize = maxBatchSize
        configuration.maxBatchDelayMilliseconds = maxBatchDelayMs
        configuration.requireKey = requireKey
        configuration.unknownFields = unknownFields == .ignore ? .ignore : .refuse
        configuration.corsOrigins = corsOrigin
        configuration.logInputsRate = logInputs
        configuration.logQueueCapacity = logQueue
        configuration.aliasPollMilliseconds = aliasPollMs
        configuration.monitorReferencePath = monitorReference
        configuration.monitorIntervalSeconds = monitorInterval
        configuration.monitorWindow = monitorWindow
        configuration.explainBackgroundPath = explainBackground
        configuration.explainBackgroundRows = explainBackgroundRows
        return configuration
    }

    func run() async throws {
        let log = AgentLogTarget()
        let agents = mcp ? agentTools(models: models, allowAdmin: mcpAllowAdmin, maxRows: maxRows, monitorWindow: monitorWindow, log: log) : nil
        try await runServer(serveConfiguration, logLevel: Logger.Level(rawValue: logLevel) ?? .info, agents: agents, agentLog: log)
    }
}

/// Runs the server until SIGTERM or SIGINT; prints where it listens once it does.
///
/// - Parameters:
///   - agents: The MCP tools answered at `/mcp`, if any;
///   - agentLog: where their predictions are logged: this server's prediction log.
func runServer(_ configuration: ServeConfiguration, logLevel: Logger.Level, agents: AgentTools? = nil, agentLog: AgentLogTarget? = nil,
               onListening: @escaping @Sendable (String) -> Void = { _ in }) async throws {
    LoggingSystem.bootstrap { label in JSONLogHandler(label: label, level: logLevel) }
    let store = try openStore(existing: true)
    let environment = ProcessInfo.processInfo.environment
    let user = ProcessIdentity.currentUser(environment: environment)
    let endpoint = agents.map { AgentHTTP(tools: $0, localOnly: isLoopback(configuration.host), logger: Logger(label: "apus.mcp")) }
    let server = try ApusServer(
        configuration: configuration, store: store,
        openStore: { actor in
            var environment = environment
            environment["APUS_USER"] = "\(actor) (serve as \(user))"
            return try StoreLocation.open(apusVersion: apusVersion, create: false, environment: environment)
        },
        logger: Logger(label: "apus.serve"), mounts: endpoint.map { [mcpEndpoint($0)] } ?? [])
    agentLog?.attach(server)
    try await server.preload()
    let host = configuration.host
    let application = server.application { port in
        let address = "http://\(host.contains(":") ? "[\(host)]" : host):\(port)"
        print("serving on \(address)  (GET \(address)/openapi.json lists the routes; Ctrl-C stops)")
        fflush(nil)
        onListening(address)
    }
    try await application.runService()
    await endpoint?.closeAll()
}

/// `--unknown-fields` values.
enum UnknownFieldChoice: String, ExpressibleByArgument, CaseIterable {
    case refuse, ignore
}
