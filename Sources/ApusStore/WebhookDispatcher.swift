import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// Sends queued webhook deliveries: an HTTP POST of the event's JSON with its HMAC-SHA256
/// signature, retried with backoff, every attempt recorded in the store.
///
/// Headers: `Content-Type: application/json`, `X-Apus-Event: alias_moved`,
/// `X-Apus-Delivery: 12`, and `X-Apus-Signature-256: sha256=HEX`, the HMAC-SHA256 of the
/// body with the webhook's secret (as GitHub signs its webhooks). A 2xx answer delivers it.
///
/// Each command that queues deliveries sends them at once, trying up to `immediateAttempts`
/// times (waiting 0.5 s, then 1 s); what still fails is retried by later commands and by
/// `apus webhooks deliver` after `retryDelays`, then marked failed.
public struct WebhookDispatcher: Sendable {
    /// Attempts made at once, before leaving a delivery for later.
    public var immediateAttempts = 3
    /// Seconds to wait before each later attempt (after the immediate ones).
    public var retryDelays: [Int64] = [60, 300, 1800, 7200, 43_200]
    /// Seconds before one attempt times out.
    public var timeout: TimeInterval = 5

    /// A dispatcher with the documented schedule.
    public init() {}

    /// What one pass delivered.
    public struct Outcome: Sendable, Equatable {
        /// Deliveries that got a 2xx answer.
        public var delivered = 0
        /// Deliveries left to retry later.
        public var pending = 0
        /// Deliveries given up.
        public var failed = 0
        /// One line per delivery not delivered.
        public var errors: [String] = []
    }

    /// Sends every delivery that is due.
    @discardableResult
    public func deliverDue(_ store: any Store) throws -> Outcome {
        var outcome = Outcome()
        for delivery in try store.dueDeliveries() {
            var attempts = delivery.attempts
            var last: (code: Int?, error: String) = (nil, "")
            var sent = false
            let tries = delivery.attempts < immediateAttempts ? immediateAttempts - delivery.attempts : 1
            for attempt in 0..<tries {
                if attempt > 0 { Thread.sleep(forTimeInterval: 0.5 * Double(1 << (attempt - 1))) }
                let result = post(delivery)
                attempts += 1
                if let code = result.code, (200..<300).contains(code) {
                    try store.recordDeliveryAttempt(id: delivery.id, delivered: true, statusCode: code, error: nil, retryAt: nil)
                    sent = true
                    break
                }
                last = (result.code, result.error ?? "HTTP \(result.code ?? 0)")
                if attempt < tries - 1 {
                    try store.recordDeliveryAttempt(id: delivery.id, delivered: false, statusCode: last.code, error: last.error,
                                                    retryAt: StoreClock.now())
                }
            }
            if sent {
                outcome.delivered += 1
                continue
            }
            let laterIndex = attempts - immediateAttempts
            let retryAt = laterIndex < retryDelays.count
                ? StoreClock.format(milliseconds: StoreClock.nowMilliseconds() + retryDelays[max(0, laterIndex)] * 1000) : nil
            try store.recordDeliveryAttempt(id: delivery.id, delivered: false, statusCode: last.code, error: last.error, retryAt: retryAt)
            if retryAt == nil { outcome.failed += 1 } else { outcome.pending += 1 }
            outcome.errors.append("webhook delivery \(delivery.id) (\(delivery.event)) to \(delivery.url): \(last.error)"
                + (retryAt.map { "; retrying after \($0)" } ?? "; gave up after \(attempts) attempts"))
        }
        return outcome
    }

    /// The signature header's value for `body` signed with `secret`.
    public static func signature(body: String, secret: String) -> String {
        "sha256=" + Hashing.hmacSHA256Hex(secret: secret, body: body)
    }

    private func post(_ delivery: PendingDelivery) -> (code: Int?, error: String?) {
        guard let url = URL(string: delivery.url) else { return (nil, "not a URL") }
        var request = URLRequest(url: url, cachePolicy: .reloadIgnoringLocalCacheData, timeoutInterval: timeout)
        request.httpMethod = "POST"
        request.httpBody = Data(delivery.payload.utf8)
        request.setValue("application/json", forHTTPHeaderField: "Content-Type")
        request.setValue(delivery.event, forHTTPHeaderField: "X-Apus-Event")
        request.setValue(String(delivery.id), forHTTPHeaderField: "X-Apus-Delivery")
        request.setValue(Self.signature(body: delivery.payload, secret: delivery.secret), forHTTPHeaderField: "X-Apus-Signature-256")
        request.setValue("apus-webhooks", forHTTPHeaderField: "User-Agent")
        let box = ResultBox()
        let done = DispatchSemaphore(value: 0)
        let task = URLSession.shared.dataTask(with: request) { _, response, error in
            box.set(code: (response as? HTTPURLResponse)?.statusCode, error: error?.localizedDescription)
            done.signal()
        }
        task.resume()
        if done.wait(timeout: .now() + timeout + 1) == .timedOut {
            task.cancel()
            return (nil, "no answer within \(Int(timeout)) s")
        }
        return box.get()
    }
}

/// The answer of one request, handed from URLSession's queue to the waiting thread.
private final class ResultBox: @unchecked Sendable {
    private let lock = NSLock()
    private var code: Int?
    private var error: String?

    func set(code: Int?, error: String?) {
        lock.lock()
        self.code = code
        self.error = error
        lock.unlock()
    }

    func get() -> (code: Int?, error: String?) {
        lock.lock()
        defer { lock.unlock() }
        return (code, error)
    }
}
