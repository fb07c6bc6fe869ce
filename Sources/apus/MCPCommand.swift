import ApusMCP
import ApusServe
import ApusService
import ApusTrain
import ApusStore
import ArgumentParser
import Foundation
import Logging
import Synchronization

/// `apus mcp [REF...]`: the registry's models as tools for LLM agents.
struct MCPCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "mcp",
        abstract: "Serve the registry's models to LLM agents over the Model Context Protocol (stdio, or HTTP with --http).",
        discussion: """
            Tools: list_models, describe_model, predict, explain, monitor_status, compare_versions, and for each model \
            typed predict_NAME and explain_NAME whose input schema lists its features (levels as enums, training ranges); \
            promote and rollback only with --allow-admin, each recorded in the audit trail as made by the client. \
            Every answer carries structured content checked against the tool's output schema, and a short text. \
            Resources: apus://models/NAME/VERSION, each version's schema, metrics, lineage and intended use. \
            On stdio (the default) nothing but MCP messages is written to standard output; logs go to standard error.
            """
    )

    @Argument(help: "Models that get typed tools (NAME@ALIAS, NAME/VERSION, or a model file); none: every registered model at its champion, else its newest version.")
    var models: [String] = []

    @Flag(help: "Serve streamable HTTP (MCP-Session-Id sessions, SSE) at /mcp instead of stdio.")
    var http = false

    @Option(help: "With --http: the address to listen on (0.0.0.0 accepts other machines: require keys then).")
    var host = "127.0.0.1"

    @Option(help: "With --http: the port (0 picks a free one).")
    var port = 8765

    @Flag(help: "With --http: require an API key (apus keys create) on every request.")
    var requireKey = false

    @Flag(help: "Offer the promote and rollback tools (alias moves, recorded as made by the client).")
    var allowAdmin = false

    @Option(help: "The most rows one predict call may carry.")
    var maxRows = 1_000

    @Option(help: "The prediction-log window monitor_status reads when the agent names none (24h, 7d, …).")
    var monitorWindow = "24h"

    @Option(help: "Log level on standard error: trace, debug, info, notice, warning, error, critical.")
    var logLevel = "info"

    func validate() throws {
        guard (1...1_000_000).contains(maxRows) else { throw ValidationError("--max-rows must be from 1 to 1000000") }
        guard Logger.Level(rawValue: logLevel) != nil else { throw ValidationError("--log-level must be one of trace, debug, info, notice, warning, error, critical") }
        if !http && (requireKey || host != "127.0.0.1" || port != 8765) {
            throw ValidationError("--host, --port and --require-key apply to --http only")
        }
    }

    func run() async throws {
        let level = Logger.Level(rawValue: logLevel) ?? .info
        LoggingSystem.bootstrap { label in JSONLogHandler(label: label, level: level) }
        let logger = Logger(label: "apus.mcp")
        // The prediction log: apus mcp runs no model server, so a server object (never started)
        // lends its log, written every 200 ms and at the end, as `apus serve` writes it.
        let log = AgentLogTarget()
        if let store = try? openStore(existing: true) {
            log.attach(try ApusServer(configuration: ServeConfiguration(), store: store, openStore: { _ in store }, logger: logger))
        }
        let flusher = log.flushPeriodically()
        defer { flusher.cancel() }
        let tools = agentTools(models: models, allowAdmin: allowAdmin, maxRows: maxRows, monitorWindow: monitorWindow, log: log)
        for model in models where model.hasSuffix(".apus") && !FileManager.default.fileExists(atPath: model) {
            throw ValidationError("there is no model file `\(model)`")
        }
        if http {
            try await runMCPHTTP(tools: tools, host: host, port: port, requireKey: requireKey, logger: logger)
        } else {
            try await AgentServer.runStdio(tools: tools, logger: logger)
        }
        await log.flush()
    }
}

/// The prediction log agents' predictions go to: that of the server attached (`apus serve`'s
/// own, or one lent to `apus mcp`); none until one is.
final class AgentLogTarget: Sendable {
    private let server = Mutex<ApusServer?>(nil)

