import Foundation
import Testing

/// `apus serve` for real: started on a free loopback port, asked over HTTP with curl, its
/// alias moved by a second `apus` process, stopped with SIGTERM.
@Suite("apus serve over HTTP", .serialized)
struct ServeEndToEndTests {
    /// Reads a background process's standard output as it comes.
    final class LineReader: @unchecked Sendable {
        private let lock = NSLock()
        private var text = ""

        init(_ pipe: Pipe) {
            pipe.fileHandleForReading.readabilityHandler = { [weak self] handle in
                let data = handle.availableData
                guard let self, !data.isEmpty else { return }
                self.lock.withLock { self.text += String(decoding: data, as: UTF8.self) }
            }
        }

        var all: String { lock.withLock { text } }

        /// Waits up to `seconds` for a line containing `needle`; returns it.
        func line(containing needle: String, seconds: Double = 60) -> String? {
            let deadline = Date().addingTimeInterval(seconds)
            while Date() < deadline {
                if let line = all.split(separator: "\n").first(where: { $0.contains(needle) }) { return String(line) }
                Thread.sleep(forTimeInterval: 0.05)
            }
            return nil
        }
    }

    /// Starts `apus serve ARGUMENTS --port 0` on the workspace's store; returns the process,
    /// its standard error as it comes, and the address it printed (`http://127.0.0.1:PORT`).
    static func startServer(_ arguments: [String], work: StoreWorkspace) throws -> (Process, LineReader, String) {
        try start(["serve"] + arguments + ["--port", "0"], saying: "serving on http://127.0.0.1:", work: work)
    }

    /// Starts `apus ARGUMENTS` on the workspace's store and waits for a line of standard output
    /// containing `needle`; returns the process, its standard error as it comes, and the first
    /// `http://` word of that line.
    static func start(_ arguments: [String], saying needle: String, work: StoreWorkspace) throws -> (Process, LineReader, String) {
        let server = Process()
        server.executableURL = CLIRun.binary
        server.arguments = arguments
        var variables = ProcessInfo.processInfo.environment
        variables["APUS_STORE"] = work.store
        variables["APUS_USER"] = "cli-test"
        server.environment = variables
        server.currentDirectoryURL = work.directory
        let out = Pipe(), err = Pipe()
        server.standardOutput = out
        server.standardError = err
        let stdout = LineReader(out), stderr = LineReader(err)
        try server.run()
        guard let line = stdout.line(containing: needle),
              let address = line.split(separator: " ").first(where: { $0.hasPrefix("http://") }) else {
            kill(server.processIdentifier, SIGKILL)
            throw ServeTestFailure("apus \(arguments.first ?? "") did not say where it listens; stderr: \(stderr.all)")
        }
        return (server, stderr, String(address))
    }

    struct ServeTestFailure: Error, CustomStringConvertible {
        let description: String
        init(_ description: String) { self.description = description }
    }

