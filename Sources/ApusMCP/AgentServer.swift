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

    /// A server answering with `tools`; start it on a transport.
    ///
    /// - Parameter requestCaller: Over HTTP, who presented which API key for the request being
    ///   handled (read from the SDK's handler context); nil for stdio.
    public static func make(tools: AgentTools) -> (server: Server, start: @Sendable (any Transport) async throws -> Void) {
        let server = Server(
            name: "apus", version: tools.options.serverVersion, title: "Apus model registry", instructions: instructions,
            capabilities: .init(resources: .init(subscribe: false, listChanged: false), tools: .init(listChanged: false)))
        let client = ClientBox()
        let start: @Sendable (any Transport) async throws -> Void = { transport in
            await register(server: server, tools: tools, client: client)
            try await server.start(transport: transport) { info, _ in
                client.state.withLock { $0.name = info.name; $0.version = info.version }
            }
        }
        return (server, start)
    }

    private static func register(server: Server, tools: AgentTools, client: ClientBox) async {
        await server.withMethodHandler(ListTools.self) { _ in
            ListTools.Result(tools: tools.tools())
        }
        await server.withMethodHandler(CallTool.self) { parameters in
            var caller = client.state.withLock { $0 }
            if let request = Server.currentHandlerContext?.httpContext {
                caller.key = request.header(AgentHTTP.callerHeader)
                caller.role = request.header(AgentHTTP.roleHeader)
            }
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
    public static func runStdio(tools: AgentTools, logger: Logger) async throws {
        let (server, start) = make(tools: tools)
        try await start(StdioTransport(logger: logger))
        await server.waitUntilCompleted()
    }
}

/// The client of one connection, as `initialize` named it.
final class ClientBox: Sendable {
    let state = Mutex(AgentClient())
}