    func attach(_ server: ApusServer) { self.server.withLock { $0 = server } }

    /// Logs `prediction`; returns its request id.
    func log(_ prediction: AgentPrediction) async -> String? {
        guard let server = server.withLock({ $0 }) else { return nil }
        return server.logPredictions(version: prediction.version, model: prediction.model, reference: prediction.reference,
                                     features: prediction.features, rows: prediction.rows, rawScores: prediction.rawScores,
                                     route: prediction.route, latency: prediction.latency)
    }

    /// Writes what the log holds.
    func flush() async {
        guard let server = server.withLock({ $0 }) else { return }
        try? await server.flushPredictionLog()
    }

    /// Writes the log every 200 ms until cancelled (`apus serve` has its own writer).
    func flushPeriodically() -> Task<Void, Never> {
        Task {
            while !Task.isCancelled {
                try? await Task.sleep(for: .milliseconds(200))
                await flush()
            }
        }
    }
}

/// The agent tools over the store the environment names, opened when a tool first needs it.
func agentTools(models: [String], allowAdmin: Bool, maxRows: Int, monitorWindow: String, log: AgentLogTarget) -> AgentTools {
    let environment = ProcessInfo.processInfo.environment
    let user = ProcessIdentity.currentUser(environment: environment)
    let opened = Mutex<(any Store)?>(nil)
    return AgentTools(
        options: AgentServerOptions(models: models, allowAdmin: allowAdmin, maxRows: maxRows, monitorWindow: monitorWindow,
                                    serverVersion: apusVersion),
        store: {
            try opened.withLock { store in
                if let store { return store }
                let new = try StoreLocation.open(apusVersion: apusVersion, create: false, environment: environment)
                store = new
                return new
            }
        },
        openStore: { actor in
            var environment = environment
            // The store takes names of up to 256 characters; a long client or user name is cut.
            environment["APUS_USER"] = String("\(actor) (as \(user))".prefix(256))
            return try StoreLocation.open(apusVersion: apusVersion, create: false, environment: environment)
        },
        log: { await log.log($0) })
}

/// Serves the MCP endpoint alone over HTTP until SIGTERM or SIGINT; prints where it listens.
func runMCPHTTP(tools: AgentTools, host: String, port: Int, requireKey: Bool, logger: Logger) async throws {
    var configuration = ServeConfiguration()
    configuration.host = host
    configuration.port = port
    configuration.requireKey = requireKey
    let store: any Store
    do {
        store = try openStore(existing: true)
    } catch {
        throw ValidationError("apus mcp --http checks API keys against the store, and \(error)")
    }
    let endpoint = AgentHTTP(tools: tools, localOnly: isLoopback(host), logger: logger)
    let server = try MountedServer(endpoints: [mcpEndpoint(endpoint)], configuration: configuration, store: store, logger: logger)
    let application = server.application { port in
        print("serving MCP on http://\(host.contains(":") ? "[\(host)]" : host):\(port)/mcp  (Ctrl-C stops)")
        fflush(nil)
    }
    try await application.runService()
    await endpoint.closeAll()
}

/// The MCP endpoint as a route of an Apus HTTP server: any valid key may call it when keys are
/// required; the admin tools check the key's role themselves.
func mcpEndpoint(_ endpoint: AgentHTTP) -> MountedEndpoint {
    MountedEndpoint(path: "/mcp", summary: "The Model Context Protocol endpoint (streamable HTTP): the registry's models as agent tools",
                    roles: [.read, .predict, .admin]) { request in
        let response = await endpoint.handle(method: request.method, headers: request.headers, body: request.body, path: request.path,
                                             caller: request.caller, role: request.role?.rawValue)
        let body: MountedResponse.Body
        switch response.body {
        case .bytes(let bytes): body = .bytes(bytes)
        case .stream(let stream): body = .stream(stream)
        case .empty: body = .empty
        }
        return MountedResponse(status: response.status, headers: response.headers, body: body)
    }
}

/// True for an address only this machine reaches.
func isLoopback(_ host: String) -> Bool {
    host == "localhost" || host == "::1" || host.hasPrefix("127.")
}
