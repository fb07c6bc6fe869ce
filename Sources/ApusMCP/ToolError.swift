/// A tool call the agent can correct: answered as a tool result marked as an error, with
/// this message, never as a protocol failure.
struct ToolError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}

/// A call's failure, as the tool result's message.
struct ToolFailure: Error {
    let message: String
    init(_ message: String) { self.message = message }
}
