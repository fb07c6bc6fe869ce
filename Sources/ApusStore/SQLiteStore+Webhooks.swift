import Foundation
import GRDB

extension SQLiteStore {
    /// Queues a delivery of `event` to every active webhook that subscribed to it.
    func queueDeliveries(_ db: Database, for event: AuditEvent) throws {
        guard let kind = AuditEventKind(rawValue: event.event), AuditEventKind.webhookEvents.contains(kind) else { return }
        let hooks = try Row.fetchAll(db, sql: "SELECT id, events FROM webhooks WHERE status = 'active'")
        for hook in hooks {
            let events = (hook["events"] as String).split(separator: ",").map(String.init)
            guard events.contains(event.event) else { continue }
            try db.execute(
                sql: dialect.render("""
                    INSERT INTO webhook_deliveries (webhook_id, audit_seq, event, payload, status, attempts, next_attempt)
                    VALUES (?, ?, ?, ?, 'pending', 0, ?)
                    """),
                arguments: [hook["id"] as Int, event.sequence, event.event, Self.payload(of: event), event.time])
        }
    }

    /// The JSON body a webhook receives for `event`.
    static func payload(of event: AuditEvent) -> String {
        var members: [String: CanonicalJSON] = [
            "event": .string(event.event), "audit_seq": .integer(Int64(event.sequence)), "time": .string(event.time),
            "actor": .string(event.actor), "details": .strings(event.details), "audit_hash": .string(event.hash),
        ]
        members["model"] = event.model.map { .string($0) } ?? .null
        members["run_id"] = event.runID.map { .string($0) } ?? .null
        return CanonicalJSON.object(members).text
    }

    public func addWebhook(url: String, events: [String], secret: String) throws -> Webhook {
        guard let parsed = URL(string: url), let scheme = parsed.scheme?.lowercased(), scheme == "http" || scheme == "https",
              let host = parsed.host, !host.isEmpty else {
            throw StoreError("webhook URL `\(StoreNames.printable(url))` is not an http:// or https:// URL")
        }
        guard !events.isEmpty else { throw StoreError("a webhook needs at least one event") }
        let known = AuditEventKind.webhookEvents.map(\.rawValue)
        for event in events where !known.contains(event) {
            throw StoreError("`\(StoreNames.printable(event))` is not a webhook event; the events are \(known.joined(separator: ", "))")
        }
        guard secret.utf8.count >= 16 else { throw StoreError("a webhook secret must be at least 16 characters") }
        return try write { db in
            let created = StoreClock.now()
            let id = try Int.fetchOne(
                db, sql: dialect.render("""
                    INSERT INTO webhooks (url, events, secret, status, created, created_by)
                    VALUES (?, ?, ?, 'active', ?, ?) RETURNING id
                    """),
                arguments: [url, events.joined(separator: ","), secret, created, self.actor])!
            try self.appendAudit(db, .webhookAdded, details: ["webhook": String(id), "url": url, "events": events.joined(separator: ",")])
            return Webhook(id: id, url: url, events: events, status: "active", created: created, createdBy: self.actor)
        }
    }

    public func webhooks() throws -> [Webhook] {
        try read { db in
            try Row.fetchAll(db, sql: "SELECT id, url, events, status, created, created_by FROM webhooks ORDER BY id").map { row in
                Webhook(id: row["id"], url: row["url"], events: (row["events"] as String).split(separator: ",").map(String.init),
                        status: row["status"], created: row["created"], createdBy: row["created_by"])
            }
        }
    }

    public func removeWebhook(id: Int) throws {
        try write { db in
            guard let status = try String.fetchOne(db, sql: dialect.render("SELECT status FROM webhooks WHERE id = ?"), arguments: [id]) else {
                throw StoreError("there is no webhook \(id)")
            }
            guard status == "active" else { throw StoreError("webhook \(id) is already removed") }
            try db.execute(sql: dialect.render("UPDATE webhooks SET status = 'removed' WHERE id = ?"), arguments: [id])
            try db.execute(
                sql: dialect.render("UPDATE webhook_deliveries SET status = 'failed', last_error = 'webhook removed', next_attempt = NULL WHERE webhook_id = ? AND status = 'pending'"),
                arguments: [id])
            try self.appendAudit(db, .webhookRemoved, details: ["webhook": String(id)])
        }
    }

    public func dueDeliveries() throws -> [PendingDelivery] {
        try read { db in
            try Row.fetchAll(
                db, sql: dialect.render("""
                    SELECT d.id, w.url, w.secret, d.event, d.payload, d.attempts FROM webhook_deliveries d
                    JOIN webhooks w ON w.id = d.webhook_id
                    WHERE d.status = 'pending' AND d.next_attempt <= ? ORDER BY d.id
                    """),
                arguments: [StoreClock.now()]
            ).map { row in
                PendingDelivery(id: row["id"], url: row["url"], secret: row["secret"], event: row["event"],
                                payload: row["payload"], attempts: row["attempts"])
            }
        }
    }

    public func recordDeliveryAttempt(id: Int, delivered: Bool, statusCode: Int?, error: String?, retryAt: String?) throws {
        try write { db in
            let status = delivered ? "delivered" : (retryAt == nil ? "failed" : "pending")
            try db.execute(
                sql: dialect.render("""
                    UPDATE webhook_deliveries SET status = ?, attempts = attempts + 1, last_status_code = ?, last_error = ?,
                    next_attempt = ?, delivered = ? WHERE id = ?
                    """),
                arguments: [status, statusCode, error, delivered ? nil : retryAt, delivered ? StoreClock.now() : nil, id])
        }
    }

    public func deliveries(limit: Int) throws -> [WebhookDeliveryRecord] {
        try read { db in
            try Row.fetchAll(
                db, sql: dialect.render("""
                    SELECT d.*, w.url FROM webhook_deliveries d JOIN webhooks w ON w.id = d.webhook_id
                    ORDER BY d.id DESC LIMIT ?
                    """),
                arguments: [limit]
            ).map { row in
                WebhookDeliveryRecord(
                    id: row["id"], webhookID: row["webhook_id"], url: row["url"], auditSequence: row["audit_seq"],
                    event: row["event"], status: row["status"], attempts: row["attempts"],
                    lastStatusCode: row["last_status_code"], lastError: row["last_error"],
                    nextAttempt: row["next_attempt"], delivered: row["delivered"])
            }
        }
    }
}
