import Foundation
import Testing

/// `apus mcp` driven by the official Python MCP SDK (Clients/mcp_client.py): initialize, list
/// the tools, call each one, validate every structuredContent against its outputSchema, and
/// check that bad calls come back as tool errors.
@Suite("apus mcp with the official Python MCP SDK", .serialized)
struct MCPEndToEndTests {
    static let script = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Clients/mcp_client.py").path

    /// A store with credit-risk/1 @champion and credit-risk/2, and a prediction log holding
    /// 40 answered rows of version 1 (so monitor_status has traffic to summarize).
    static func workspace() throws -> StoreWorkspace {
        let work = try StoreWorkspace(rows: 2000)
        #expect(try work.train(["--name", "credit-risk", "--alias", "champion"]).status == 0)
        #expect(try work.train(["--name", "credit-risk", "--register"], leaves: 5).status == 0)
        let (server, stderr, address) = try ServeEndToEndTests.startServer(["credit-risk@champion"], work: work)
        defer { if server.isRunning { kill(server.processIdentifier, SIGKILL) } }
        let answer = try ServeEndToEndTests.curl(["-X", "POST", "\(address)/invocations", "-H", "Content-Type: text/csv",
                                                  "--data-binary", "@" + (try work.testRows(40))])
        #expect(answer.status == 200, "\(answer.body)")
        kill(server.processIdentifier, SIGTERM)
        server.waitUntilExit()
        #expect(server.terminationStatus == 0, "\(stderr.all)")
        return work
    }

    /// Runs the client (sending `key` over HTTP, if given); returns its transcript.
    static func client(_ arguments: [String], work: StoreWorkspace, key: String? = nil) throws -> (status: Int32, transcript: String) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3", script] + arguments
        var variables = ProcessInfo.processInfo.environment
        variables["APUS_STORE"] = work.store
        variables["APUS_USER"] = "cli-test"
        variables["APUS_MCP_KEY"] = key
        process.environment = variables
        process.currentDirectoryURL = work.directory
        let output = Pipe()
        process.standardOutput = output
        process.standardError = output
        try process.run()
        let printed = String(decoding: output.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        return (process.terminationStatus, printed)
    }

    /// What every transport's session must show.
    static func check(_ run: (status: Int32, transcript: String), work: StoreWorkspace) throws {
        #expect(run.status == 0, "the MCP client (pip install mcp jsonschema; .ci/run installs them) failed:\n\(run.transcript)")
        #expect(run.transcript.contains("all checks passed"), "\(run.transcript)")
        // The 40 rows served over HTTP before, and maybe the session's own 7 (logged
        // every 200 ms) by the time it asks.
        let monitored = run.transcript.split(separator: "\n").first { $0.hasPrefix("  monitor: ") }
            .flatMap { Int($0.split(separator: " ")[1]) } ?? 0
        #expect((40...47).contains(monitored), "\(run.transcript)")
        #expect(run.transcript.contains("tools/call predict -> isError: row 0, `"), "\(run.transcript)")
        // The alias moves are in the audit trail as made by the client.
        let audit = try work.apus(["audit", "log", "--json"])
        #expect(audit.output.contains("mcp:apus-test-agent 1.0"), "\(audit.output)")
        // The agent's predictions are in the prediction log: predict and the typed tool (3 rows
        // each), and the two explanations' predictions.
        let logged = try work.sqlQuery("SELECT route, version, row_count FROM prediction_log WHERE route LIKE 'mcp:%' ORDER BY id")
        #expect(logged.split(separator: "\n").map(String.init)
                    == ["mcp:predict|1|3", "mcp:predict_credit-risk|1|3", "mcp:explain|2|1", "mcp:explain_credit-risk|1|1"], "\(logged)")
    }

    @Test("over stdio")
    func stdio() throws {
        let work = try Self.workspace()
        defer { work.remove() }
        let run = try Self.client(["stdio", CLIRun.binary.path, work.test, "default", "application_date"], work: work)
        try Self.check(run, work: work)
    }
}

