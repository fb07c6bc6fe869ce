import Prometheus
import Synchronization

/// What `/metrics` reports, in Prometheus' text format: requests and their latency by model,
/// version, route and status; predictions (rows); errors by kind; unseen categorical
/// levels; model load time; in-flight requests; the prediction log's queue depth and drops;
/// adaptive batch sizes.
///
/// Label sets are looked up once and kept, so a request costs a dictionary lookup per metric.
public final class ServerMetrics: Sendable {
    /// The registry the metrics live in (emitted by `/metrics`).
    public let registry = PrometheusCollectorRegistry()

    private let requestCounters = Mutex<[RequestLabels: Counter]>([:])
    private let latencyHistograms = Mutex<[RequestLabels: DurationHistogram]>([:])
    private let predictionCounters = Mutex<[ModelLabels: Counter]>([:])
    private let unseenCounters = Mutex<[ModelLabels: Counter]>([:])
    private let errorCounters = Mutex<[String: Counter]>([:])
    private let loadHistograms = Mutex<[String: DurationHistogram]>([:])
    /// Requests being answered now.
    public let inFlight: Gauge
    /// Prediction-log records waiting to be written.
    public let logQueueDepth: Gauge
    /// Prediction-log records dropped because the queue was full.
    public let logDropped: Counter
    /// Prediction-log records written to the store.
    public let logWritten: Counter
    /// Rows per batch the adaptive batcher ran.
    public let batchSizes: ValueHistogram
    /// Alias moves followed (a new version swapped in).
    public let modelSwaps: Counter
    /// The drift gauges, set from each monitoring report.
    let drift: DriftGauges

    private static let latencyBuckets: [Duration] = [
        .microseconds(100), .microseconds(250), .microseconds(500), .milliseconds(1), .milliseconds(2.5),
        .milliseconds(5), .milliseconds(10), .milliseconds(25), .milliseconds(50), .milliseconds(100),
        .milliseconds(250), .milliseconds(500), .seconds(1), .seconds(2.5), .seconds(5), .seconds(10),
    ]

    /// Empty metrics.
    public init() {
        inFlight = registry.makeGauge(descriptor: Self.name("http_requests_in_flight", help: "Requests being answered now."))
        logQueueDepth = registry.makeGauge(descriptor: Self.name("prediction_log_queue_depth", help: "Prediction-log records waiting to be written to the store."))
        logDropped = registry.makeCounter(descriptor: Self.name("prediction_log_dropped_total", help: "Prediction-log records dropped because the queue was full."))
        logWritten = registry.makeCounter(descriptor: Self.name("prediction_log_written_total", help: "Prediction-log records written to the store."))
        batchSizes = registry.makeValueHistogram(
            descriptor: Self.name("batch_rows", help: "Rows in each batch the adaptive batcher ran."),
            buckets: [1, 2, 4, 8, 16, 32, 64, 128, 256])
        modelSwaps = registry.makeCounter(descriptor: Self.name("model_swaps_total", help: "Alias moves followed by loading the new version."))
        drift = DriftGauges(registry: registry)
    }

    struct RequestLabels: Hashable {
        var model: String, version: String, route: String, status: Int
    }

    struct ModelLabels: Hashable {
        var model: String, version: String
    }

    private static func name(_ name: String, help: String) -> MetricNameDescriptor {
        MetricNameDescriptor(namespace: "apus", metricName: name, unitName: "", helpText: help)
    }

    /// Counts one answered request and its latency.
    ///
    /// - Parameters:
    ///   - model, version: Empty for routes that are not about one model.
    ///   - route: The route's pattern (`/v1/models/{name}/predict`), never the raw path, so
    ///     the label set stays bounded.
    public func recordRequest(model: String, version: String, route: String, status: Int, nanoseconds: Int64) {
        let labels = RequestLabels(model: model, version: version, route: route, status: status)
        var pairs: [(String, String)] { [("model", model), ("version", version), ("route", route), ("status", String(status))] }
        let counter = requestCounters.withLock { counters in
            if let counter = counters[labels] { return counter }
            let counter = registry.makeCounter(
                descriptor: Self.name("http_requests_total", help: "Requests answered, by model, version, route and status."),
                labels: pairs)
            counters[labels] = counter
            return counter
        }
        counter.increment()
        let histogram = latencyHistograms.withLock { histograms in
            if let histogram = histograms[labels] { return histogram }
            let histogram = registry.makeDurationHistogram(
                descriptor: Self.name("http_request_duration_seconds", help: "Time from request to response, by model, version, route and status."),
                labels: pairs, buckets: Self.latencyBuckets)
            histograms[labels] = histogram
            return histogram
        }
        histogram.recordNanoseconds(nanoseconds)
    }

    /// Counts rows predicted, and unseen categorical levels among them.
    public func recordPredictions(model: String, version: String, rows: Int, unseenLevels: Int) {
        let labels = ModelLabels(model: model, version: version)
        var pairs: [(String, String)] { [("model", model), ("version", version)] }
        predictionCounters.withLock { counters in
            if let counter = counters[labels] { return counter }
            let counter = registry.makeCounter(
                descriptor: Self.name("predictions_total", help: "Rows predicted, by model and version."), labels: pairs)
            counters[labels] = counter
            return counter
        }.increment(by: Int64(rows))
        guard unseenLevels > 0 else { return }
        unseenCounters.withLock { counters in
            if let counter = counters[labels] { return counter }
            let counter = registry.makeCounter(
                descriptor: Self.name("unseen_levels_total", help: "Categorical values the model never saw in training (served as unseen), by model and version."),
                labels: pairs)
            counters[labels] = counter
            return counter
        }.increment(by: Int64(unseenLevels))
    }

    /// Counts one refused request by the kind of mistake.
    public func recordError(kind: String) {
        errorCounters.withLock { counters in
            if let counter = counters[kind] { return counter }
            let counter = registry.makeCounter(
                descriptor: Self.name("request_errors_total", help: "Requests refused, by kind of mistake."),
                labels: [("kind", kind)])
            counters[kind] = counter
            return counter
        }.increment()
    }

    /// Records how long loading a model version took.
    public func recordModelLoad(model: String, nanoseconds: Int64) {
        loadHistograms.withLock { histograms in
            if let histogram = histograms[model] { return histogram }
            let histogram = registry.makeDurationHistogram(
                descriptor: Self.name("model_load_duration_seconds", help: "Time to read, verify and prepare a model version, by model."),
                labels: [("model", model)],
                buckets: [.milliseconds(1), .milliseconds(5), .milliseconds(10), .milliseconds(50), .milliseconds(100), .milliseconds(500), .seconds(1), .seconds(5)])
            histograms[model] = histogram
            return histogram
        }.recordNanoseconds(nanoseconds)
    }

    /// The text exposition of every metric.
    public func exposition() -> [UInt8] {
        var buffer: [UInt8] = []
        registry.emit(into: &buffer)
        return buffer
    }
}
