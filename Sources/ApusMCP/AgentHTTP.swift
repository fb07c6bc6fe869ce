import Foundation
import Logging
import MCP

/// An HTTP response from the MCP endpoint, in plain types any HTTP server can send.
public struct AgentHTTPResponse: Sendable {
    /// The body: bytes, a Server-Sent Events stream to write chunk by chunk, or none.
    public enum Body: Sendable {
        case bytes([UInt8])
        case stream(AsyncThrowingStream<[UInt8], any Error>)
        case empty
    }

    public var status: Int
    public var headers: [String: String]
    public var body: Body
}

/// The MCP streamable HTTP endpoint (`apus mcp --http`, and `/mcp` of `apus serve`): one MCP
/// session per client, each with its own server and transport, named by the
/// `MCP-Session-Id` header the `initialize` answer assigns. POST carries requests (answered
/// as an SSE stream), GET opens the session's stream for server messages, DELETE ends it.
/// Idle sessions are closed after `idleTimeout`; at most `maxSessions` are kept.
public actor AgentHTTP {
    /// The headers an HTTP server sets (after removing any the client sent) to tell the tools
    /// which API key the request presented and its role.
    public static let callerHeader = "X-Apus-Caller"
    public static let roleHeader = "X-Apus-Role"

    private struct Session {
        let server: Server
        let transport: StatefulHTTPServerTransport
        let client: ClientBox
        var lastUsed: ContinuousClock.Instant
    }

    private let tools: AgentTools
    private let localOnly: Bool
    private let idleTimeout: Duration
    private let maxSessions: Int
    private let logger: Logger
    private var sessions: [String: Session] = [:]
    private var watch: Task<Void, Never>?

    /// An endpoint answering with `tools`.
    ///
    /// - Parameters:
    ///   - localOnly: Check `Host` and `Origin` against localhost (DNS-rebinding protection, as
    ///     the MCP specification asks of a server bound to loopback); false for a server bound to
    ///     another address, which should require API keys instead.
    public init(tools: AgentTools, localOnly: Bool, idleTimeout: Duration = .seconds(3600), maxSessions: Int = 1_000, logger: Logger) {
        self.tools = tools
        self.localOnly = localOnly
        self.idleTimeout = idleTimeout
        self.maxSessions = maxSessions
        self.logger = logger
    }

    deinit { watch?.cancel() }

    /// The open sessions.
    public var sessionCount: Int { sessions.count }

    /// Answers one HTTP request to the endpoint. `caller` (`api-key:NAME`) and `role` are the
    /// API key the server checked, if any.
    public func handle(method: String, headers: [String: String], body: [UInt8]?, path: String,
                       caller: String?, role: String?) async -> AgentHTTPResponse {
        await closeIdleSessions()
        var clean = headers.filter {
            $0.key.caseInsensitiveCompare(Self.callerHeader) != .orderedSame && $0.key.caseInsensitiveCompare(Self.roleHeader) != .orderedSame
        }
        if let caller { clean[Self.callerHeader] = caller }
        if let role { clean[Self.roleHeader] = role }
        let request = HTTPRequest(method: method.uppercased(), headers: clean, body: body.map { Data($0) }, path: path)
        let sessionID = request.header(HTTPHeaderName.sessionID)
        if let sessionID, var session = sessions[sessionID] {
            session.lastUsed = .now
            sessions[sessionID] = session
            if request.method == "POST", let data = request.body, let call = ToolCallFastPath.call(in: data) {
                return await answer(call, request: request, session: session, sessionID: sessionID, caller: caller, role: role)
            }
            let response = await session.transport.handleRequest(request)
            if request.method == "DELETE" && response.statusCode == 200 {
                sessions[sessionID] = nil
                await session.server.stop()
            }
            return Self.plain(response)
        }
        if request.method == "POST", let body, Self.isInitialize(body) {
            return await open(request)
        }
        if sessionID != nil {
            return Self.plain(.error(statusCode: 404, .invalidRequest("Not Found: the session is unknown or has ended; initialize a new one")))
        }
        return Self.plain(.error(statusCode: 400, .invalidRequest("Bad Request: send initialize first, then the MCP-Session-Id header it assigns")))
    }

    private func open(_ request: HTTPRequest) async -> AgentHTTPResponse {
        if sessions.count >= maxSessions, let oldest = sessions.min(by: { $0.value.lastUsed < $1.value.lastUsed })?.key {
            await close(oldest)
        }
        let sessionID = UUID().uuidString
        let transport = StatefulHTTPServerTransport(
            sessionIDGenerator: FixedSessionID(id: sessionID), validationPipeline: checks(accepting: .sseRequired), logger: logger)
        let (server, client, start) = AgentServer.make(tools: tools)
        do {
            try await start(transport)
        } catch {
            await transport.disconnect()
            return Self.plain(.error(statusCode: 500, .internalError("the MCP session could not start: \(error)")))
        }
        let response = await transport.handleRequest(request)
        if case .error = response {
            await server.stop()
        } else {
            sessions[sessionID] = Session(server: server, transport: transport, client: client, lastUsed: .now)
            if watch == nil {
                watch = AgentServer.watchToolList(tools) { [weak self] in await self?.notifyToolListChanged() }
            }
        }
        return Self.plain(response)
    }

    /// A tool call of an open session, answered as JSON (the streamable HTTP transport lets a
    /// POST be answered with JSON or a stream) after the checks the session's transport makes.
    private func answer(_ call: ToolCallFastPath.Call, request: HTTPRequest, session: Session, sessionID: String,
                        caller: String?, role: String?) async -> AgentHTTPResponse {
        if let refusal = checks(accepting: .jsonOnly).validate(request, context: HTTPValidationContext(httpMethod: "POST", sessionID: sessionID)) {
            return Self.plain(refusal)
        }
        let result = await tools.call(call.name, arguments: call.arguments, client: session.client.caller(key: caller, role: role))
        return AgentHTTPResponse(status: 200, headers: ["Content-Type": "application/json", HTTPHeaderName.sessionID: sessionID],
                                 body: .bytes([UInt8](ToolCallFastPath.response(id: call.id, result: result))))
    }

    /// The checks a session's requests pass: Host and Origin (bound to loopback), Accept (an
    /// event stream, or JSON for the tool calls answered as JSON), Content-Type, the protocol
    /// version and the session.
    private func checks(accepting accept: AcceptHeaderValidator.Mode) -> StandardValidationPipeline {
        var validators: [any HTTPRequestValidator] = []
        if localOnly { validators.append(OriginValidator.localhost()) }
        validators += [AcceptHeaderValidator(mode: accept), ContentTypeValidator(), ProtocolVersionValidator(), SessionValidator()]
        return StandardValidationPipeline(validators: validators)
    }

    private func closeIdleSessions() async {
        let now = ContinuousClock.now
        for (id, session) in sessions where now - session.lastUsed > idleTimeout {
            await close(id)
        }
    }

    private func close(_ id: String) async {
        guard let session = sessions.removeValue(forKey: id) else { return }
        await session.server.stop()
    }

    /// Closes every session (the server is stopping).
    public func closeAll() async {
        watch?.cancel()
        watch = nil
        for id in Array(sessions.keys) { await close(id) }
    }

    /// Tells every open session that the tool list changed (on its stream for server messages).
    private func notifyToolListChanged() async {
        for session in sessions.values {
            try? await session.server.notify(ToolListChangedNotification.message())
        }
    }

    private static func isInitialize(_ body: [UInt8]) -> Bool {
        guard let object = try? JSONSerialization.jsonObject(with: Data(body)) as? [String: Any] else { return false }
        return object["method"] as? String == "initialize"
    }

    private static func plain(_ response: HTTPResponse) -> AgentHTTPResponse {
        switch response {
        case .stream(let stream, let headers):
            let bytes = AsyncThrowingStream<[UInt8], any Error> { continuation in
                let task = Task {
                    do {
                        for try await chunk in stream { continuation.yield([UInt8](chunk)) }
                        continuation.finish()
                    } catch {
                        continuation.finish(throwing: error)
                    }
                }
                continuation.onTermination = { _ in task.cancel() }
            }
            return AgentHTTPResponse(status: response.statusCode, headers: headers, body: .stream(bytes))
        default:
            return AgentHTTPResponse(status: response.statusCode, headers: response.headers,
                                     body: response.bodyData.map { .bytes([UInt8]($0)) } ?? .empty)
        }
    }

    private struct FixedSessionID: SessionIDGenerator {
        let id: String
        func generateSessionID() -> String { id }
    }
}
