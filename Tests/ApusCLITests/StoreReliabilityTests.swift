import Foundation
import Testing

/// An `apus` process started in the background.
final class BackgroundApus {
    let process = Process()
    private let out = Pipe(), err = Pipe()

    init(_ arguments: [String], workspace: StoreWorkspace) throws {
        process.executableURL = CLIRun.binary
        process.arguments = arguments
        var variables = ProcessInfo.processInfo.environment
        variables["APUS_STORE"] = workspace.store
        variables["APUS_USER"] = "cli-test"
        process.environment = variables
        process.currentDirectoryURL = workspace.directory
        process.standardOutput = out
        process.standardError = err
        try process.run()
    }

    func signal(_ number: Int32) { kill(process.processIdentifier, number) }

    /// Waits for the end; returns the status and both outputs.
    func wait() -> (status: Int32, output: String, error: String) {
        let output = out.fileHandleForReading.readDataToEndOfFile(), error = err.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return (process.terminationStatus, String(decoding: output, as: UTF8.self), String(decoding: error, as: UTF8.self))
    }
}

@Suite("the store survives concurrency, kills and tampering", .serialized)
struct StoreReliabilityTests {
    /// Arguments of a training that runs until it is stopped (tens of seconds at least).
    static func longTraining(_ work: StoreWorkspace) -> [String] {
        ["train", work.train, "--target", "default", "--param", "num_iterations=100000", "--param", "learning_rate=0.001",
         "--param", "num_leaves=63", "--name", "long", "--register"]
    }

    /// Waits until the store lists a running run; returns its id.
    static func waitForRunningRun(_ work: StoreWorkspace) throws -> String? {
        for _ in 0..<200 {
            // Until the training creates the store, listing says there is none.
            let listed = try work.apus(["runs", "list", "--filter", "status = 'running'", "--json"])
            let runs = listed.status == 0 ? try? JSONSerialization.jsonObject(with: Data(listed.output.utf8)) as? [[String: Any]] : nil
            if let id = runs?.first?["id"] as? String { return id }
            Thread.sleep(forTimeInterval: 0.05)
        }
        return nil
    }

    @Test("two trainings registering the same model and a reader at once: no run lost, versions 1 and 2, the trail intact")
    func concurrentProcesses() throws {
        let work = try StoreWorkspace(rows: 6000)
        defer { work.remove() }
        let trainings = try (0..<2).map { leaves in
            try BackgroundApus(["train", work.train, "--target", "default", "--param", "num_iterations=40",
                                "--param", "num_leaves=\(7 + leaves)", "--name", "shared", "--alias", "champion"], workspace: work)
        }
        var reads = 0
        while trainings.contains(where: { $0.process.isRunning }) {
            let listed = try work.apus(["runs", "list", "--json"])
            if listed.status != 0 && listed.error.contains("there is no store at") { continue }  // not created yet
            #expect(listed.status == 0, "a reader during the writes: \(listed.error)")
            #expect((try? JSONSerialization.jsonObject(with: Data(listed.output.utf8))) is [Any])
            reads += 1
        }
        for training in trainings {
            let result = training.wait()
            #expect(result.status == 0, "\(result.error)")
        }
        #expect(reads > 0)
        let runs = try #require(try work.json(["runs", "list"]) as? [[String: Any]])
        #expect(runs.count == 2 && runs.allSatisfy { $0["status"] as? String == "finished" })
        let versions = try #require(try work.json(["models", "versions", "shared"]) as? [[String: Any]])
        #expect(Set(versions.compactMap { $0["version"] as? Int }) == [1, 2])
        #expect(Set(versions.compactMap { $0["runID"] as? String }) == Set(runs.compactMap { $0["id"] as? String }))
        let history = try #require((try work.json(["models", "show", "shared"]) as? [String: Any])?["aliasHistory"] as? [[String: Any]])
        #expect(history.count == 2, "both moves of @champion recorded, one after the other")
        #expect(history.last?["previousVersion"] as? Int == history.first?["version"] as? Int)
        #expect(try work.apus(["audit", "verify"]).status == 0)
    }

    @Test("kill -9 during training: the run is found killed, and the store reads and verifies")
    func killNineDuringTraining() throws {
        let work = try StoreWorkspace(rows: 20000)
        defer { work.remove() }
        let training = try BackgroundApus(Self.longTraining(work), workspace: work)
        defer { if training.process.isRunning { training.signal(SIGKILL) } }
        let running = try #require(try Self.waitForRunningRun(work), "the run was never recorded as running")
        Thread.sleep(forTimeInterval: 0.3)
        training.signal(SIGKILL)
        _ = training.wait()
        let listed = try work.apus(["runs", "list"])
        #expect(listed.status == 0, "\(listed.error)")
        let run = try #require(try work.json(["runs", "show", running]) as? [String: Any])
        #expect(run["status"] as? String == "killed")
        #expect((run["statusMessage"] as? String)?.contains("ended without finishing it: killed or crashed") == true)
        let verified = try work.apus(["audit", "verify"])
        #expect(verified.status == 0, "\(verified.output)")
        let events = try #require(try work.json(["audit", "log"]) as? [[String: Any]])
        #expect(events.last?["event"] as? String == "run_killed")
        #expect(((try? work.json(["models", "list"])) as? [Any])?.isEmpty == true, "nothing was registered")
    }

