import Foundation
import Testing

/// A folder with credit data and a store of its own.
struct StoreWorkspace {
    let directory: URL
    let train: String
    let test: String
    var store: String { directory.appendingPathComponent("store").path }
    var environment: [String: String] { ["APUS_STORE": store] }

    init(rows: Int = 2000) throws {
        directory = try temporaryDirectory()
        train = directory.appendingPathComponent("train.csv").path
        test = directory.appendingPathComponent("test.csv").path
        #expect(try CLIRun(["data", "generate", "credit", "--rows", String(rows), "--seed", "1", "--out", train]).status == 0)
        #expect(try CLIRun(["data", "generate", "credit", "--rows", "500", "--seed", "2", "--out", test]).status == 0)
    }

    func remove() { try? FileManager.default.removeItem(at: directory) }

    /// Runs `apus` on this workspace's store.
    func apus(_ arguments: [String], environment extra: [String: String] = [:]) throws -> CLIRun {
        try CLIRun(arguments, in: directory, environment: environment.merging(extra) { _, new in new })
    }

    /// Trains on the workspace's data with a few rounds.
    func train(_ extra: [String], leaves: Int = 7, environment variables: [String: String] = [:]) throws -> CLIRun {
        try apus(["train", train, "--target", "default", "--ignore", "application_date", "--valid", test,
                  "--param", "num_iterations=8", "--param", "num_leaves=\(leaves)"] + extra, environment: variables)
    }

    /// A JSON document printed by `apus ... --json`.
    func json(_ arguments: [String]) throws -> Any {
        let run = try apus(arguments + ["--json"])
        #expect(run.status == 0, "\(arguments): \(run.error)")
        return try JSONSerialization.jsonObject(with: Data(run.output.utf8))
    }

    /// Runs Python's sqlite3 on the store's database (to tamper with it as an attacker would).
    func sql(_ statements: String) throws {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3", "-c", "import sqlite3,sys; c=sqlite3.connect(sys.argv[1]); c.executescript(sys.argv[2]); c.commit(); c.close()",
                             store + "/store.sqlite", statements]
        try process.run()
        process.waitUntilExit()
        #expect(process.terminationStatus == 0, "python3 sqlite3 failed on: \(statements)")
    }
}