    /// Runs curl; returns the HTTP status and the body.
    static func curl(_ arguments: [String]) throws -> (status: Int, body: String) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["curl", "-s", "-w", "\n%{http_code}"] + arguments
        let out = Pipe()
        process.standardOutput = out
        try process.run()
        let data = out.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        let text = String(decoding: data, as: UTF8.self)
        let split = text.split(separator: "\n", omittingEmptySubsequences: false)
        return (Int(split.last ?? "") ?? 0, split.dropLast().joined(separator: "\n"))
    }

    static func json(_ text: String) -> [String: Any] {
        (try? JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any]) ?? [:]
    }

    @Test("serve, predict, follow an alias moved by another process, drain and log on SIGTERM")
    func serveFollowAndStop() throws {
        let work = try StoreWorkspace(rows: 2000)
        defer { work.remove() }
        #expect(try work.train(["--name", "credit-risk", "--alias", "champion"]).status == 0)
        #expect(try work.train(["--name", "credit-risk", "--register"], leaves: 5).status == 0)

        let (server, stderr, address) = try Self.startServer(["credit-risk@champion", "--alias-poll-ms", "100"], work: work)
        defer { if server.isRunning { kill(server.processIdentifier, SIGKILL) } }

        let row = try String(contentsOfFile: work.test, encoding: .utf8).split(separator: "\n")
        let header = row[0].split(separator: ",", omittingEmptySubsequences: false).map(String.init)
        let values = row[1].split(separator: ",", omittingEmptySubsequences: false).map(String.init)
        var fields: [String] = []
        for (name, value) in zip(header, values) where name != "default" && name != "application_date" {
            fields.append("\"\(name)\":" + (value.isEmpty ? "null" : Double(value) != nil ? value : "\"\(value)\""))
        }
        let body = "{\"rows\":[{\(fields.joined(separator: ","))}]}"
        let predict = ["-X", "POST", "\(address)/v1/models/credit-risk@champion/predict", "-H", "Content-Type: application/json", "-d", body]

        let first = try Self.curl(predict)
        #expect(first.status == 200, "\(first.body)")
        #expect(Self.json(first.body)["version"] as? Int == 1)
        let firstID = try #require(Self.json(first.body)["request_id"] as? String)
        #expect(try Self.curl(["\(address)/v2/health/ready"]).status == 200)
        let bad = try Self.curl(["-X", "POST", "\(address)/v1/models/credit-risk@champion/predict", "-H", "Content-Type: application/json", "-d", "{\"rows\":[{}]}"])
        #expect(bad.status == 400)
        #expect(Self.json(bad.body)["type"] as? String == "urn:apus:problem:missing_feature")

        // A second process moves the alias; the server follows within its poll interval.
        let moved = try work.apus(["models", "alias", "credit-risk@champion", "2", "--reason", "promote"])
        #expect(moved.status == 0, "\(moved.error)")
        var version = 1
        for _ in 0..<100 where version != 2 {
            let answer = try Self.curl(predict)
            #expect(answer.status == 200)
            version = Self.json(answer.body)["version"] as? Int ?? 0
            if version != 2 { Thread.sleep(forTimeInterval: 0.05) }
        }
        #expect(version == 2, "the server did not follow credit-risk@champion to version 2")

        let metrics = try Self.curl(["\(address)/metrics"])
        #expect(metrics.body.contains("apus_model_swaps_total 1"), "\(metrics.body)")

        kill(server.processIdentifier, SIGTERM)
        server.waitUntilExit()
        #expect(server.terminationStatus == 0, "stderr: \(stderr.all)")
        // Structured logs: JSON lines, the swap and the final flush among them.
        let logs = stderr.all.split(separator: "\n").map { Self.json(String($0)) }
        #expect(logs.allSatisfy { $0["level"] != nil && $0["message"] != nil }, "\(stderr.all)")
        #expect(logs.contains { ($0["message"] as? String) == "alias moved; new version serving" && ($0["version"] as? String) == "2" })
        #expect(logs.contains { ($0["message"] as? String) == "prediction log flushed" })

        // Every answered prediction is in the store's log, the first one with version 1.
        let query = try work.sqlQuery("SELECT version FROM prediction_log WHERE request_id = '\(firstID)'")
        #expect(query.trimmingCharacters(in: .whitespacesAndNewlines) == "1")
        let audit = try work.apus(["audit", "log", "--json"])
        #expect(audit.output.contains("model_loaded"))
    }

    @Test("serve --explain-background: reasons relative to a decision threshold; a file without a feature stops the start")
    func explainBackground() throws {
        let work = try StoreWorkspace(rows: 1000)
        defer { work.remove() }
        #expect(try work.train(["--name", "credit-risk", "--alias", "champion"]).status == 0)
        // A file without `income` cannot serve as credit-risk's background: start-up names the column.
        let lines = try String(contentsOfFile: work.test, encoding: .utf8).split(separator: "\n")
        let header = lines[0].split(separator: ",", omittingEmptySubsequences: false).map(String.init)
        let income = try #require(header.firstIndex(of: "income"))
        let lacking = work.directory.appendingPathComponent("no-income.csv").path
        try lines.map { line in
            var fields = line.split(separator: ",", omittingEmptySubsequences: false)
            fields.remove(at: income)
            return fields.joined(separator: ",")
        }.joined(separator: "\n").write(toFile: lacking, atomically: true, encoding: .utf8)
        let refused = try work.apus(["serve", "credit-risk@champion", "--port", "0", "--explain-background", lacking])
        #expect(refused.status != 0)
        #expect(refused.error.contains("--explain-background `\(lacking)` has no column `income`, a feature the model reads"), "\(refused.error)")

        let (server, stderr, address) = try Self.startServer(
            ["credit-risk@champion", "--explain-background", work.test, "--explain-background-rows", "50"], work: work)
        defer { if server.isRunning { kill(server.processIdentifier, SIGKILL) } }
        let values = lines[1].split(separator: ",", omittingEmptySubsequences: false).map(String.init)
        var fields: [String] = []
        for (name, value) in zip(header, values) where name != "default" && name != "application_date" {
            fields.append("\"\(name)\":" + (value.isEmpty ? "null" : Double(value) != nil ? value : "\"\(value)\""))
        }
        let body = "{\"rows\":[{\(fields.joined(separator: ","))}],\"reference\":\"threshold\",\"threshold\":0.3}"
        let answer = try Self.curl(["-X", "POST", "\(address)/v1/models/credit-risk@champion/explain", "-H", "Content-Type: application/json", "-d", body])
        #expect(answer.status == 200, "\(answer.body)")
        let explanation = Self.json(answer.body)["explanation"] as? [String: Any]
        #expect(explanation?["reference"] as? String == "threshold" && explanation?["background_rows"] as? Int == 100)
        let sum = ((Self.json(answer.body)["rows"] as? [[String: Any]])?.first?["sum_check"] as? [String: Any])?["ok"] as? Bool
        #expect(sum == true)
        kill(server.processIdentifier, SIGTERM)
        server.waitUntilExit()
        #expect(server.terminationStatus == 0, "stderr: \(stderr.all)")
    }

    @Test("quickstart ends by serving the demo model and printing a curl command that works")
    func quickstartServes() throws {
        let dir = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let quickstart = Process()
        quickstart.executableURL = CLIRun.binary
        quickstart.arguments = ["quickstart", "--rows", "3000", "--port", "0"]
        var variables = ProcessInfo.processInfo.environment
        variables["APUS_STORE"] = dir.appendingPathComponent("store").path
        quickstart.environment = variables
        quickstart.currentDirectoryURL = dir
        let out = Pipe(), err = Pipe()
        quickstart.standardOutput = out
        quickstart.standardError = err
        let stdout = LineReader(out), stderr = LineReader(err)
        try quickstart.run()
        defer { if quickstart.isRunning { kill(quickstart.processIdentifier, SIGKILL) } }
        _ = try #require(stdout.line(containing: "-d '{\"rows\"", seconds: 120), "stdout: \(stdout.all)\nstderr: \(stderr.all)")
        let text = stdout.all
        let url = try #require(text.split(separator: "\n").first { $0.contains("curl -s http") && $0.contains("/predict") }?
            .split(separator: " ").first { $0.hasPrefix("http") }.map(String.init))
        let bodyLine = try #require(text.split(separator: "\n").first { $0.contains("-d '") })
        let body = String(bodyLine.split(separator: "'")[1])
        let answer = try Self.curl(["-X", "POST", url, "-H", "Content-Type: application/json", "-d", body])
        #expect(answer.status == 200, "\(answer.body)")
        let json = Self.json(answer.body)
        #expect((json["predictions"] as? [Double])?.count == 1)
        #expect(json["contributions"] != nil)
        kill(quickstart.processIdentifier, SIGTERM)
        quickstart.waitUntilExit()
        #expect(quickstart.terminationStatus == 0)
    }

    @Test("the official Triton (KServe V2) and MLflow Python clients work unchanged")
    func officialClients() throws {
        let work = try StoreWorkspace(rows: 2000)
        defer { work.remove() }
        #expect(try work.train(["--name", "credit-risk", "--alias", "champion"]).status == 0)
        let predicted = work.directory.appendingPathComponent("predicted.csv").path
        let scoring = try work.apus(["predict", "credit-risk@champion", work.test, "--out", predicted])
        #expect(scoring.status == 0, "\(scoring.error)")
        let expected = try String(contentsOfFile: predicted, encoding: .utf8).split(separator: "\n").dropFirst().prefix(25)
            .map { Double($0.split(separator: ",").last ?? "")! }
        let expectedPath = work.directory.appendingPathComponent("expected.json").path
        try "[\(expected.map { "\($0)" }.joined(separator: ","))]".write(toFile: expectedPath, atomically: true, encoding: .utf8)

        let (server, stderr, url) = try Self.startServer(["credit-risk@champion"], work: work)
        defer { if server.isRunning { kill(server.processIdentifier, SIGKILL) } }
        let address = url.dropFirst("http://".count)

        let script = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Clients/official_clients.py").path
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3", script, String(address), "credit-risk", work.test, "default", "application_date", expectedPath]
        let output = Pipe()
        process.standardOutput = output
        process.standardError = output
        try process.run()
        let printed = String(decoding: output.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        #expect(process.terminationStatus == 0,
                "official clients (pip install \"tritonclient[http]\" mlflow-skinny pandas; .ci/run installs them): \(printed)\nserver: \(stderr.all)")
        #expect(printed.contains("triton: 25 predictions match"), "\(printed)")
        #expect(printed.contains("mlflow: 25 predictions match"), "\(printed)")
    }
}

extension StoreWorkspace {
    /// Runs a query with Python's sqlite3 on the store's database; returns the rows, one per line.
    func sqlQuery(_ query: String) throws -> String {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3", "-c", "import sqlite3,sys; c=sqlite3.connect(sys.argv[1]); [print('|'.join(map(str, r))) for r in c.execute(sys.argv[2])]",
                             store + "/store.sqlite", query]
        let out = Pipe()
        process.standardOutput = out
        try process.run()
        let data = out.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return String(decoding: data, as: UTF8.self)
    }
}
