import MCP

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
