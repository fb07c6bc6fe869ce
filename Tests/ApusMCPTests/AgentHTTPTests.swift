@testable import ApusMCP
import Foundation
import Logging
import MCP
import Testing

/// The HTTP endpoint's sessions, through its plain interface (the server tests cover the wire).
@Suite struct AgentHTTPTests {
    static let headers = ["Content-Type": "application/json", "Accept": "application/json, text/event-stream",
                          "Host": "127.0.0.1:8765"]

    static func endpoint() throws -> AgentHTTP {
        var logger = Logger(label: "test")
        logger.logLevel = .critical
        return AgentHTTP(tools: try AgentFixture.get().tools(), localOnly: true, logger: logger)
    }

    /// The body of a response: the bytes, or the SSE stream's `data:` lines joined.
    static func body(_ response: AgentHTTPResponse) async throws -> String {
        switch response.body {
        case .bytes(let bytes): return String(decoding: bytes, as: UTF8.self)
        case .empty: return ""
        case .stream(let stream):
            var text = ""
            for try await chunk in stream { text += String(decoding: chunk, as: UTF8.self) }
            return text.split(separator: "\n").filter { $0.hasPrefix("data:") }.map { $0.dropFirst(5).trimmingCharacters(in: .whitespaces) }
                .filter { !$0.isEmpty }.joined(separator: "\n")
        }
    }

    static func post(_ endpoint: AgentHTTP, _ json: String, session: String? = nil, extra: [String: String] = [:]) async -> AgentHTTPResponse {
        var headers = Self.headers.merging(extra) { _, new in new }
        if let session {
            headers["MCP-Session-Id"] = session
            headers["MCP-Protocol-Version"] = "2025-11-25"
        }
        return await endpoint.handle(method: "POST", headers: headers, body: Array(json.utf8), path: "/mcp", caller: nil, role: nil)
    }

    static let initialize = #"{"jsonrpc":"2.0","id":1,"method":"initialize","params":{"protocolVersion":"2025-11-25","capabilities":{},"clientInfo":{"name":"session-test","version":"2"}}}"#

    @Test func eachInitializeOpensASessionThatAnswersItsOwnCalls() async throws {
        let endpoint = try Self.endpoint()
        let first = await Self.post(endpoint, Self.initialize)
        #expect(first.status == 200)
        let id = try #require(first.headers["MCP-Session-Id"] ?? first.headers["Mcp-Session-Id"])
        #expect(try await Self.body(first).contains("\"protocolVersion\":\"2025-11-25\""))
        let second = await Self.post(endpoint, Self.initialize)
        let other = try #require(second.headers["MCP-Session-Id"] ?? second.headers["Mcp-Session-Id"])
        #expect(id != other)
        #expect(await endpoint.sessionCount == 2)

        _ = await Self.post(endpoint, #"{"jsonrpc":"2.0","method":"notifications/initialized"}"#, session: id)
        let listed = await Self.post(endpoint, #"{"jsonrpc":"2.0","id":2,"method":"tools/list"}"#, session: id)
        #expect(try await Self.body(listed).contains("\"predict_species\""))

        let deleted = await endpoint.handle(method: "DELETE", headers: Self.headers.merging(["MCP-Session-Id": id, "MCP-Protocol-Version": "2025-11-25"]) { _, new in new },
                                            body: nil, path: "/mcp", caller: nil, role: nil)
        #expect(deleted.status == 200)
        #expect(await endpoint.sessionCount == 1)
        let gone = await Self.post(endpoint, #"{"jsonrpc":"2.0","id":3,"method":"tools/list"}"#, session: id)
        #expect(gone.status == 404)
        let none = await Self.post(endpoint, #"{"jsonrpc":"2.0","id":3,"method":"tools/list"}"#)
        #expect(none.status == 400)
        #expect(try await Self.body(none).contains("send initialize first"))
    }

    @Test func aForeignOriginIsRefusedOnALoopbackEndpoint() async throws {
        let endpoint = try Self.endpoint()
        let refused = await Self.post(endpoint, Self.initialize, extra: ["Origin": "http://evil.example"])
        #expect(refused.status == 403)
        #expect(await endpoint.sessionCount == 0)
    }

    @Test func theKeyTheServerCheckedReachesTheToolsAndAClientCannotForgeIt() async throws {
        var logger = Logger(label: "test")
        logger.logLevel = .critical
        let endpoint = AgentHTTP(tools: try AgentFixture.get().tools(AgentServerOptions(allowAdmin: true, serverVersion: "test")),
                                 localOnly: true, logger: logger)
        // The client sends X-Apus-Role: admin itself; the server checked a key with role read.
        let forged = [AgentHTTP.roleHeader: "admin", AgentHTTP.callerHeader: "api-key:root"]
        let opened = await endpoint.handle(method: "POST", headers: Self.headers.merging(forged) { _, new in new },
                                           body: Array(Self.initialize.utf8), path: "/mcp", caller: "api-key:bot", role: "read")
        let id = try #require(opened.headers["MCP-Session-Id"] ?? opened.headers["Mcp-Session-Id"])
        _ = try await Self.body(opened)
        let call = #"{"jsonrpc":"2.0","id":2,"method":"tools/call","params":{"name":"promote","arguments":{"name":"species","alias":"x","version":1,"reason":"r"}}}"#
        let answered = await endpoint.handle(
            method: "POST", headers: Self.headers.merging(forged.merging(["MCP-Session-Id": id, "MCP-Protocol-Version": "2025-11-25"]) { _, new in new }) { _, new in new },
            body: Array(call.utf8), path: "/mcp", caller: "api-key:bot", role: "read")
        let body = try await Self.body(answered)
        #expect(body.contains("promote needs an API key with role admin; this client's key has role read"), "\(body)")
        #expect(body.contains("\"isError\":true"), "\(body)")
    }
}