    @Test("SIGTERM during training ends the run as killed, with exit status 143")
    func sigtermDuringTraining() throws {
        let work = try StoreWorkspace(rows: 20000)
        defer { work.remove() }
        let training = try BackgroundApus(Self.longTraining(work), workspace: work)
        defer { if training.process.isRunning { training.signal(SIGKILL) } }
        let running = try #require(try Self.waitForRunningRun(work))
        Thread.sleep(forTimeInterval: 0.3)
        training.signal(SIGTERM)
        let result = training.wait()
        #expect(result.status == 143, "\(result.error)")
        #expect(result.error.contains("run \(running) killed by SIGTERM"))
        let run = try #require(try work.json(["runs", "show", running]) as? [String: Any])
        #expect(run["status"] as? String == "killed")
        #expect(run["statusMessage"] as? String == "interrupted by SIGTERM")
        #expect(run["cost"] != nil, "the cost up to the signal is recorded")
    }

    @Test("kill -9 at many points of training and registering leaves a consistent store")
    func killNineDuringRegistration() throws {
        let work = try StoreWorkspace(rows: 1500)
        defer { work.remove() }
        let arguments = ["train", work.train, "--target", "default", "--ignore", "application_date", "--valid", work.test,
                         "--param", "num_iterations=8", "--name", "m", "--alias", "champion"]
        // One whole process's length, to spread the kills over it: from reading the data
        // through training, storing the artifacts, registering and moving the alias.
        let start = Date()
        #expect(try BackgroundApus(arguments, workspace: work).wait().status == 0)
        let length = Date().timeIntervalSince(start)
        for attempt in 0..<10 {
            let training = try BackgroundApus(arguments, workspace: work)
            Thread.sleep(forTimeInterval: length * (0.3 + 0.07 * Double(attempt)))
            training.signal(SIGKILL)
            _ = training.wait()
        }
        let runs = try #require(try work.json(["runs", "list", "--limit", "100"]) as? [[String: Any]])
        #expect(runs.count >= 1 && runs.count <= 11, "a kill before the run starts leaves no run")
        #expect(runs.allSatisfy { ["finished", "killed"].contains($0["status"] as? String) }, "no run left running")
        let versions = try #require(try work.json(["models", "versions", "m"]) as? [[String: Any]])
        for version in versions {
            let number = try #require(version["version"] as? Int)
            let predicted = try work.apus(["predict", "m/\(number)", work.test, "--out", "p.csv"])
            #expect(predicted.status == 0, "version \(number)'s model file is whole: \(predicted.error)")
        }
        let model = try #require((try work.json(["models", "show", "m"]) as? [String: Any])?["model"] as? [String: Any])
        #expect((model["aliases"] as? [String: Int])?["champion"] != nil)
        let verified = try work.apus(["audit", "verify"])
        #expect(verified.status == 0, "\(verified.output)")
        let leftovers = try FileManager.default.contentsOfDirectory(atPath: work.store + "/artifacts").filter { $0.hasPrefix(".incoming-") }
        #expect(leftovers.isEmpty, "half-written artifacts of dead writers are removed: \(leftovers)")
    }

    @Test("a store written by a newer Apus is refused, and left unchanged")
    func newerStoreIsRefused() throws {
        let work = try StoreWorkspace(rows: 300)
        defer { work.remove() }
        #expect(try work.train(["--out", "m.apus"]).status == 0)
        try work.sql("INSERT INTO schema_migrations (version, summary, applied, apus_version) VALUES (99, 'future', '2030-01-01T00:00:00.000Z', '9.9.9');")
        let database = URL(fileURLWithPath: work.store + "/store.sqlite")
        let before = try Data(contentsOf: database)
        let refused = try work.apus(["runs", "list"])
        #expect(refused.status != 0)
        #expect(refused.error.contains("was written by a newer Apus (9.9.9, store schema 99); this Apus"))
        #expect(refused.error.contains("Upgrade Apus to use it; the store was not changed."))
        #expect(try Data(contentsOf: database) == before)
    }

    @Test("a corrupted model artifact is refused when read; the store's files are private to their owner")
    func artifactsAreCheckedAndPrivate() throws {
        let work = try StoreWorkspace(rows: 300)
        defer { work.remove() }
        #expect(try work.train(["--name", "m", "--alias", "champion"]).status == 0)
        func permissions(_ path: String) throws -> Int {
            try #require((try FileManager.default.attributesOfItem(atPath: path)[.posixPermissions] as? NSNumber)?.intValue)
        }
        #expect(try permissions(work.store) == 0o700)
        #expect(try permissions(work.store + "/store.sqlite") == 0o600)
        #expect(try permissions(work.store + "/artifacts") == 0o700)
        let version = try #require((try work.json(["models", "versions", "m"]) as? [[String: Any]])?.first)
        let sha256 = try #require((version["artifact"] as? [String: Any])?["sha256"] as? String)
        let file = work.store + "/artifacts/\(sha256.prefix(2))/\(sha256)"
        #expect(try permissions(file) == 0o600)
        var bytes = try Data(contentsOf: URL(fileURLWithPath: file))
        bytes[bytes.count / 2] ^= 0xFF
        try bytes.write(to: URL(fileURLWithPath: file))
        let refused = try work.apus(["predict", "m@champion", work.test])
        #expect(refused.status != 0)
        #expect(refused.error.contains("artifact \(file) is corrupt: its bytes hash to"))
        #expect(refused.error.contains("not the recorded \(sha256)"))
    }
}
