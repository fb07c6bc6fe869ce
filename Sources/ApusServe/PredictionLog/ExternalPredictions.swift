import ApusModel
import ApusService
import Foundation

extension ApusServer {
    /// Logs predictions made outside the HTTP routes (the MCP tools at `/mcp`, and `apus mcp`),
    /// as the routes log theirs: a record in the prediction log (inputs sampled by
    /// `--log-inputs`), the hourly log profiles drift is read from, and the per-model counts of
    /// `/metrics`. The record is written with the next flush of the log.
    ///
    /// - Parameters:
    ///   - model: The registered model's name; `version`: the version that predicted.
    ///   - reference: What the caller asked for (`credit-risk@champion`).
    ///   - features: The rows as ``FeatureSchema`` encodes them; `rawScores` their raw scores.
    ///   - route: Where they came from (`mcp:predict`).
    /// - Returns: The request id the log record carries (for feedback), or nil when the
    ///   version cannot be loaded here (it is then not logged, and the log says why).
    public func logPredictions(model: String, version: Int, reference: String, features: [Double], rows: Int,
                               rawScores: [Double], route: String, latency: Duration) async -> String? {
        let served: ServedModel
        do {
            served = try await pool.model(.version(model: model, version: version))
        } catch {
            state.logger.warning("predictions not logged: the version cannot be loaded", metadata: [
                "model": "\(model)", "version": "\(version)", "route": "\(route)", "error": "\(error.detail)"])
            return nil
        }
        let requestID = RequestIDs.id(supplied: nil)
        let decoded = DecodedRows(features: features, rows: rows)
        let output = PredictionOutput(model: served.model, rawScores: rawScores, rows: rows)
        metrics.recordPredictions(model: served.name, version: String(served.version), rows: rows, unseenLevels: 0)
        let rate = configuration.logInputsRate
        state.log.offer(LoggedPrediction(
            requestID: requestID, served: served, reference: reference, route: route, latency: latency, rows: decoded,
            output: output, sampleInputs: rate >= 1 || Double.random(in: 0..<1) < rate))
        return requestID
    }
}