extension MCPEndToEndTests {
    @Test("over streamable HTTP: apus mcp --http")
    func http() throws {
        let work = try Self.workspace()
        defer { work.remove() }
        let (server, stderr, url) = try ServeEndToEndTests.start(["mcp", "--http", "--port", "0", "--allow-admin"],
                                                                 saying: "serving MCP on http://127.0.0.1:", work: work)
        defer { if server.isRunning { kill(server.processIdentifier, SIGKILL) } }
        #expect(url.hasSuffix("/mcp"))
        let run = try Self.client(["http", String(url), work.test, "default", "application_date"], work: work)
        try Self.check(run, work: work)
        // Anything but /mcp is not there; a GET without a session is refused as MCP says.
        #expect(try ServeEndToEndTests.curl([url.replacingOccurrences(of: "/mcp", with: "/v1/models")]).status == 404)
        #expect(try ServeEndToEndTests.curl(["-H", "Accept: text/event-stream", String(url)]).status == 400)
        kill(server.processIdentifier, SIGTERM)
        server.waitUntilExit()
        #expect(server.terminationStatus == 0, "\(stderr.all)")
    }

    @Test("over streamable HTTP: /mcp of apus serve")
    func serveMount() throws {
        let work = try Self.workspace()
        defer { work.remove() }
        let (server, stderr, address) = try ServeEndToEndTests.startServer(["credit-risk@champion", "--mcp-allow-admin"], work: work)
        defer { if server.isRunning { kill(server.processIdentifier, SIGKILL) } }
        let run = try Self.client(["http", address + "/mcp", work.test, "default", "application_date"], work: work)
        try Self.check(run, work: work)
        let openAPI = try ServeEndToEndTests.curl([address + "/openapi.json"])
        #expect(openAPI.body.contains("\"/mcp\""))
        kill(server.processIdentifier, SIGTERM)
        server.waitUntilExit()
        #expect(server.terminationStatus == 0, "\(stderr.all)")
    }
}

extension MCPEndToEndTests {
    @Test("over streamable HTTP with API keys: /mcp of apus serve --require-key")
    func serveMountWithKeys() throws {
        let work = try Self.workspace()
        defer { work.remove() }
        let created = try work.apus(["keys", "create", "agent-admin", "--role", "admin"])
        #expect(created.status == 0, "\(created.error)")
        let secret = String(try #require(created.output.split(separator: "\n").last))
        let (server, stderr, address) = try ServeEndToEndTests.startServer(["credit-risk@champion", "--require-key", "--mcp-allow-admin"], work: work)
        defer { if server.isRunning { kill(server.processIdentifier, SIGKILL) } }
        let refused = try ServeEndToEndTests.curl(["-X", "POST", address + "/mcp", "-H", "Content-Type: application/json",
                                                   "-H", "Accept: application/json, text/event-stream", "-d", "{}"])
        #expect(refused.status == 401, "\(refused.body)")
        #expect(refused.body.contains("/mcp needs an API key"), "\(refused.body)")
        let run = try Self.client(["http", address + "/mcp", work.test, "default", "application_date"], work: work, key: secret)
        try Self.check(run, work: work)
        // The alias moves name the client and the key it presented.
        let audit = try work.apus(["audit", "log", "--json"])
        #expect(audit.output.contains("mcp:apus-test-agent 1.0 via api-key:agent-admin"), "\(audit.output)")
        kill(server.processIdentifier, SIGTERM)
        server.waitUntilExit()
        #expect(server.terminationStatus == 0, "\(stderr.all)")
    }
}

extension StoreWorkspace {
    /// The first `count` rows of the test file without the target and the date, as a CSV file.
    func testRows(_ count: Int) throws -> String {
        let lines = try String(contentsOfFile: test, encoding: .utf8).split(separator: "\n")
        let header = lines[0].split(separator: ",", omittingEmptySubsequences: false)
        let kept = header.indices.filter { header[$0] != "default" && header[$0] != "application_date" }
        let rows = lines.prefix(count + 1).map { line in
            let fields = line.split(separator: ",", omittingEmptySubsequences: false)
            return kept.map { String(fields[$0]) }.joined(separator: ",")
        }
        let path = directory.appendingPathComponent("rows.csv").path
        try (rows.joined(separator: "\n") + "\n").write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }
}
