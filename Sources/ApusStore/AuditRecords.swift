/// The kinds of event in the audit trail.
public enum AuditEventKind: String, Sendable, Codable, CaseIterable {
    case storeCreated = "store_created"
    case runStarted = "run_started"
    case runFinished = "run_finished"
    case runFailed = "run_failed"
    case runKilled = "run_killed"
    case modelCreated = "model_created"
    case modelUpdated = "model_updated"
    case versionRegistered = "version_registered"
    case versionArchived = "version_archived"
    case aliasMoved = "alias_moved"
    case rollback = "rollback"
    case modelLoaded = "model_loaded"
    case webhookAdded = "webhook_added"
    case webhookRemoved = "webhook_removed"
    case apiKeyCreated = "api_key_created"
    case apiKeyRevoked = "api_key_revoked"
    case refused = "refused"

    /// The events a webhook can subscribe to.
    public static let webhookEvents: [AuditEventKind] = [
        .runFinished, .runFailed, .runKilled, .modelCreated, .modelUpdated, .versionRegistered, .versionArchived, .aliasMoved, .rollback,
    ]
}

/// One row of the audit trail.
public struct AuditEvent: Sendable, Codable, Equatable {
    /// 1, 2, 3, ... without gaps.
    public var sequence: Int
    /// When (ISO-8601 UTC).
    public var time: String
    /// Who.
    public var actor: String
    /// What happened.
    public var event: String
    /// The registered model it concerns.
    public var model: String?
    /// The run it concerns.
    public var runID: String?
    /// The particulars (version, alias, reason, artifact hash, ...).
    public var details: [String: String]
    /// The previous row's hash (64 zeros for the first row).
    public var previousHash: String
    /// SHA-256 over `previousHash`, a newline and `canonicalText`.
    public var hash: String
    /// Ed25519 signature of `hash` (base64), when the store had a signing key.
    public var signature: String?
    /// The signer's public key (base64).
    public var publicKey: String?

    /// The canonical JSON of the event's content, which the hash covers.
    public var canonicalText: String {
        var members: [String: CanonicalJSON] = [
            "seq": .integer(Int64(sequence)), "time": .string(time), "actor": .string(actor),
            "event": .string(event), "details": .strings(details),
        ]
        members["model"] = model.map { .string($0) } ?? .null
        members["run_id"] = runID.map { .string($0) } ?? .null
        return CanonicalJSON.object(members).text
    }
}

/// The result of checking the audit trail.
public struct AuditVerification: Sendable, Codable, Equatable {
    /// Rows checked.
    public var rows: Int
    /// Rows whose signature was checked and found good.
    public var signedRows: Int
    /// The last row's hash: write it down elsewhere to detect removal of rows at the end.
    public var headHash: String
    /// The sequence number of the first row that does not check, if any.
    public var firstBrokenRow: Int?
    /// What is wrong with it.
    public var problem: String?

    /// True when every row checked.
    public var isIntact: Bool { firstBrokenRow == nil }
}
