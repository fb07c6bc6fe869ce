import Foundation
import Testing

/// Runs the real `apus` binary, as a user would.
struct CLIRun {
    var status: Int32
    var output: String
    var error: String

    static var binary: URL {
        let beside = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent().appendingPathComponent("apus")
        if FileManager.default.isExecutableFile(atPath: beside.path) { return beside }
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        return root.appendingPathComponent(".build/debug/apus")
    }

    /// The store of runs that name none: one per test process, so the tests never write
    /// into the working directory's `.apus`.
    static let sharedStore = FileManager.default.temporaryDirectory.appendingPathComponent("apus-cli-store-\(getpid())").path

    /// Runs `apus arguments` in `directory`, with `environment` added to this process's
    /// (APUS_STORE defaults to `sharedStore`, APUS_USER to `cli-test`).
    init(_ arguments: [String], in directory: URL? = nil, environment: [String: String] = [:]) throws {
        let process = Process()
        process.executableURL = Self.binary
        process.arguments = arguments
        var variables = ProcessInfo.processInfo.environment
        variables["APUS_STORE"] = Self.sharedStore
        variables["APUS_USER"] = "cli-test"
        variables.removeValue(forKey: "APUS_SIGNING_KEY")
        for (key, value) in environment { variables[key] = value }
        process.environment = variables
        if let directory { process.currentDirectoryURL = directory }
        let out = Pipe(), err = Pipe()
        process.standardOutput = out
        process.standardError = err
        try process.run()
        let outData = out.fileHandleForReading.readDataToEndOfFile()
        let errData = err.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        status = process.terminationStatus
        output = String(decoding: outData, as: UTF8.self)
        error = String(decoding: errData, as: UTF8.self)
    }
}

func temporaryDirectory() throws -> URL {
    let url = FileManager.default.temporaryDirectory.appendingPathComponent("apus-cli-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    return url
}

@Suite("apus command line")
struct CLITests {
    @Test func generateIsByteIdenticalForTheSameSeed() throws {
        let dir = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        for name in ["a.csv", "b.csv"] {
            let run = try CLIRun(["data", "generate", "churn", "--rows", "500", "--seed", "9", "--out", dir.appendingPathComponent(name).path])
            #expect(run.status == 0, "\(run.error)")
            #expect(run.output.contains("wrote 500 rows of churn data"))
        }
        let a = try Data(contentsOf: dir.appendingPathComponent("a.csv"))
        let b = try Data(contentsOf: dir.appendingPathComponent("b.csv"))
        #expect(a == b && !a.isEmpty)
        #expect(String(decoding: a, as: UTF8.self).split(separator: "\n").count == 501)
    }

    @Test func inspectPrintsATableAndValidJSONWithAReusableSchema() throws {
        let dir = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let file = dir.appendingPathComponent("credit.csv").path
        #expect(try CLIRun(["data", "generate", "credit", "--rows", "2000", "--out", file]).status == 0)

        let text = try CLIRun(["data", "inspect", file])
        #expect(text.status == 0, "\(text.error)")
        #expect(text.output.contains("2,000 rows × 16 columns"))
        #expect(text.output.contains("employment_type    categorical"))
        #expect(text.error.isEmpty, "no progress bar when piped: \(text.error)")

        let json = try CLIRun(["data", "inspect", file, "--json", "--fingerprint"])
        #expect(json.status == 0)
        let object = try #require(try JSONSerialization.jsonObject(with: Data(json.output.utf8)) as? [String: Any])
        #expect(object["rows"] as? Int == 2000)
        #expect((object["fingerprint"] as? String)?.hasPrefix("sha256:") == true)
        let schema = try #require(object["schema"] as? [String: Any])
        let schemaFile = dir.appendingPathComponent("schema.json")
        try JSONSerialization.data(withJSONObject: schema).write(to: schemaFile)

        let forced = try CLIRun(["data", "inspect", file, "--schema", schemaFile.path, "--json"])
        #expect(forced.status == 0, "\(forced.error)")
        let again = try #require(try JSONSerialization.jsonObject(with: Data(forced.output.utf8)) as? [String: Any])
        #expect((again["schema"] as? NSDictionary)?.isEqual(to: schema) == true)
        #expect((again["columns"] as? [Any])?.count == 16)
    }

    @Test func streamingInspectAgreesOnExactStatistics() throws {
        let dir = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let file = dir.appendingPathComponent("demand.csv").path
        #expect(try CLIRun(["data", "generate", "demand", "--rows", "3000", "--out", file]).status == 0)
        func stats(_ extra: [String]) throws -> [String: [String: Any]] {
            let run = try CLIRun(["data", "inspect", file, "--json"] + extra)
            let object = try #require(try JSONSerialization.jsonObject(with: Data(run.output.utf8)) as? [String: Any])
            let columns = try #require(object["columns"] as? [[String: Any]])
            return Dictionary(uniqueKeysWithValues: columns.map { ($0["name"] as! String, $0) })
        }
        let full = try stats([]), streamed = try stats(["--stream"])
        for (name, column) in full {
            #expect(streamed[name]?["missing"] as? Int == column["missing"] as? Int, "\(name)")
            #expect(streamed[name]?["min"] as? Double == column["min"] as? Double, "\(name)")
            #expect(streamed[name]?["max"] as? Double == column["max"] as? Double, "\(name)")
        }
    }

    @Test func badInputGivesAClearErrorAndNonZeroStatus() throws {
        let dir = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let file = dir.appendingPathComponent("bad.csv")
        try Data("id,income\n1,100\n2,\"oops\n".utf8).write(to: file)
        let run = try CLIRun(["data", "inspect", file.path])
        #expect(run.status != 0)
        #expect(run.error.contains("row 2, column `income`: a quoted field is never closed"))

        let missing = try CLIRun(["data", "inspect", dir.appendingPathComponent("none.csv").path])
        #expect(missing.status != 0 && missing.error.contains("No such file"))

        let badSchema = dir.appendingPathComponent("schema.json")
        try Data(#"{"columns": [{"name": "income", "kind": "money"}]}"#.utf8).write(to: badSchema)
        let schema = try CLIRun(["data", "inspect", file.path, "--schema", badSchema.path])
        #expect(schema.status != 0 && schema.error.contains("money"))

        let rows = try CLIRun(["data", "generate", "credit", "--rows", "0", "--out", dir.appendingPathComponent("x.csv").path])
        #expect(rows.status != 0 && rows.error.contains("--rows must be at least 1"))

        let delimiter = try CLIRun(["data", "inspect", file.path, "--delimiter", ";;"])
        #expect(delimiter.status != 0 && delimiter.error.contains("--delimiter must be one character"))
    }

    @Test func quickstartGeneratesInspectsAndSaysWhatToDoNext() throws {
        let dir = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let run = try CLIRun(["quickstart", "--rows", "3000", "--no-serve"], in: dir)
        #expect(run.status == 0, "\(run.error)")
        #expect(FileManager.default.fileExists(atPath: dir.appendingPathComponent("apus-quickstart/credit.csv").path))
        #expect(run.output.contains("3,000 rows × 16 columns"))
        #expect(run.output.contains("fingerprint: sha256:"))
        #expect(run.output.contains("Next:"))
        let badPort = try CLIRun(["quickstart", "--port", "70000"], in: dir)
        #expect(badPort.status != 0 && badPort.error.contains("--port must be 0 to 65535"))
    }
}
