/// A registered webhook.
public struct Webhook: Sendable, Codable, Equatable {
    /// Its number.
    public var id: Int
    /// Where events are POSTed.
    public var url: String
    /// The events it receives.
    public var events: [String]
    /// `active` or `removed`.
    public var status: String
    /// When it was added.
    public var created: String
    /// Who added it.
    public var createdBy: String
}

/// A delivery waiting to be sent, with what sending needs.
public struct PendingDelivery: Sendable, Equatable {
    /// The delivery's number.
    public var id: Int
    /// The webhook's URL.
    public var url: String
    /// The HMAC key.
    public var secret: String
    /// The event name.
    public var event: String
    /// The JSON body.
    public var payload: String
    /// Attempts made so far.
    public var attempts: Int
}

/// A delivery as recorded.
public struct WebhookDeliveryRecord: Sendable, Codable, Equatable {
    /// Its number.
    public var id: Int
    /// The webhook.
    public var webhookID: Int
    /// The webhook's URL.
    public var url: String
    /// The audit row that caused it.
    public var auditSequence: Int
    /// The event name.
    public var event: String
    /// `pending`, `delivered` or `failed` (gave up after the last attempt).
    public var status: String
    /// Attempts made.
    public var attempts: Int
    /// The last HTTP status received.
    public var lastStatusCode: Int?
    /// The last error (connection refused, timeout, a non-2xx status).
    public var lastError: String?
    /// When the next attempt is due, if pending.
    public var nextAttempt: String?
    /// When it was delivered.
    public var delivered: String?
}
