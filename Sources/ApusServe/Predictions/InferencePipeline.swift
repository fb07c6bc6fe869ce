import ApusModel
import Hummingbird

/// What one inference request produced.
struct Inference: Sendable {
    let served: ServedModel
    let rows: DecodedRows
    let rawScores: [Double]
    let output: PredictionOutput
}

extension ServingState {
    /// The work every inference route shares: find the model the reference names now, read
    /// the body into its feature buffer, predict, count, and hand the record to the
    /// prediction log.
    ///
    /// - Parameters:
    ///   - reference: `NAME@ALIAS`, `NAME/VERSION` or a bare `NAME`.
    ///   - check: Refuses a decoded request before anything is predicted, counted or logged.
    ///   - decode: Reads the body in the route's format.
    func infer(
        reference: String, route: String, request: Request, exchange: inout Exchange, accepted: [String] = ["application/json"],
        check: (ServedModel, DecodedRows) throws(RequestProblem) -> Void = { _, _ in },
        decode: (PredictionBodyDecoder, String, UnsafeRawBufferPointer) throws(RequestProblem) -> DecodedRows
    ) async throws -> Inference {
        let served = try await pool.model(try pool.reference(reference))
        exchange.model = served.name
        exchange.version = String(served.version)
        let mediaType = try mediaType(of: request, accepted: accepted)
        let body = try await body(of: request)
        let decoded = try body.withUnsafeReadableBytes { bytes in
            Result { () throws(RequestProblem) -> DecodedRows in try decode(served.decoder, mediaType, bytes) }
        }.get()
        try check(served, decoded)
        let scores = await served.rawScores(decoded)
        let output = PredictionOutput(model: served.model, rawScores: scores, rows: decoded.rows)
        metrics.recordPredictions(model: served.name, version: exchange.version, rows: decoded.rows, unseenLevels: decoded.unseen.count)
        log.offer(LoggedPrediction(
            requestID: exchange.requestID, served: served, reference: reference, route: route,
            latency: ContinuousClock.now - exchange.start, rows: decoded, output: output,
            sampleInputs: configuration.logInputsRate >= 1 || Double.random(in: 0..<1) < configuration.logInputsRate))
        return Inference(served: served, rows: decoded, rawScores: scores, output: output)
    }
}
