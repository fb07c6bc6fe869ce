import ApusModel
import ApusStore
import Dispatch
import Synchronization

/// One answered request, waiting to be written to the prediction log. It holds the
/// decoded rows and outputs as they are; the writer renders them as JSON off the request path.
struct LoggedPrediction: Sendable {
    let requestID: String
    let served: ServedModel
    let reference: String
    let route: String
    let loggedAtMilliseconds: Int64
    let latency: Duration
    let rows: DecodedRows
    let output: PredictionOutput
    /// Whether the inputs are logged (`--log-inputs` samples requests).
    let sampleInputs: Bool

    init(requestID: String, served: ServedModel, reference: String, route: String, latency: Duration, rows: DecodedRows,
         output: PredictionOutput, sampleInputs: Bool) {
        self.requestID = requestID
        self.served = served
        self.reference = reference
        self.route = route
        self.loggedAtMilliseconds = StoreClock.nowMilliseconds()
        self.latency = latency
        // What the log needs, and no more: the KServe id and requested outputs are not
        // logged, and unseen values are cut to 200 characters (as names in problems are),
        // so a record's memory is bounded by its rows.
        var kept = rows
        kept.id = nil
        kept.requestedOutputs = nil
        if kept.unseen.contains(where: { $0.value.utf8.count > 200 }) {
            kept.unseen = kept.unseen.map { level in
                var level = level
                if level.value.utf8.count > 200 { level.value = String(level.value.prefix(200)) }
                return level
            }
        }
        self.rows = kept
        self.output = output
        self.sampleInputs = sampleInputs
    }
}

/// The bounded queue between requests and the prediction log's writer.
///
/// ``offer(_:)`` never waits: when the rows queued would pass `capacity` the new record is
/// dropped and counted (`apus_prediction_log_dropped_total`). The bound is in rows, not
/// records, so the memory held is bounded whatever the requests' sizes. The writer takes
/// everything queued every flush interval, and once more at shutdown, and writes it in one
/// transaction.
final class PredictionLogQueue: Sendable {
    /// The most rows waiting.
    let capacity: Int
    private let metrics: ServerMetrics
    private let items = Mutex<(records: [LoggedPrediction], rows: Int)>(([], 0))
    /// Writes one batch; says how many records were written, and the error that stopped
    /// the rest, if one did.
    private let sink: @Sendable ([LoggedPrediction]) -> (written: Int, error: (any Error)?)
    /// Batches are written one at a time, in order, here.
    private let writeQueue = DispatchQueue(label: "apus.prediction-log")
    private let failures = Atomic<Int>(0)

    init(capacity: Int, metrics: ServerMetrics, sink: @escaping @Sendable ([LoggedPrediction]) -> (written: Int, error: (any Error)?)) {
        self.capacity = capacity
        self.metrics = metrics
        self.sink = sink
    }

    /// Queues a record, or drops and counts it when the queue is full.
    func offer(_ record: LoggedPrediction) {
        guard capacity > 0 else { return }
        let depth = items.withLock { items -> Int? in
            guard items.rows + record.rows.rows <= capacity else { return nil }
            items.records.append(record)
            items.rows += record.rows.rows
            return items.records.count
        }
        if let depth {
            metrics.logQueueDepth.set(Double(depth))
        } else {
            metrics.logDropped.increment()
        }
    }

    /// Records waiting now.
    var depth: Int { items.withLock { $0.records.count } }

    /// Batches that failed to be written (their records are counted as dropped).
    var failedBatches: Int { failures.load(ordering: .relaxed) }

    /// Writes everything queued so far, after any batch being written now; returns when it
    /// is in the store.
    ///
    /// - Throws: The store's error when part of the batch could not be written (those
    ///   records are dropped and counted; the other parts are still written).
    func flush() async throws {
        try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Void, any Error>) in
            writeQueue.async {
                let batch = self.items.withLock { items in
                    let batch = items.records
                    items = ([], 0)
                    return batch
                }
                self.metrics.logQueueDepth.set(0.0)
                guard !batch.isEmpty else { return continuation.resume() }
                let (written, error) = self.sink(batch)
                self.metrics.logWritten.increment(by: Int64(written))
                // Not written: records of a failed transaction, and repeats of a request id
                // already logged (a client reusing its X-Request-Id).
                if written < batch.count { self.metrics.logDropped.increment(by: Int64(batch.count - written)) }
                if let error {
                    self.failures.add(1, ordering: .relaxed)
                    continuation.resume(throwing: error)
                } else {
                    continuation.resume()
                }
            }
        }
    }
}