@Suite("apus runs, models, audit: the store end to end")
struct StoreCommandTests {
    @Test("train --register --alias, compare, alias, rollback, and model references in predict and evaluate")
    func registryRoundTrip() throws {
        let work = try StoreWorkspace()
        defer { work.remove() }
        let first = try work.train(["--name", "credit", "--alias", "champion", "--reason", "first model"])
        #expect(first.status == 0, "\(first.error)")
        #expect(first.output.contains("registered credit/1; credit@champion -> version 1 (new alias)"))
        let second = try work.train(["--name", "credit", "--alias", "challenger"], leaves: 15)
        #expect(second.status == 0, "\(second.error)")
        #expect(second.output.contains("registered credit/2; credit@challenger -> version 2 (new alias)"))

        let runs = try #require(try work.json(["runs", "list"]) as? [[String: Any]])
        #expect(runs.count == 2)
        #expect(runs.allSatisfy { $0["status"] as? String == "finished" && $0["experiment"] as? String == "credit" })
        let newest = try #require(runs.first?["id"] as? String)
        let oldest = try #require(runs.last?["id"] as? String)
        let shown = try #require(try work.json(["runs", "show", String(newest.prefix(8))]) as? [String: Any])
        let parameters = try #require(shown["parameters"] as? [String: String])
        #expect(parameters["num_leaves"] == "15" && parameters["learning_rate"] == "0.1" && parameters.count >= 29)
        let artifacts = try #require(shown["artifacts"] as? [String: String])
        #expect(Set(artifacts.keys) == ["model.apus", "evaluation.json", "reference-profile.json", "reference-sample.csv"])
        let inputs = try #require(shown["inputs"] as? [[String: Any]])
        #expect(Set(inputs.compactMap { $0["role"] as? String }) == ["training", "validation"])
        #expect(inputs.allSatisfy { ($0["fingerprint"] as? String)?.hasPrefix("sha256:") == true })
        let metrics = try #require(shown["metrics"] as? [String: Double])
        #expect(metrics["auc"].map { $0 > 0.6 && $0 < 1 } == true)
        #expect(metrics["valid_logloss"] != nil, "the per-round curve's last value")
        let cost = try #require(shown["cost"] as? [String: Any])
        #expect((cost["cpuSeconds"] as? Double).map { $0 > 0 } == true)
        #expect((cost["peakMemoryBytes"] as? Int).map { $0 > 1_000_000 } == true)
        #expect(cost["energyMethod"] as? String == "estimate" || cost["energyMethod"] as? String == "rapl")

        let compared = try work.apus(["runs", "compare", oldest, newest])
        #expect(compared.status == 0, "\(compared.error)")
        let leavesLine = try #require(compared.output.split(separator: "\n").first { $0.contains("num_leaves") })
        #expect(leavesLine.hasPrefix("*"), "differences are marked: \(leavesLine)")
        #expect(leavesLine.contains(" 7") && leavesLine.contains("15"))
        #expect(!compared.output.contains("  learning_rate"), "equal parameters are left out without --all")

        let filtered = try #require(try work.json(["runs", "list", "--filter", "params.num_leaves = '15'"]) as? [[String: Any]])
        #expect(filtered.map { $0["id"] as? String } == [newest])
        let badFilter = try work.apus(["runs", "list", "--filter", "metrics.auc > high"])
        #expect(badFilter.status != 0)
        #expect(badFilter.error.contains("filter condition `metrics.auc > high`: `high` is neither a number nor quoted text"))

        let promoted = try work.apus(["models", "alias", "credit@champion", "2", "--reason", "challenger won the A/B test"])
        #expect(promoted.status == 0, "\(promoted.error)")
        #expect(promoted.output.contains("credit@champion -> version 2 (was 1)"))
        let predicted = try work.apus(["predict", "credit@champion", work.test, "--out", "p2.csv"])
        #expect(predicted.status == 0, "\(predicted.error)")
        let byVersion = try work.apus(["predict", "credit/2", work.test, "--out", "v2.csv"])
        #expect(byVersion.status == 0)
        let p2 = try Data(contentsOf: work.directory.appendingPathComponent("p2.csv"))
        #expect(p2 == (try Data(contentsOf: work.directory.appendingPathComponent("v2.csv"))))

        let rolledBack = try work.apus(["models", "rollback", "credit@champion", "--reason", "latency regression"])
        #expect(rolledBack.status == 0, "\(rolledBack.error)")
        #expect(rolledBack.output.contains("credit@champion rolled back to version 1 (was 2)"))
        #expect(try work.apus(["predict", "credit@champion", work.test, "--out", "p1.csv"]).status == 0)
        let p1 = try Data(contentsOf: work.directory.appendingPathComponent("p1.csv"))
        #expect(p1 != p2, "the champion is version 1 again")
        let evaluated = try work.apus(["evaluate", "credit@latest", work.test])
        #expect(evaluated.status == 0 && evaluated.output.contains("auc"))

        let updated = try work.apus(["models", "update", "credit", "--description", "default risk of loan applications",
                                     "--tag", "team=risk", "--tag", "tier=1", "--reason", "catalogue"])
        #expect(updated.status == 0, "\(updated.error)")
        #expect(updated.output.contains("updated credit: default risk of loan applications [team=risk, tier=1]"))
        let retagged = try work.apus(["models", "update", "credit", "--remove-tag", "tier", "--reason", "no tiers"])
        #expect(retagged.output.contains("[team=risk]"))
        let shownModel = try work.apus(["models", "show", "credit"])
        #expect(shownModel.output.contains("  default risk of loan applications\n  tags: team=risk"))
        #expect(shownModel.output.contains("@champion -> version 1"))
        #expect(shownModel.output.contains("2 -> 1 (rollback)"))
        #expect(shownModel.output.contains("cli-test"))
        #expect(shownModel.output.contains("latency regression"))

        let events = try #require(try work.json(["audit", "log", "--model", "credit"]) as? [[String: Any]])
        #expect(events.compactMap { $0["event"] as? String } == [
            "model_created", "version_registered", "alias_moved", "version_registered", "alias_moved", "alias_moved", "rollback",
            "model_updated", "model_updated",
        ])
        #expect(events.allSatisfy { $0["actor"] as? String == "cli-test" })
        let verified = try work.apus(["audit", "verify"])
        #expect(verified.status == 0, "\(verified.output)\(verified.error)")
        #expect(verified.output.contains("audit trail intact"))
    }

    @Test("bad names, references and moves are refused with messages that say why, and refusals are audited")
    func refusals() throws {
        let work = try StoreWorkspace()
        defer { work.remove() }
        #expect(try work.train(["--name", "credit", "--register"]).status == 0)
        let cases: [([String], String)] = [
            (["models", "alias", "credit@champion", "9", "--reason", "x"], "model `credit` has no version 9 (its versions are 1 to 1)"),
            (["models", "alias", "credit@3", "1", "--reason", "x"], "the alias `3` looks like a version number"),
            (["models", "alias", "credit@latest", "1", "--reason", "x"], "the alias `latest` is reserved"),
            (["models", "rollback", "credit@champion", "--reason", "x"], "credit@champion has no move left to roll back"),
            (["models", "show", "debit"], "there is no registered model `debit` (registered: credit)"),
            (["predict", "credit@champion", work.test], "model `credit` has no alias `champion` (it has no aliases)"),
            (["predict", "credit/4", work.test], "model `credit` has no version 4"),
            (["predict", "no such file.apus", work.test], "there is no model file `no such file.apus`"),
            (["predict", "no-such-model", work.test], "`no-such-model` is neither a model file nor a registered model"),
            (["train", work.train, "--target", "default", "--name", "ok", "--alias", "a1", "--alias", "a1"],
             "the alias `a1` is given twice"),
            (["audit", "keygen", "--out", work.train], "exists; choose another path (a key is never overwritten)"),
            (["runs", "show", "xyz"], "`xyz` is not a run id (6 to 32 hexadecimal digits)"),
            (["runs", "show", "abcdef12"], "there is no run abcdef12"),
            (["train", work.train, "--target", "default", "--name", "../escape", "--register"],
             "the model name `../escape` must start with a letter or a digit"),
            (["train", work.train, "--target", "default", "--name", "ok", "--alias", "bad/alias"],
             "the alias `bad/alias` may hold only letters, digits"),
            (["train", work.train, "--target", "default", "--register"], "--register and --alias need --name NAME"),
            (["train", work.train, "--target", "default"], "give --out FILE, or --register (with --name)"),
        ]
        for (arguments, message) in cases {
            let run = try work.apus(arguments)
            #expect(run.status != 0, "\(arguments) should fail")
            #expect(run.error.contains(message), "\(arguments): \(run.error)")
        }
        let events = try #require(try work.json(["audit", "log"]) as? [[String: Any]])
        let refused = events.filter { $0["event"] as? String == "refused" }
        #expect(refused.count == 2, "the alias to a missing version and the empty rollback")
        // Names are checked before training: the bad-name trainings recorded no run.
        let runs = try #require(try work.json(["runs", "list"]) as? [[String: Any]])
        #expect(runs.count == 1)
        #expect(try work.apus(["audit", "verify"]).status == 0)
    }

    @Test("commands that only read never create a store")
    func readingDoesNotCreateAStore() throws {
        let directory = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let store = directory.appendingPathComponent(".apus").path
        for arguments in [["runs", "list"], ["models", "list"], ["audit", "verify"], ["predict", "m@champion", "x.csv"]] {
            let run = try CLIRun(arguments, in: directory, environment: ["APUS_STORE": store])
            #expect(run.status != 0)
            #expect(run.error.contains("there is no store at \(store) yet: `apus train` records the first run"), "\(arguments): \(run.error)")
        }
        #expect(!FileManager.default.fileExists(atPath: store))
    }

    @Test("apus keys: a secret shown once, listed by prefix only, revoked with a reason")
    func apiKeys() throws {
        let work = try StoreWorkspace(rows: 100)
        defer { work.remove() }
        let created = try work.apus(["keys", "create", "ci-deploy", "--role", "predict"])
        #expect(created.status == 0, "\(created.error)")
        let lines = created.output.split(separator: "\n")
        #expect(lines.first == "created key ci-deploy (predict); its secret, shown only now:")
        let secret = String(try #require(lines.last))
        #expect(secret.hasPrefix("apus_") && secret.count == 69)
        let listed = try work.apus(["keys", "list"])
        #expect(listed.output.contains("ci-deploy") && listed.output.contains(String(secret.prefix(13)) + "…"))
        #expect(!listed.output.contains(secret))
        let badRole = try work.apus(["keys", "create", "x", "--role", "root"])
        #expect(badRole.status != 0 && badRole.error.contains("'root'"))
        #expect(try work.apus(["keys", "revoke", "ci-deploy", "--reason", "leaked in a log"]).status == 0)
        let keys = try #require(try work.json(["keys", "list"]) as? [[String: Any]])
        #expect(keys.first?["status"] as? String == "revoked")
        let events = try #require(try work.json(["audit", "log"]) as? [[String: Any]])
        #expect(events.suffix(2).compactMap { $0["event"] as? String } == ["api_key_created", "api_key_revoked"])
    }

    @Test("a failed training is recorded as a failed run with its error")
    func failedRun() throws {
        let work = try StoreWorkspace(rows: 300)
        defer { work.remove() }
        let run = try work.apus(["train", work.train, "--target", "defualt", "--out", "m.apus"])
        #expect(run.status != 0)
        let runs = try #require(try work.json(["runs", "list"]) as? [[String: Any]])
        #expect(runs.count == 1)
        #expect(runs.first?["status"] as? String == "failed")
        #expect((runs.first?["statusMessage"] as? String)?.contains("defualt") == true)
        let events = try #require(try work.json(["audit", "log"]) as? [[String: Any]])
        #expect(events.compactMap { $0["event"] as? String }.suffix(2) == ["run_started", "run_failed"])
    }

    @Test("cv is recorded as a run with the metrics' means, deviations and folds")
    func crossValidationRun() throws {
        let work = try StoreWorkspace(rows: 600)
        defer { work.remove() }
        let cv = try work.apus(["cv", work.train, "--target", "default", "--folds", "3", "--param", "num_iterations=5",
                                "--ignore", "application_date", "--experiment", "tuning", "--json"])
        #expect(cv.status == 0, "\(cv.error)")
        let result = try #require(try JSONSerialization.jsonObject(with: Data(cv.output.utf8)) as? [String: Any])
        let runID = try #require(result["run_id"] as? String)
        let auc = try #require((result["auc"] as? [String: Any])?["mean"] as? Double)
        let run = try #require(try work.json(["runs", "show", runID]) as? [String: Any])
        #expect(run["kind"] as? String == "cv" && run["experiment"] as? String == "tuning")
        let metrics = try #require(run["metrics"] as? [String: Double])
        #expect(abs(metrics["auc"]! - auc) < 1e-12)
        #expect(metrics["auc_std"] != nil && metrics["fold_auc"] != nil)
        #expect((run["parameters"] as? [String: String])?["cv_folds"] == "3")
    }

    @Test("the audit trail is signed with APUS_SIGNING_KEY, and verify finds an altered row")
    func signedAuditAndTampering() throws {
        let work = try StoreWorkspace(rows: 400)
        defer { work.remove() }
        let keyPath = work.directory.appendingPathComponent("audit.key").path
        let keygen = try work.apus(["audit", "keygen", "--out", keyPath])
        #expect(keygen.status == 0, "\(keygen.error)")
        let attributes = try FileManager.default.attributesOfItem(atPath: keyPath)
        #expect((attributes[.posixPermissions] as? NSNumber)?.intValue == 0o600)
        let signing = ["APUS_SIGNING_KEY": "audit.key"]  // relative to the working directory, as keygen suggests

        #expect(try work.apus(["train", work.train, "--target", "default", "--param", "num_iterations=3", "--name", "credit",
                               "--alias", "champion"], environment: signing).status == 0)
        let verified = try work.apus(["audit", "verify"], environment: signing)
        #expect(verified.status == 0, "\(verified.output)")
        #expect(verified.output.contains("6 rows, 6 signatures verified"), "\(verified.output)")
        let otherKey = work.directory.appendingPathComponent("other.key").path
        #expect(try work.apus(["audit", "keygen", "--out", otherKey]).status == 0)
        let wrongKey = try work.apus(["audit", "verify"], environment: ["APUS_SIGNING_KEY": otherKey])
        #expect(wrongKey.status == 1)
        #expect(wrongKey.output.contains("audit trail BROKEN at row 1: it is signed by another key"))

        // The database refuses edits to the trail; an attacker with the file drops the triggers first.
        try work.sql("DROP TRIGGER audit_events_no_update; UPDATE audit_events SET actor = 'mallory' WHERE seq = 5;")
        let tampered = try work.apus(["audit", "verify"])
        #expect(tampered.status == 1)
        #expect(tampered.output.contains("audit trail BROKEN at row 5: its content does not match its hash (it was altered)"))
        #expect(tampered.output.contains("(4 rows before it verified)"))
    }

    @Test("verify names a removed row and a removed tail (with --head)")
    func removedRows() throws {
        let work = try StoreWorkspace(rows: 300)
        defer { work.remove() }
        #expect(try work.apus(["train", work.train, "--target", "default", "--param", "num_iterations=2", "--name", "m",
                               "--alias", "champion"]).status == 0)
        let before = try #require(try work.json(["audit", "verify"]) as? [String: Any])
        let head = try #require(before["headHash"] as? String)
        #expect(before["rows"] as? Int == 6)  // store created, run started + finished, model created, version, alias
        // With a key to check them, a trail without any signed row does not verify (stripped signatures look so).
        #expect(try work.apus(["audit", "keygen", "--out", "k.key"]).status == 0)
        let unsigned = try work.apus(["audit", "verify"], environment: ["APUS_SIGNING_KEY": "k.key"])
        #expect(unsigned.status == 1)
        #expect(unsigned.output.contains("no row is signed, though a key was given to check them"))
        try work.sql("DROP TRIGGER audit_events_no_delete; DELETE FROM audit_events WHERE seq = 6;")
        let truncated = try work.apus(["audit", "verify", "--head", head])
        #expect(truncated.status == 1)
        #expect(truncated.output.contains("the recorded head \(head) is not in the trail"))
        try work.sql("DELETE FROM audit_events WHERE seq = 3;")
        let gap = try work.apus(["audit", "verify"])
        #expect(gap.status == 1)
        #expect(gap.output.contains("audit trail BROKEN at row 3: row 3 is missing (the next row is 4)"))
    }
}
