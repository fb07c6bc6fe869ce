import ApusModel
import ApusService
import ApusStore
import Foundation

extension ApusServer {
    /// Logs predictions made outside the HTTP routes (the MCP tools at `/mcp`, and `apus mcp`),
    /// as the routes log theirs: a record in the prediction log (inputs sampled by
    /// `--log-inputs`), the hourly log profiles drift is read from, and the per-model counts of
    /// `/metrics`. The record is written with the next flush of the log.
    ///
    /// The caller's loaded model is used as it is (the server's copy when it serves the same
    /// version), so logging never loads a model twice.
    ///
    /// - Parameters:
    ///   - version: The registry version that predicted, and `model` its model.
    ///   - reference: What the caller asked for (`credit-risk@champion`).
    ///   - features: The rows as ``FeatureSchema`` encodes them; `rawScores` their raw scores.
    ///   - route: Where they came from (`mcp:predict`).
    /// - Returns: The request id the log record carries (for feedback).
    public func logPredictions(version: ModelVersion, model: Model, reference: String, features: [Double], rows: Int,
                               rawScores: [Double], route: String, latency: Duration) -> String {
        let served = pool.loadedReferences().first { $0.model.name == version.model && $0.model.version == version.version }?.model
            ?? ServedModel(version: version, model: model, maxRows: configuration.maxRows, unknownFields: configuration.unknownFields,
                           batching: nil, metrics: metrics)
        let requestID = RequestIDs.id(supplied: nil)
        let output = PredictionOutput(model: served.model, rawScores: rawScores, rows: rows)
        metrics.recordPredictions(model: served.name, version: String(served.version), rows: rows, unseenLevels: 0)
        let rate = configuration.logInputsRate
        state.log.offer(LoggedPrediction(
            requestID: requestID, served: served, reference: reference, route: route, latency: latency,
            rows: DecodedRows(features: features, rows: rows), output: output,
            sampleInputs: rate >= 1 || Double.random(in: 0..<1) < rate))
        return requestID
    }
}
