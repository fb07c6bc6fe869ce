import Foundation
import Testing
@testable import ApusStore

@Suite struct WebhookTests {
    static let secret = "a-webhook-secret-0123456789"

    /// A store with `churn` v1 and v2 registered.
    static func registry() throws -> TemporaryStore {
        let temporary = try TemporaryStore()
        try temporary.register("churn", "one")
        try temporary.register("churn", "two")
        return temporary
    }

    // MARK: Adding and removing

    @Test func aWebhookIsAddedListedAndRemoved() throws {
        let temporary = try TemporaryStore(actor: "ops")
        let hook = try temporary.store.addWebhook(url: "https://hooks.example.com/apus", events: ["alias_moved", "rollback"], secret: Self.secret)
        #expect(hook.id == 1 && hook.url == "https://hooks.example.com/apus" && hook.events == ["alias_moved", "rollback"])
        #expect(hook.status == "active" && hook.createdBy == "ops" && StoreClock.parse(hook.created) != nil)
        #expect(try temporary.store.webhooks() == [hook])
        let added = try #require(try temporary.store.auditEvents(model: nil, limit: 1).first)
        #expect(added.event == "webhook_added")
        #expect(added.details == ["webhook": "1", "url": "https://hooks.example.com/apus", "events": "alias_moved,rollback"])
        // The secret is not in the audit trail.
        #expect(!added.canonicalText.contains(Self.secret))

        try temporary.store.removeWebhook(id: hook.id)
        var removed = hook
        removed.status = "removed"
        #expect(try temporary.store.webhooks() == [removed])
        #expect(try temporary.store.auditEvents(model: nil, limit: 1).first?.details == ["webhook": "1"])
        #expect(throws: StoreError("webhook 1 is already removed")) { try temporary.store.removeWebhook(id: 1) }
        #expect(throws: StoreError("there is no webhook 7")) { try temporary.store.removeWebhook(id: 7) }
    }

    @Test(arguments: [
        ("ftp://example.com/x", "webhook URL `ftp://example.com/x` is not an http:// or https:// URL"),
        ("file:///etc/passwd", "webhook URL `file:///etc/passwd` is not an http:// or https:// URL"),
        ("example.com/hook", "webhook URL `example.com/hook` is not an http:// or https:// URL"),
        ("http://", "webhook URL `http://` is not an http:// or https:// URL"),
        ("", "webhook URL `` is not an http:// or https:// URL"),
        ("http://:8080/hook", "webhook URL `http://:8080/hook` is not an http:// or https:// URL"),
        ("http:///hook", "webhook URL `http:///hook` is not an http:// or https:// URL"),
        ("http://exa mple.com\n", "webhook URL `http://exa mple.com\\u{a}` is not an http:// or https:// URL"),
    ])
    func aBadURLIsRefused(url: String, message: String) throws {
        let temporary = try TemporaryStore()
        #expect(throws: StoreError(message)) { try temporary.store.addWebhook(url: url, events: ["rollback"], secret: Self.secret) }
        #expect(try temporary.store.webhooks().isEmpty)
    }

