import Foundation
import GRDB
import Testing
@testable import ApusStore

/// Helpers shared by the store's tests (beside `TemporaryStore` in StoreSmokeTests.swift).
extension TemporaryStore {
    /// A second connection straight to the database file, as someone holding the file has.
    func rawDatabase() throws -> DatabaseQueue {
        var configuration = Configuration()
        configuration.busyMode = .timeout(10)
        return try DatabaseQueue(path: store.databasePath, configuration: configuration)
    }

    /// Starts a run of this process in `experiment`.
    func startRun(experiment: String = "exp", kind: String = "train", parameters: [String: String] = [:],
                  tags: [String: String] = [:], seed: Int? = nil) throws -> String {
        try store.startRun(RunStart(experiment: experiment, kind: kind, parameters: parameters, tags: tags,
                                    seed: seed, origin: origin()))
    }

    /// Registers a version of `model` whose model file holds `text`.
    @discardableResult
    func register(_ model: String, _ text: String, runID: String? = nil, metrics: [String: Double] = [:],
                  lineage: [String: String] = [:], reason: String = "test") throws -> ModelVersion {
        try store.registerVersion(VersionRegistration(
            model: model, runID: runID, artifact: try artifact(text), metrics: metrics, schema: "[]",
            lineage: lineage, reason: reason))
    }

    /// A fresh file in the store's folder with `text`.
    func file(_ text: String) throws -> String {
        let path = directory + "/file-\(UUID().uuidString)"
        try Data(text.utf8).write(to: URL(fileURLWithPath: path))
        return path
    }
}

enum TestProcess {
    /// Runs `executable` with `arguments`; returns its standard output.
    static func output(_ executable: String, _ arguments: [String]) throws -> String {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        let pipe = Pipe()
        process.standardOutput = pipe
        try process.run()
        let data = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return String(decoding: data, as: UTF8.self)
    }

    /// SHA-256 of a file as `sha256sum` computes it (independently of the store's code).
    static func sha256sum(_ path: String) throws -> String {
        String(try output("/usr/bin/sha256sum", [path]).prefix(64))
    }

    /// The pid of a process that has ended and been waited for.
    static func deadPid() throws -> Int {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/bin/true")
        try process.run()
        process.waitUntilExit()
        return Int(process.processIdentifier)
    }

    /// POSIX permission bits of `path`.
    static func permissions(_ path: String) throws -> Int {
        let attributes = try FileManager.default.attributesOfItem(atPath: path)
        return (attributes[.posixPermissions] as? NSNumber)?.intValue ?? -1
    }

    /// python3 on this machine.
    static var python: String {
        FileManager.default.isExecutableFile(atPath: "/usr/bin/python3") ? "/usr/bin/python3" : "/usr/local/bin/python3"
    }
}

/// A local HTTP server (python3's http.server) on a free loopback port that answers every
/// POST with `status`, recording each request's headers, body and the HMAC-SHA256 of the
/// body under `secret` computed by python's own hmac module. It stops by itself after 60 s.
final class RecordingServer {
    struct Request: Decodable {
        let path: String
        let headers: [String: String]
        let body: String
        let hmac: String
    }

    let folder: String
    let port: Int
    private let process: Process

    static let script = """
        import hashlib, hmac, http.server, json, os, sys, time
        folder, status, secret = sys.argv[1], int(sys.argv[2]), sys.argv[3].encode()
        class Handler(http.server.BaseHTTPRequestHandler):
            def do_POST(self):
                body = self.rfile.read(int(self.headers.get('Content-Length', '0')))
                record = {'path': self.path, 'headers': {k.lower(): v for k, v in self.headers.items()},
                          'body': body.decode('utf-8'),
                          'hmac': 'sha256=' + hmac.new(secret, body, hashlib.sha256).hexdigest()}
                with open(os.path.join(folder, 'requests.jsonl'), 'a') as f:
                    f.write(json.dumps(record) + '\\n')
                self.send_response(status)
                self.send_header('Content-Length', '0')
                self.end_headers()
            def log_message(self, *args):
                pass
        server = http.server.HTTPServer(('127.0.0.1', 0), Handler)
        server.timeout = 0.1
        with open(os.path.join(folder, 'port.tmp'), 'w') as f:
            f.write(str(server.server_address[1]))
        os.rename(os.path.join(folder, 'port.tmp'), os.path.join(folder, 'port'))
        deadline = time.time() + 60
        while time.time() < deadline:
            server.handle_request()
        """

    init(status: Int, secret: String) throws {
        folder = NSTemporaryDirectory() + "apus-webhook-server-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        process = Process()
        process.executableURL = URL(fileURLWithPath: TestProcess.python)
        process.arguments = ["-c", Self.script, folder, String(status), secret]
        try process.run()
        let portFile = folder + "/port"
        let deadline = Date().addingTimeInterval(10)
        var found: Int?
        while found == nil && Date() < deadline {
            if let text = try? String(contentsOfFile: portFile, encoding: .utf8) { found = Int(text) }
            if found == nil { usleep(10_000) }
        }
        guard let found else {
            kill(process.processIdentifier, SIGKILL)
            throw StoreError("the test HTTP server did not start")
        }
        port = found
    }

    var url: String { "http://127.0.0.1:\(port)/hook" }

    /// The requests received so far, in order.
    func requests() throws -> [Request] {
        guard let text = try? String(contentsOfFile: folder + "/requests.jsonl", encoding: .utf8) else { return [] }
        return try text.split(separator: "\n").map { try JSONDecoder().decode(Request.self, from: Data($0.utf8)) }
    }

    deinit {
        // SIGKILL: the test runner may hand its children SIGTERM blocked or ignored.
        if process.isRunning { kill(process.processIdentifier, SIGKILL) }
        process.waitUntilExit()
        try? FileManager.default.removeItem(atPath: folder)
    }
}
