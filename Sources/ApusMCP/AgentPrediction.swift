import ApusModel
import ApusStore

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
