import Foundation
import MCP

/// `tools/call` answered without the SDK's coders: the request read by ``JSONText`` and the
/// JSON-RPC response written by it. Every other message (initialize, tools/list, resources,
/// ping, notifications, cancellations) goes through the SDK's `Server` as before.
///
/// Measured before this path existed (bench/results/mcp-2026-11-29.md): a 100-row `predict`
/// took 48 ms of server CPU, 69% of it in the SDK's JSON decoding (a regular expression
/// compiled for every string, and the request decoded three to four times), 3% in the tool.
enum ToolCallFastPath {
    /// A `tools/call` request: its JSON-RPC id, the tool's name and its arguments.
    struct Call: Sendable {
        let id: Value
        let name: String
        let arguments: [String: Value]?
    }

    /// The call `message` holds, or nil when it is anything else (which the SDK then reads).
    static func call(in message: Data) -> Call? {
        // A cheap look before parsing: most messages are not tool calls.
        guard message.count > 20, message.range(of: Data("tools/call".utf8)) != nil else { return nil }
        let parsed = message.withUnsafeBytes { JSONText.parse($0) }
        guard case .object(let request)? = parsed, request["jsonrpc"] == "2.0", request["method"] == "tools/call",
              let id = request["id"], id.stringValue != nil || id.intValue != nil,
              case .object(let params)? = request["params"], case .string(let name)? = params["name"] else { return nil }
        switch params["arguments"] {
        case nil, .null?: return Call(id: id, name: name, arguments: nil)
        case .object(let arguments)?: return Call(id: id, name: name, arguments: arguments)
        default: return nil
        }
    }

    /// The JSON-RPC response carrying `result`.
    static func response(id: Value, result: CallTool.Result) -> Data {
        var members: [String: Value] = [
            "content": .array(result.content.map { content in
                if case .text(let text, _, _) = content { return .object(["type": "text", "text": .string(text)]) }
                return (try? Value(content)) ?? .null
            }),
            "isError": .bool(result.isError ?? false),
        ]
        if let structured = result.structuredContent { members["structuredContent"] = structured }
        var out: [UInt8] = []
        out.reserveCapacity(1024)
        JSONText.write(.object(["jsonrpc": "2.0", "id": id, "result": .object(members)]), into: &out)
        return Data(out)
    }
}
