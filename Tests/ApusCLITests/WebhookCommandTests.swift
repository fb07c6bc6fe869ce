import Foundation
import Testing

/// A webhook receiver in Python's standard library: answers 200, and appends each request
/// (event header, signature header, the HMAC-SHA256 it computes itself, the body) as one
/// JSON line to a file.
final class WebhookReceiver {
    let process = Process()
    let log: String
    let port: Int

    static let script = """
        import hashlib, hmac, http.server, json, sys
        secret, log, port_file = sys.argv[1].encode(), sys.argv[2], sys.argv[3]
        class Hook(http.server.BaseHTTPRequestHandler):
            def do_POST(self):
                body = self.rfile.read(int(self.headers['Content-Length']))
                record = {'path': self.path, 'event': self.headers['X-Apus-Event'],
                          'delivery': self.headers['X-Apus-Delivery'],
                          'signature': self.headers['X-Apus-Signature-256'],
                          'expected': 'sha256=' + hmac.new(secret, body, hashlib.sha256).hexdigest(),
                          'body': json.loads(body)}
                with open(log, 'a') as f: f.write(json.dumps(record) + '\\n')
                self.send_response(200); self.end_headers()
            def log_message(self, *args): pass
        server = http.server.HTTPServer(('127.0.0.1', 0), Hook)
        with open(port_file, 'w') as f: f.write(str(server.server_port))
        server.serve_forever()
        """

    init(secret: String, directory: URL) throws {
        log = directory.appendingPathComponent("hooks.jsonl").path
        let portFile = directory.appendingPathComponent("port").path
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3", "-c", Self.script, secret, log, portFile]
        try process.run()
        var port = 0
        for _ in 0..<200 where port == 0 {
            port = (try? String(contentsOfFile: portFile, encoding: .utf8)).flatMap { Int($0) } ?? 0
            if port == 0 { Thread.sleep(forTimeInterval: 0.02) }
        }
        self.port = port
    }

    var requests: [[String: Any]] {
        ((try? String(contentsOfFile: log, encoding: .utf8)) ?? "").split(separator: "\n").compactMap {
            try? JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any]
        }
    }

    /// Stops the receiver with SIGKILL: a process that Foundation starts from a test's
    /// thread inherits that thread's blocked signals, SIGTERM among them.
    func stop() {
        if process.isRunning { kill(process.processIdentifier, SIGKILL) }
        process.waitUntilExit()
    }

    deinit { if process.isRunning { stop() } }
}

@Suite("apus webhooks")
struct WebhookCommandTests {
    @Test("registry events reach a real receiver with a valid HMAC signature; a dead receiver leaves them pending")
    func deliveriesAreSignedAndRecorded() throws {
        let work = try StoreWorkspace(rows: 300)
        defer { work.remove() }
        let secret = "a-shared-secret-of-some-length"
        let receiver = try WebhookReceiver(secret: secret, directory: work.directory)
        defer { receiver.stop() }
        try #require(receiver.port > 0, "the receiver started")
        let added = try work.apus(["webhooks", "add", "http://127.0.0.1:\(receiver.port)/apus", "--events",
                                   "version_registered,alias_moved", "--secret", secret])
        #expect(added.status == 0, "\(added.error)")
        #expect(added.output.contains("added webhook 1: http://127.0.0.1:\(receiver.port)/apus for version_registered, alias_moved"))
        let badEvent = try work.apus(["webhooks", "add", "http://127.0.0.1:1/", "--events", "alias_move"])
        #expect(badEvent.error.contains("`alias_move` is not a webhook event; the events are run_finished"))

        let trained = try work.train(["--name", "m", "--alias", "champion"])
        #expect(trained.status == 0, "\(trained.error)")
        let requests = receiver.requests
        #expect(requests.compactMap { $0["event"] as? String } == ["version_registered", "alias_moved"])
        for request in requests {
            #expect(request["signature"] as? String == request["expected"] as? String, "the HMAC verifies with the secret")
            #expect(request["path"] as? String == "/apus")
        }
        let body = try #require(requests.last?["body"] as? [String: Any])
        #expect(body["model"] as? String == "m" && body["actor"] as? String == "cli-test")
        #expect((body["details"] as? [String: String])?["alias"] == "champion")
        let deliveries = try #require(try work.json(["webhooks", "deliveries"]) as? [[String: Any]])
        #expect(deliveries.count == 2 && deliveries.allSatisfy { $0["status"] as? String == "delivered" && $0["attempts"] as? Int == 1 })

        receiver.stop()
        let moved = try work.apus(["models", "alias", "m@challenger", "1", "--reason", "receiver down"])
        #expect(moved.status == 0, "the alias moves even when its webhook cannot be reached")
        #expect(moved.error.contains("webhook delivery 3 (alias_moved) to http://127.0.0.1:\(receiver.port)/apus"))
        #expect(moved.error.contains("retrying after"))
        let pending = try #require((try work.json(["webhooks", "deliveries", "--limit", "1"]) as? [[String: Any]])?.first)
        #expect(pending["status"] as? String == "pending" && pending["attempts"] as? Int == 3)
        #expect(pending["nextAttempt"] as? String != nil)
        let removed = try work.apus(["webhooks", "remove", "1"])
        #expect(removed.status == 0)
        let dropped = try #require((try work.json(["webhooks", "deliveries", "--limit", "1"]) as? [[String: Any]])?.first)
        #expect(dropped["status"] as? String == "failed" && dropped["lastError"] as? String == "webhook removed")
    }
}
