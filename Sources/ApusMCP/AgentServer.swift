import Foundation
import Logging
import MCP
import Synchronization

/// The MCP server of one connection (stdio, or one HTTP session): the SDK's `Server` with
/// Apus's tools and resources registered, and the client's identity from `initialize`.
public enum AgentServer {
    /// The instructions `initialize` gives the agent.
    static let instructions = """
        Apus serves predictive models (gradient-boosted trees on tables). list_models names them; \
        describe_model gives a model's input fields, metrics and lineage; predict and explain (or the typed \
        predict_NAME and explain_NAME) answer for rows of feature values (null when missing); monitor_status \
        tells whether a model's recent traffic has drifted; compare_versions puts two versions side by side.
        """

    /// A server answering with `tools`, the client it will learn of at `initialize`, and the
    /// function that registers the handlers and starts it on a transport. Over HTTP, the API key
    /// the server checked for a request reaches the tools through the headers ``AgentHTTP`` sets.
    static func make(tools: AgentTools, client: ClientBox = ClientBox())
        -> (server: Server, client: ClientBox, start: @Sendable (any Transport) async throws -> Void) {
        let server = Server(
            name: "apus", version: tools.options.serverVersion, title: "Apus model registry", instructions: instructions,
            capabilities: .init(resources: .init(subscribe: false, listChanged: false),
                                tools: .init(listChanged: tools.options.toolListPoll > .zero)))
        let start: @Sendable (any Transport) async throws -> Void = { transport in
            await register(server: server, tools: tools, client: client)
            try await server.start(transport: transport) { info, _ in
                client.state.withLock { $0.name = info.name; $0.version = info.version }
            }
        }
        return (server, client, start)
    }

    private static func register(server: Server, tools: AgentTools, client: ClientBox) async {
        await server.withMethodHandler(ListTools.self) { _ in
            ListTools.Result(tools: tools.tools())
        }
        await server.withMethodHandler(CallTool.self) { parameters in
            let request = Server.currentHandlerContext?.httpContext
            let caller = client.caller(key: request?.header(AgentHTTP.callerHeader), role: request?.header(AgentHTTP.roleHeader))
            return await tools.call(parameters.name, arguments: parameters.arguments, client: caller)
        }
        await server.withMethodHandler(ListResources.self) { _ in
            ListResources.Result(resources: tools.resources())
        }
        await server.withMethodHandler(ListResourceTemplates.self) { _ in
            ListResourceTemplates.Result(templates: [ModelResources.template])
        }
        await server.withMethodHandler(ReadResource.self) { parameters in
            do {
                return ReadResource.Result(contents: [try tools.readResource(parameters.uri)])
            } catch let error as ToolError {
                throw MCPError.invalidParams(error.description)
            }
        }
    }

    /// Serves `tools` on standard input and output until the client closes them.
    ///
    /// Tool calls take the fast path (``ToolCallFastPath``); everything else goes through the
    /// SDK's server.
    public static func runStdio(tools: AgentTools, logger: Logger) async throws {
        let client = ClientBox()
        let transport = LineTransport(logger: logger) { message, transport in
            guard let call = ToolCallFastPath.call(in: message) else { return false }
            Task {
                let result = await tools.call(call.name, arguments: call.arguments, client: client.caller(key: nil, role: nil))
                do {
                    try await transport.send(ToolCallFastPath.response(id: call.id, result: result))
                } catch {
                    logger.error("a tool call's answer could not be written", metadata: ["error": "\(error)"])
                }
            }
            return true
        }
        let (server, watch) = try await start(tools: tools, client: client, on: transport)
        await server.waitUntilCompleted()
        watch?.cancel()
    }

    /// A server answering with `tools` started on `transport` (one connection), with the watch
    /// that tells its client when the tool list changes (nil when polling is off).
    static func start(tools: AgentTools, client: ClientBox, on transport: any Transport) async throws -> (Server, Task<Void, Never>?) {
        let (server, _, start) = make(tools: tools, client: client)
        try await start(transport)
        let watch = watchToolList(tools) { try? await server.notify(ToolListChangedNotification.message()) }
        return (server, watch)
    }

    /// Checks the registry every `options.toolListPoll` and calls `changed` when the typed
    /// tools changed (nil when polling is off).
    static func watchToolList(_ tools: AgentTools, changed: @escaping @Sendable () async -> Void) -> Task<Void, Never>? {
        let interval = tools.options.toolListPoll
        guard interval > .zero else { return nil }
        return Task.detached(priority: .utility) {
            var last = tools.toolListSignature()
            while !Task.isCancelled {
                try? await Task.sleep(for: interval)
                let now = tools.toolListSignature()
                if now != last {
                    last = now
                    await changed()
                }
            }
        }
    }
}

/// The client of one connection, as `initialize` named it.
final class ClientBox: Sendable {
    let state = Mutex(AgentClient())

    /// The client, with the API key the server checked for this request (HTTP).
    func caller(key: String?, role: String?) -> AgentClient {
        var client = state.withLock { $0 }
        client.key = key
        client.role = role
        return client
    }
}
