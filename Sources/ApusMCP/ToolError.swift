import ApusModel
import ApusStore
import MCP

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

/// A tool's answer: its structured content, its text, the output schema it must meet, and the
/// predictions to log (predict only).
struct ToolAnswer: Sendable {
    var structured: Value
    var text: String
    var schema: Value
    var logged: AgentPrediction?

    init(_ structured: Value, _ text: String, _ schema: Value, logged: AgentPrediction? = nil) {
        self.structured = structured
        self.text = text
        self.schema = schema
        self.logged = logged
    }
}

/// Predictions an agent's call made, for the prediction log.
public struct AgentPrediction: Sendable {
    /// The registry version that predicted, and its model.
    public var version: ModelVersion
    public var model: Model
    /// What the agent asked for.
    public var reference: String
    /// The rows as the schema encodes them, their count, and their raw scores.
    public var features: [Double]
    public var rows: Int
    public var rawScores: [Double]
    /// `mcp:TOOL`.
    public var route: String
    /// From the call's arrival to the answer.
    public var latency: Duration
}

/// Writes an agent's predictions to the prediction log; returns the record's request id.
public typealias AgentPredictionLog = @Sendable (AgentPrediction) async -> String?