    @Test func badEventsOrASecretTooShortAreRefused() throws {
        let temporary = try TemporaryStore()
        let store = temporary.store
        #expect(throws: StoreError("a webhook needs at least one event")) {
            try store.addWebhook(url: "http://127.0.0.1/x", events: [], secret: Self.secret)
        }
        let known = "run_finished, run_failed, run_killed, model_created, model_updated, version_registered, version_archived, alias_moved, rollback"
        #expect(throws: StoreError("`run_started` is not a webhook event; the events are \(known)")) {
            try store.addWebhook(url: "http://127.0.0.1/x", events: ["alias_moved", "run_started"], secret: Self.secret)
        }
        #expect(throws: StoreError("`refused` is not a webhook event; the events are \(known)")) {
            try store.addWebhook(url: "http://127.0.0.1/x", events: ["refused"], secret: Self.secret)
        }
        #expect(throws: StoreError("`alias_moved,rollback` is not a webhook event; the events are \(known)")) {
            try store.addWebhook(url: "http://127.0.0.1/x", events: ["alias_moved,rollback"], secret: Self.secret)
        }
        #expect(throws: StoreError("a webhook secret must be at least 16 characters")) {
            try store.addWebhook(url: "http://127.0.0.1/x", events: ["rollback"], secret: "fifteen-chars!!")
        }
        _ = try store.addWebhook(url: "HTTP://127.0.0.1:9/x", events: ["rollback"], secret: "sixteen-chars!!!")
        #expect(try store.webhooks().count == 1)
    }

    // MARK: Queueing

    @Test func deliveriesAreQueuedOnlyForSubscribedEvents() throws {
        let temporary = try TemporaryStore()
        let store = temporary.store
        let moves = try store.addWebhook(url: "http://127.0.0.1:9/moves", events: ["alias_moved", "rollback"], secret: Self.secret)
        let versions = try store.addWebhook(url: "http://127.0.0.1:9/versions", events: ["version_registered"], secret: Self.secret)
        try temporary.register("churn", "one")  // model_created (nobody), version_registered (versions)
        try temporary.register("churn", "two")
        _ = try store.setAlias(model: "churn", alias: "champion", version: 1, reason: "launch")  // moves
        _ = try store.setAlias(model: "churn", alias: "champion", version: 2, reason: "better")  // moves
        _ = try store.rollback(model: "churn", alias: "champion", reason: "bad")  // moves
        #expect(throws: StoreError.self) { try store.setAlias(model: "churn", alias: "champion", version: 1, reason: "same") }  // refused: nobody
        try store.recordEvent(.modelLoaded, model: "churn", runID: nil, details: [:])  // nobody

        let deliveries = Array(try store.deliveries(limit: 100).reversed())
        #expect(deliveries.map(\.event) == ["version_registered", "version_registered", "alias_moved", "alias_moved", "rollback"])
        #expect(deliveries.map(\.webhookID) == [versions.id, versions.id, moves.id, moves.id, moves.id])
        #expect(deliveries.map(\.url) == [versions.url, versions.url, moves.url, moves.url, moves.url])
        #expect(deliveries.allSatisfy { $0.status == "pending" && $0.attempts == 0 && $0.delivered == nil && $0.lastStatusCode == nil })
        // Each names the audit row that caused it, and its body is that row's event.
        let events = try store.auditEvents(model: nil, limit: nil)
        let due = try store.dueDeliveries()
        #expect(due.map(\.id) == deliveries.map(\.id))
        for (delivery, pending) in zip(deliveries, due) {
            let event = try #require(events.first { $0.sequence == delivery.auditSequence })
            #expect(event.event == delivery.event)
            #expect(pending.payload == SQLiteStore.payload(of: event))
            #expect(pending.secret == Self.secret && pending.attempts == 0)
            let body = try #require(try JSONSerialization.jsonObject(with: Data(pending.payload.utf8)) as? [String: Any])
            #expect(body["event"] as? String == event.event)
            #expect(body["audit_hash"] as? String == event.hash)
            #expect(body["model"] as? String == "churn")
            #expect((body["audit_seq"] as? NSNumber)?.intValue == event.sequence)
        }
        #expect(try store.deliveries(limit: 2).map(\.event) == ["rollback", "alias_moved"])
    }

    @Test func aRemovedWebhookGetsNoMoreDeliveriesAndItsPendingOnesFail() throws {
        let temporary = try Self.registry()
        let store = temporary.store
        let hook = try store.addWebhook(url: "http://127.0.0.1:9/x", events: ["alias_moved"], secret: Self.secret)
        let kept = try store.addWebhook(url: "http://127.0.0.1:9/y", events: ["alias_moved"], secret: Self.secret)
        _ = try store.setAlias(model: "churn", alias: "champion", version: 1, reason: "r")
        try store.removeWebhook(id: hook.id)
        _ = try store.setAlias(model: "churn", alias: "champion", version: 2, reason: "r")
        let deliveries = try store.deliveries(limit: 10)
        let removed = deliveries.filter { $0.webhookID == hook.id }
        #expect(removed.count == 1)
        #expect(removed[0].status == "failed" && removed[0].lastError == "webhook removed" && removed[0].nextAttempt == nil)
        #expect(removed[0].attempts == 0)
        #expect(deliveries.filter { $0.webhookID == kept.id }.map(\.status) == ["pending", "pending"])
        #expect(try store.dueDeliveries().allSatisfy { $0.url == kept.url })
        #expect(try store.dueDeliveries().count == 2)
    }

    @Test func aChangeThatIsRolledBackQueuesNothing() throws {
        let temporary = try TemporaryStore()
        _ = try temporary.store.addWebhook(url: "http://127.0.0.1:9/x", events: ["model_created", "version_registered"], secret: Self.secret)
        #expect(throws: StoreError.self) {
            try temporary.store.registerVersion(VersionRegistration(
                model: "churn", runID: String(repeating: "1", count: 32), artifact: try temporary.artifact("m"),
                metrics: [:], schema: "[]", lineage: [:], reason: "r"))
        }
        #expect(try temporary.store.deliveries(limit: 10).isEmpty)
    }

    // MARK: Signing

    @Test func theSignatureIsHMACSHA256OfTheBody() {
        // RFC 4231, test case 2.
        #expect(WebhookDispatcher.signature(body: "what do ya want for nothing?", secret: "Jefe")
            == "sha256=5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843")
        #expect(WebhookDispatcher.signature(body: "", secret: "key")
            == "sha256=5d5d139563c95b5967b9bd9a8c9b233a9dedb45072794cd232dc1b74832607d0")
        #expect(WebhookDispatcher.signature(body: "a", secret: "key") != WebhookDispatcher.signature(body: "a", secret: "kez"))
    }

    // MARK: Delivering to a real server

    @Test func aDeliveryIsPostedSignedAndRecordedDelivered() throws {
        let server = try RecordingServer(status: 200, secret: Self.secret)
        let temporary = try Self.registry()
        let store = temporary.store
        _ = try store.addWebhook(url: server.url, events: ["alias_moved"], secret: Self.secret)
        _ = try store.setAlias(model: "churn", alias: "champion", version: 2, reason: "launch")
        let pending = try #require(try store.dueDeliveries().first)

        let outcome = try WebhookDispatcher().deliverDue(store)
        #expect(outcome == WebhookDispatcher.Outcome(delivered: 1, pending: 0, failed: 0, errors: []))

        let requests = try server.requests()
        #expect(requests.count == 1)
        let request = try #require(requests.first)
        #expect(request.path == "/hook")
        #expect(request.body == pending.payload)
        let signature = WebhookDispatcher.signature(body: pending.payload, secret: Self.secret)
        #expect(request.headers["x-apus-signature-256"] == signature)
        #expect(request.hmac == signature)  // python's hmac over the bytes received
        #expect(request.headers["x-apus-event"] == "alias_moved")
        #expect(request.headers["x-apus-delivery"] == String(pending.id))
        #expect(request.headers["content-type"] == "application/json")
        #expect(request.headers["user-agent"] == "apus-webhooks")

        let record = try #require(try store.deliveries(limit: 1).first)
        #expect(record.id == pending.id && record.status == "delivered" && record.attempts == 1)
        #expect(record.lastStatusCode == 200 && record.lastError == nil && record.nextAttempt == nil)
        #expect(record.delivered.flatMap(StoreClock.parse) != nil)
        #expect(try store.dueDeliveries().isEmpty)
        // Nothing more to send.
        #expect(try WebhookDispatcher().deliverDue(store) == WebhookDispatcher.Outcome())
        #expect(try server.requests().count == 1)
    }

    @Test func aFailingServerIsRetriedThenGivenUp() throws {
        let server = try RecordingServer(status: 500, secret: Self.secret)
        let temporary = try Self.registry()
        let store = temporary.store
        _ = try store.addWebhook(url: server.url, events: ["alias_moved"], secret: Self.secret)
        _ = try store.setAlias(model: "churn", alias: "champion", version: 1, reason: "r")
        let id = try #require(try store.dueDeliveries().first?.id)

        var dispatcher = WebhookDispatcher()
        dispatcher.immediateAttempts = 2  // one wait of 0.5 s between them
        dispatcher.retryDelays = [0]  // due again at once, then give up
        let first = try dispatcher.deliverDue(store)
        #expect(first.delivered == 0 && first.pending == 1 && first.failed == 0)
        #expect(first.errors.count == 1 && first.errors[0].hasPrefix("webhook delivery \(id) (alias_moved) to \(server.url): HTTP 500; retrying after "))
        var record = try #require(try store.deliveries(limit: 1).first)
        #expect(record.status == "pending" && record.attempts == dispatcher.immediateAttempts)
        #expect(record.lastStatusCode == 500 && record.lastError == "HTTP 500" && record.delivered == nil)
        #expect(record.nextAttempt.flatMap(StoreClock.parse) != nil)
        #expect(try server.requests().count == 2)

        let second = try dispatcher.deliverDue(store)
        #expect(second.delivered == 0 && second.pending == 0 && second.failed == 1)
        #expect(second.errors == ["webhook delivery \(id) (alias_moved) to \(server.url): HTTP 500; gave up after 3 attempts"])
        record = try #require(try store.deliveries(limit: 1).first)
        #expect(record.status == "failed" && record.attempts == 3 && record.nextAttempt == nil && record.lastStatusCode == 500)
        #expect(try store.dueDeliveries().isEmpty)
        #expect(try server.requests().count == 3)
        // Every attempt carried the same signed body.
        let requests = try server.requests()
        #expect(Set(requests.map(\.body)).count == 1)
        #expect(requests.allSatisfy { $0.headers["x-apus-signature-256"] == $0.hmac })
    }

    @Test func aRetryIsNotDueBeforeItsDelay() throws {
        let server = try RecordingServer(status: 503, secret: Self.secret)
        let temporary = try Self.registry()
        let store = temporary.store
        _ = try store.addWebhook(url: server.url, events: ["alias_moved"], secret: Self.secret)
        _ = try store.setAlias(model: "churn", alias: "champion", version: 1, reason: "r")
        var dispatcher = WebhookDispatcher()
        dispatcher.immediateAttempts = 1
        dispatcher.retryDelays = [3600, 7200]
        let before = StoreClock.nowMilliseconds()
        #expect(try dispatcher.deliverDue(store).pending == 1)
        let record = try #require(try store.deliveries(limit: 1).first)
        #expect(record.status == "pending" && record.attempts == 1 && record.lastStatusCode == 503)
        let next = try #require(record.nextAttempt.flatMap(StoreClock.parse))
        #expect(next >= before + 3_600_000 && next <= StoreClock.nowMilliseconds() + 3_600_000)
        #expect(try store.dueDeliveries().isEmpty)
        #expect(try dispatcher.deliverDue(store) == WebhookDispatcher.Outcome())
        #expect(try server.requests().count == 1)
    }

    @Test func anUnreachableServerFailsAtOnceWithoutRetryDelays() throws {
        // A port that was just free: nothing listens there.
        let port: Int
        do {
            let server = try RecordingServer(status: 200, secret: Self.secret)
            port = server.port
        }
        let temporary = try Self.registry()
        let store = temporary.store
        _ = try store.addWebhook(url: "http://127.0.0.1:\(port)/gone", events: ["alias_moved"], secret: Self.secret)
        _ = try store.setAlias(model: "churn", alias: "champion", version: 1, reason: "r")
        var dispatcher = WebhookDispatcher()
        dispatcher.immediateAttempts = 1
        dispatcher.retryDelays = []
        dispatcher.timeout = 2
        let outcome = try dispatcher.deliverDue(store)
        #expect(outcome.failed == 1 && outcome.pending == 0 && outcome.delivered == 0)
        #expect(outcome.errors.count == 1 && outcome.errors[0].hasSuffix("; gave up after 1 attempts"))
        let record = try #require(try store.deliveries(limit: 1).first)
        #expect(record.status == "failed" && record.attempts == 1 && record.lastStatusCode == nil)
        #expect(record.lastError.map { !$0.isEmpty && $0 != "HTTP 0" } == true)
    }

    @Test func removingAWebhookFailsItsUndeliveredRetries() throws {
        let server = try RecordingServer(status: 500, secret: Self.secret)
        let temporary = try Self.registry()
        let store = temporary.store
        let hook = try store.addWebhook(url: server.url, events: ["alias_moved"], secret: Self.secret)
        _ = try store.setAlias(model: "churn", alias: "champion", version: 1, reason: "r")
        var dispatcher = WebhookDispatcher()
        dispatcher.immediateAttempts = 1
        dispatcher.retryDelays = [0, 0]
        #expect(try dispatcher.deliverDue(store).pending == 1)
        try store.removeWebhook(id: hook.id)
        let record = try #require(try store.deliveries(limit: 1).first)
        #expect(record.status == "failed" && record.lastError == "webhook removed" && record.attempts == 1)
        #expect(try dispatcher.deliverDue(store) == WebhookDispatcher.Outcome())
        #expect(try server.requests().count == 1)
    }
}
