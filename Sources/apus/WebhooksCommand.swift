import ArgumentParser
import ApusService
import ApusStore
import Foundation

/// `apus webhooks ...`: registry events POSTed to URLs.
struct WebhooksCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "webhooks",
        abstract: "Send registry events (alias moves, new versions, ...) to URLs, signed with HMAC-SHA256.",
        discussion: """
        Each event is POSTed as JSON with headers X-Apus-Event, X-Apus-Delivery and X-Apus-Signature-256 \
        (sha256=HEX, the HMAC-SHA256 of the body with the webhook's secret). A delivery is tried 3 times at \
        once, then again by later commands or `apus webhooks deliver` after 1, 5 and 30 minutes, 2 and 12 hours; \
        every attempt is recorded (`apus webhooks deliveries`).
        """,
        subcommands: [WebhooksAdd.self, WebhooksList.self, WebhooksRemove.self, WebhooksDeliveries.self, WebhooksDeliver.self]
    )
}

/// `apus webhooks add URL --events ...`.
struct WebhooksAdd: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "add",
        abstract: "Add a webhook.",
        discussion: "Events: " + AuditEventKind.webhookEvents.map(\.rawValue).joined(separator: ", ") + "."
    )

    @Argument(help: "The http:// or https:// URL to POST to.")
    var url: String

    @Option(help: "Comma-separated events to send.")
    var events: String

    @Option(help: "The HMAC secret (16 characters or more); a random one is made and printed if not given.")
    var secret: String?

    func run() throws {
        let secret = self.secret ?? Self.randomSecret()
        let list = events.split(separator: ",").map { String($0).trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
        let hook = try openStore().addWebhook(url: url, events: list, secret: secret)
        print("added webhook \(hook.id): \(hook.url) for \(hook.events.joined(separator: ", "))")
        if self.secret == nil { print("secret (shown once; verify X-Apus-Signature-256 with it): \(secret)") }
    }

    static func randomSecret() -> String {
        var generator = SystemRandomNumberGenerator()
        return (0..<4).map { _ in
            let text = String(generator.next() as UInt64, radix: 16)
            return String(repeating: "0", count: 16 - text.count) + text
        }.joined()
    }
}

/// `apus webhooks list`.
struct WebhooksList: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "list", abstract: "List the webhooks.")

    @Flag(help: "A JSON array.")
    var json = false

    func run() throws {
        let hooks = try openStore(existing: true).webhooks()
        if json {
            try printJSON(hooks)
            return
        }
        var table = TextTable(["id", "status", "url", "events", "added (UTC)", "by"], rightAligned: [0])
        for hook in hooks {
            table.add([String(hook.id), hook.status, hook.url, hook.events.joined(separator: ","), shortTime(hook.created), hook.createdBy])
        }
        print(hooks.isEmpty ? "no webhooks" : table.text)
    }
}

/// `apus webhooks remove ID`.
struct WebhooksRemove: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "remove", abstract: "Stop a webhook (its pending deliveries are dropped).")

    @Argument(help: "The webhook's id.")
    var id: Int

    func run() throws {
        try openStore(existing: true).removeWebhook(id: id)
        print("removed webhook \(id)")
    }
}

/// `apus webhooks deliveries`.
struct WebhooksDeliveries: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "deliveries", abstract: "List the newest deliveries and their attempts.")

    @Option(help: "How many.")
    var limit = 20

    @Flag(help: "A JSON array.")
    var json = false

    func run() throws {
        let deliveries = try openStore(existing: true).deliveries(limit: limit)
        if json {
            try printJSON(deliveries)
            return
        }
        var table = TextTable(["id", "hook", "event", "audit #", "status", "attempts", "last answer"], rightAligned: [0, 1, 3, 5])
        for delivery in deliveries {
            let answer = delivery.lastStatusCode.map { "HTTP \($0)" } ?? delivery.lastError ?? "-"
            table.add([String(delivery.id), String(delivery.webhookID), delivery.event, String(delivery.auditSequence),
                       delivery.status + (delivery.nextAttempt.map { " (next \(shortTime($0)))" } ?? ""),
                       String(delivery.attempts), answer])
        }
        print(deliveries.isEmpty ? "no deliveries" : table.text)
    }
}

/// `apus webhooks deliver`.
struct WebhooksDeliver: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "deliver", abstract: "Send the deliveries that are due now.")

    func run() throws {
        let outcome = try WebhookDispatcher().deliverDue(try openStore(existing: true))
        for error in outcome.errors { print(error) }
        print("delivered \(outcome.delivered), pending \(outcome.pending), failed \(outcome.failed)")
        if outcome.pending + outcome.failed > 0 { throw ExitCode(1) }
    }
}
