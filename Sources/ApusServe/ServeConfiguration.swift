import ApusService

/// How `apus serve` runs: where it listens, what it serves, and the limits it enforces.
/// Every option of `apus serve` is one of these properties.
public struct ServeConfiguration: Sendable, Equatable {
    /// The address to listen on: loopback unless the user says otherwise (`--host`).
    public var host = "127.0.0.1"
    /// The port (`--port`; 0 picks a free one).
    public var port = 8080
    /// Models to load before the server reports ready (`NAME@ALIAS` or `NAME/VERSION`);
    /// others are loaded on their first request.
    public var preload: [String] = []
    /// What a bare model name means: `NAME@<defaultAlias>` (`--default-alias`).
    public var defaultAlias = "champion"
    /// The largest request body, in bytes (`--max-body-bytes`); larger ones get 413.
    public var maxBodyBytes = 16 << 20
    /// The most rows one request may carry (`--max-rows`); more get 413.
    public var maxRows = 10_000
    /// Adaptive batching (`--max-batch-size` above 1 turns it on; off by default).
    public var maxBatchSize = 1
    /// How long a request waits for others to share its batch (`--max-batch-delay-ms`).
    public var maxBatchDelayMilliseconds = 2.0
    /// Fields a request sends that the model does not read (`--unknown-fields`): refused
    /// (400 naming the field, the default, so a typo is never taken for a missing value) or
    /// ignored (and listed in the answer's `ignored_fields`).
    public var unknownFields: UnknownFieldPolicy = .refuse
    /// Require an API key for inference and reading routes (`--require-key`); admin routes
    /// always require an admin key.
    public var requireKey = false
    /// Origins allowed by CORS (`--cors-origin`, repeatable); none by default, so browsers
    /// on other origins are refused.
    public var corsOrigins: [String] = []
    /// The share of requests whose inputs go to the prediction log (`--log-inputs`, 0...1);
    /// outputs, versions, latency and request ids are logged for every request.
    public var logInputsRate = 1.0
    /// The most prediction-log rows waiting to be written (`--log-queue`); a request that
    /// would pass it is not logged (dropped and counted), never blocked. 0 turns the log off.
    public var logQueueCapacity = 100_000
    /// How often the prediction log is written to the store, in milliseconds.
    public var logFlushMilliseconds = 200
    /// How often followed aliases are checked against the store (`--alias-poll-ms`).
    public var aliasPollMilliseconds = 1_000
    /// A CSV file of reference rows (approved applicants, say) that explanations may be
    /// relative to (`--explain-background`): read once at start, encoded by each served
    /// model when it is loaded. Without it the explain route offers the `average` reference
    /// only.
    public var explainBackgroundPath: String?
    /// The most rows of the `background` reference (`--explain-background-rows`): a seeded
    /// sample of the file when it has more. The `threshold` reference picks from up to
    /// 10,000 of its rows.
    public var explainBackgroundRows = 100
    /// A CSV file of reference rows the monitor route compares the prediction log with
    /// (`--monitor-reference`); without it, the profile stored with each model version's training.
    public var monitorReferencePath: String?
    /// How often every served model version's recent prediction log is compared with its
    /// reference to refresh the drift gauges of `/metrics` (`--monitor-interval`, seconds; 0: only
    /// when `GET /v1/models/{name}/monitor` is called).
    public var monitorIntervalSeconds = 0
    /// The window the periodic monitor and the monitor route read by default (`--monitor-window`).
    public var monitorWindow = "24h"

    /// The defaults.
    public init() {}

    /// The batching policy, when batching is on.
    public var batching: BatchingPolicy? {
        guard maxBatchSize > 1 else { return nil }
        return BatchingPolicy(maxBatchSize: maxBatchSize, maxDelay: .microseconds(Int64(maxBatchDelayMilliseconds * 1000)))
    }

    /// Checks the values' ranges.
    ///
    /// - Throws: A message naming the option that is out of range.
    public func validate() throws(ServeConfigurationError) {
        func check(_ ok: Bool, _ message: String) throws(ServeConfigurationError) {
            if !ok { throw ServeConfigurationError(message: message) }
        }
        try check((0...65_535).contains(port), "--port must be 0 to 65535, not \(port)")
        try check(maxBodyBytes >= 1_024, "--max-body-bytes must be at least 1024, not \(maxBodyBytes)")
        try check(maxRows >= 1, "--max-rows must be at least 1, not \(maxRows)")
        try check((1...100_000).contains(maxBatchSize), "--max-batch-size must be 1 (off) to 100000, not \(maxBatchSize)")
        try check(maxBatchDelayMilliseconds > 0 && maxBatchDelayMilliseconds <= 1_000,
                  "--max-batch-delay-ms must be above 0 and at most 1000, not \(maxBatchDelayMilliseconds)")
        try check((0...1).contains(logInputsRate), "--log-inputs must be a share from 0 to 1, not \(logInputsRate)")
        try check(logQueueCapacity >= 0, "--log-queue must be 0 (no log) or more, not \(logQueueCapacity)")
        try check(logFlushMilliseconds >= 1, "the log flush interval must be at least 1 ms")
        try check(aliasPollMilliseconds >= 50, "--alias-poll-ms must be at least 50, not \(aliasPollMilliseconds)")
        try check((1...ExplanationBackground.maxCandidates).contains(explainBackgroundRows),
                  "--explain-background-rows must be 1 to \(ExplanationBackground.maxCandidates), not \(explainBackgroundRows)")
        try check(explainBackgroundPath.map { !$0.isEmpty } ?? true, "--explain-background needs a CSV file's path")
        try check(monitorIntervalSeconds >= 0, "--monitor-interval must be 0 (off) or more seconds, not \(monitorIntervalSeconds)")
        try check(monitorReferencePath.map { !$0.isEmpty } ?? true, "--monitor-reference needs a CSV file's path")
        try check((try? ModelMonitoring.windowStart(monitorWindow)) != nil,
                  "--monitor-window must be a duration before now (90m, 24h, 7d) or an ISO 8601 UTC time, not `\(monitorWindow)`")
    }
}

/// An option of ``ServeConfiguration`` out of its range.
public struct ServeConfigurationError: Error, CustomStringConvertible, Sendable {
    /// Which option, and its allowed range.
    public let message: String
    public var description: String { message }
}
