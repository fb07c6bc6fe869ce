import Foundation
import GRDB
import Testing
@testable import ApusStore

@Suite struct RunStoreTests {
    // MARK: Recording a run

    @Test func aStartedRunIsRunningWithItsParametersTagsInputsAndOrigin() throws {
        let temporary = try TemporaryStore()
        let input = RunInput(role: "training", path: "data/train.csv", fingerprint: "f00d", rows: 1000, schema: "{\"a\":\"number\"}")
        let id = try temporary.store.startRun(RunStart(
            experiment: "credit-risk", kind: "cv", parameters: ["num_leaves": "31", "learning_rate": "0.1"],
            tags: ["team": "risk"], inputs: [input], seed: 42, origin: temporary.origin()))
        #expect(id.count == 32 && id.allSatisfy { $0.isASCII && $0.isHexDigit } && id == id.lowercased())
        let run = try temporary.store.run(id)
        #expect(run.id == id)
        #expect(run.experiment == "credit-risk")
        #expect(run.kind == "cv")
        #expect(run.status == .running)
        #expect(run.statusMessage == nil && run.endTime == nil && run.cost == nil)
        #expect(StoreClock.parse(run.startTime) != nil)
        #expect(run.parameters == ["num_leaves": "31", "learning_rate": "0.1"])
        #expect(run.tags == ["team": "risk"])
        #expect(run.inputs == [input])
        #expect(run.seed == 42)
        #expect(run.origin == temporary.origin())
        #expect(run.metrics.isEmpty && run.artifacts.isEmpty)
        let started = try #require(try temporary.store.auditEvents(model: nil, limit: 1).first)
        #expect(started.event == "run_started" && started.runID == id)
        #expect(started.details == ["experiment": "credit-risk", "kind": "cv", "training_fingerprint": "f00d", "seed": "42"])
    }

    @Test func aLaterStepUpdatesTheLatestValueAndAnEarlierOneDoesNot() throws {
        let temporary = try TemporaryStore()
        let store = temporary.store
        let id = try temporary.startRun()
        try store.logMetrics([MetricPoint(key: "loss", value: 0.9, step: 1), MetricPoint(key: "loss", value: 0.5, step: 5)], run: id)
        #expect(try store.run(id).metrics == ["loss": 0.5])
        try store.logMetrics([MetricPoint(key: "loss", value: 0.7, step: 3)], run: id)  // earlier: the curve gains a point
        #expect(try store.run(id).metrics == ["loss": 0.5])
        try store.logMetrics([MetricPoint(key: "loss", value: 0.4, step: 5)], run: id)  // same step: replaces
        #expect(try store.run(id).metrics == ["loss": 0.4])
        try store.logMetrics([MetricPoint(key: "loss", value: 0.3, step: 9)], run: id)  // later
        #expect(try store.run(id).metrics == ["loss": 0.3])
        #expect(try store.metricHistory(run: id, key: "loss") == [
            MetricPoint(key: "loss", value: 0.9, step: 1), MetricPoint(key: "loss", value: 0.7, step: 3),
            MetricPoint(key: "loss", value: 0.4, step: 5), MetricPoint(key: "loss", value: 0.3, step: 9),
        ])
        #expect(try store.metricHistory(run: String(id.prefix(10)), key: "no_such_metric") == [])
    }

    @Test func aNaNMetricStaysNaN() throws {
        let temporary = try TemporaryStore()
        let store = temporary.store
        let id = try temporary.startRun()
        try store.logMetrics([MetricPoint(key: "auc", value: 0.5, step: 0), MetricPoint(key: "auc", value: .nan, step: 1),
                              MetricPoint(key: "r2", value: -.infinity, step: 0)], run: id)
        let run = try store.run(id)
        #expect(try #require(run.metrics["auc"]).isNaN)
        #expect(run.metrics["r2"] == -.infinity)
        let history = try store.metricHistory(run: id, key: "auc")
        #expect(history.count == 2 && history[0].value == 0.5 && history[1].value.isNaN && history[1].step == 1)
        let listed = try #require(try store.runs(RunQuery()).first)
        #expect(try #require(listed.metrics["auc"]).isNaN)
    }

    @Test func tagsAreSetAndReplaced() throws {
        let temporary = try TemporaryStore()
        let id = try temporary.startRun(tags: ["a": "1"])
        try temporary.store.setTags(["a": "2", "b": "x"], run: id)
        #expect(try temporary.store.run(id).tags == ["a": "2", "b": "x"])
    }

    @Test func finishingSetsStatusCostAndArtifactsOnce() throws {
        let temporary = try TemporaryStore()
        let store = temporary.store
        let id = try temporary.startRun()
        let model = try temporary.artifact("the model")
        let report = try temporary.artifact("a report")
        let cost = RunCost(cpuSeconds: 1.5, wallSeconds: 2.25, peakMemoryBytes: 123_456, energyJoules: 7.5, energyMethod: "estimate")
        try store.finishRun(id, status: .finished, message: "done", cost: cost, artifacts: ["model": model, "report": report])
        let run = try store.run(id)
        #expect(run.status == .finished)
        #expect(run.statusMessage == "done")
        #expect(run.cost == cost)
        #expect(run.artifacts == ["model": model.sha256, "report": report.sha256])
        let end = try #require(run.endTime)
        #expect(end >= run.startTime && StoreClock.parse(end) != nil)
        let finished = try #require(try store.auditEvents(model: nil, limit: 1).first)
        #expect(finished.event == "run_finished" && finished.runID == id)
        #expect(finished.details == ["message": "done", "artifact.model": model.sha256, "artifact.report": report.sha256,
                                     "cpu_seconds": "1.5", "wall_seconds": "2.25"])

        #expect(throws: StoreError("run \(id) is finished; only a running run can change")) {
            try store.finishRun(id, status: .failed, message: "again", cost: nil, artifacts: [:])
        }
        #expect(throws: StoreError("run \(id) is finished; only a running run can change")) {
            try store.logMetrics([MetricPoint(key: "auc", value: 1)], run: id)
        }
        #expect(throws: StoreError("run \(id) is finished; only a running run can change")) {
            try store.setTags(["late": "yes"], run: id)
        }
        #expect(try store.run(id).status == .finished)
        #expect(try store.run(id).statusMessage == "done")
    }

    @Test func finishingWithAnArtifactNotInTheStoreIsRefused() throws {
        let temporary = try TemporaryStore()
        let store = temporary.store
        let id = try temporary.startRun()
        let missing = ArtifactRef(sha256: String(repeating: "c", count: 64), size: 4)
        #expect(throws: StoreError("artifact \(missing.sha256) is missing from \(temporary.directory)/artifacts")) {
            try store.finishRun(id, status: .finished, message: nil, cost: nil, artifacts: ["model": missing])
        }
        // A reference with the wrong size would otherwise stay in the artifacts table, and
        // every version later registered with these bytes would report that size.
        let model = try temporary.artifact("hello")
        let path = try store.verifiedArtifactPath(model)
        #expect(throws: StoreError("artifact \(path) is corrupt: its bytes hash to \(model.sha256) (5 bytes), not the recorded \(model.sha256) (999 bytes)")) {
            try store.finishRun(id, status: .finished, message: nil, cost: nil,
                                artifacts: ["model": ArtifactRef(sha256: model.sha256, size: 999)])
        }
        #expect(try store.run(id).status == .running)
        try store.finishRun(id, status: .finished, message: nil, cost: nil, artifacts: ["model": model])
        let version = try store.registerVersion(VersionRegistration(
            model: "churn", runID: id, artifact: model, metrics: [:], schema: "[]", lineage: [:], reason: "r"))
        #expect(version.artifact == model)
        #expect(try store.verifiedArtifactPath(store.version(model: "churn", version: 1).artifact) == path)
    }

    @Test(arguments: [(RunStatus.failed, "run_failed"), (.killed, "run_killed")])
    func failedAndKilledRunsAreRecordedAsSuch(status: RunStatus, event: String) throws {
        let temporary = try TemporaryStore()
        let id = try temporary.startRun()
        try temporary.store.finishRun(id, status: status, message: "why", cost: nil, artifacts: [:])
        let run = try temporary.store.run(id)
        #expect(run.status == status && run.statusMessage == "why" && run.cost == nil)
        #expect(try temporary.store.auditEvents(model: nil, limit: 1).first?.event == event)
    }

    @Test func badRunInputIsRefusedWithAMessage() throws {
        let temporary = try TemporaryStore()
        let store = temporary.store
        let id = try temporary.startRun()
        #expect(throws: StoreError("a run ends as finished, failed or killed, not running")) {
            try store.finishRun(id, status: .running, message: nil, cost: nil, artifacts: [:])
        }
        #expect(throws: StoreError("the experiment name is empty")) {
            _ = try temporary.startRun(experiment: "")
        }
        #expect(throws: StoreError("the tag key `a b` may hold only letters, digits, `.`, `_` and `-` (character 2 is ` `)")) {
            _ = try temporary.startRun(tags: ["a b": "x"])
        }
        #expect(throws: StoreError("the tag key `-x` must start with a letter or a digit (character 1 is `-`)")) {
            try store.setTags(["-x": "1"], run: id)
        }
        #expect(throws: StoreError("the metric name `a/b` may hold only letters, digits, `.`, `_` and `-` (character 2 is `/`)")) {
            try store.logMetrics([MetricPoint(key: "a/b", value: 1)], run: id)
        }
        #expect(throws: StoreError("the artifact name `../model` must start with a letter or a digit (character 1 is `.`)")) {
            try store.finishRun(id, status: .finished, message: nil, cost: nil, artifacts: ["../model": try temporary.artifact("m")])
        }
        let missing = String(repeating: "0", count: 32)
        #expect(throws: StoreError("there is no run \(missing)")) {
            try store.logMetrics([MetricPoint(key: "auc", value: 1)], run: missing)
        }
        #expect(throws: StoreError("there is no run \(missing)")) {
            try store.finishRun(missing, status: .finished, message: nil, cost: nil, artifacts: [:])
        }
        // None of the refused changes reached the run.
        let run = try store.run(id)
        #expect(run.status == .running && run.metrics.isEmpty && run.tags.isEmpty)
    }

    // MARK: Finding a run by id

    @Test func aRunIsFoundByAnyUniquePrefixOfSixOrMoreDigits() throws {
        let temporary = try TemporaryStore()
        let id = try temporary.startRun()
        for length in [6, 7, 16, 31, 32] {
            #expect(try temporary.store.run(String(id.prefix(length))).id == id)
        }
        #expect(try temporary.store.run(id.uppercased()).id == id)
    }

    @Test func anAmbiguousPrefixIsRefused() throws {
        let temporary = try TemporaryStore()
        let first = try temporary.startRun(), second = try temporary.startRun()
        // Give the two runs ids that share their first 8 digits.
        try temporary.rawDatabase().write { db in
            try db.execute(sql: "UPDATE runs SET id = ? WHERE id = ?", arguments: ["abcdef01" + String(repeating: "1", count: 24), first])
            try db.execute(sql: "UPDATE runs SET id = ? WHERE id = ?", arguments: ["abcdef01" + String(repeating: "2", count: 24), second])
        }
        #expect(throws: StoreError("`abcdef` is the start of more than one run id; give more digits")) {
            try temporary.store.run("abcdef")
        }
        #expect(throws: StoreError("`ABCDEF01` is the start of more than one run id; give more digits")) {
            try temporary.store.run("ABCDEF01")
        }
        #expect(try temporary.store.run("abcdef012").id == "abcdef01" + String(repeating: "2", count: 24))
        #expect(try temporary.store.run("abcdef011").id == "abcdef01" + String(repeating: "1", count: 24))
    }

    @Test(arguments: [
        ("abc12", "`abc12` is not a run id (6 to 32 hexadecimal digits)"),
        ("", "`` is not a run id (6 to 32 hexadecimal digits)"),
        ("zzzzzzzz", "`zzzzzzzz` is not a run id (6 to 32 hexadecimal digits)"),
        ("abcdef-1", "`abcdef-1` is not a run id (6 to 32 hexadecimal digits)"),
        ("abc\u{1B}def", "`abc\\u{1b}def` is not a run id (6 to 32 hexadecimal digits)"),
        (String(repeating: "a", count: 33), "`\(String(repeating: "a", count: 33))` is not a run id (6 to 32 hexadecimal digits)"),
        // Fullwidth digits count as hexadecimal digits to `Character.isHexDigit`; not here.
        ("\u{FF10}\u{FF10}\u{FF10}\u{FF10}\u{FF10}\u{FF10}", "`\u{FF10}\u{FF10}\u{FF10}\u{FF10}\u{FF10}\u{FF10}` is not a run id (6 to 32 hexadecimal digits)"),
        ("0123456789", "there is no run 0123456789"),
    ])
    func aBadOrUnknownRunIdIsRefused(text: String, message: String) throws {
        let temporary = try TemporaryStore()
        _ = try temporary.startRun()
        #expect(throws: StoreError(message)) { try temporary.store.run(text) }
    }

    // MARK: Listing runs

    /// Four runs: three in `exp` (oldest first: r1 finished train auc 0.7, r2 failed cv
    /// auc 0.9, r3 running train without auc) and r4 in `other` with auc 0.95.
    struct Listing {
        let temporary: TemporaryStore
        let r1: String, r2: String, r3: String, r4: String

        init() throws {
            temporary = try TemporaryStore()
            let store = temporary.store
            r1 = try temporary.startRun(parameters: ["num_leaves": "31", "learning_rate": "0.1"], tags: ["team": "a"])
            try store.logMetrics([MetricPoint(key: "auc", value: 0.7, step: 10), MetricPoint(key: "loss", value: 0.3)], run: r1)
            try store.finishRun(r1, status: .finished, message: nil, cost: nil, artifacts: [:])
            r2 = try temporary.startRun(kind: "cv", parameters: ["num_leaves": "63", "learning_rate": "0.05"], tags: ["team": "b"])
            try store.logMetrics([MetricPoint(key: "auc", value: 0.9)], run: r2)
            try store.finishRun(r2, status: .failed, message: "out of memory", cost: nil, artifacts: [:])
            r3 = try temporary.startRun(parameters: ["num_leaves": "127", "learning_rate": "adam"], tags: ["team": "a"])
            r4 = try temporary.startRun(experiment: "other", parameters: ["num_leaves": "31"])
            try store.logMetrics([MetricPoint(key: "auc", value: 0.95)], run: r4)
        }

        func ids(_ query: RunQuery) throws -> [String] { try temporary.store.runs(query).map(\.id) }

        func ids(experiment: String? = "exp", _ filter: String) throws -> [String] {
            try ids(RunQuery(experiment: experiment, filter: try RunFilter(parsing: filter)))
        }
    }

    @Test func runsAreListedNewestFirstByExperiment() throws {
        let listing = try Listing()
        #expect(try listing.ids(RunQuery()) == [listing.r4, listing.r3, listing.r2, listing.r1])
        #expect(try listing.ids(RunQuery(experiment: "exp")) == [listing.r3, listing.r2, listing.r1])
        #expect(try listing.ids(RunQuery(experiment: "exp", ascending: true)) == [listing.r1, listing.r2, listing.r3])
        #expect(try listing.ids(RunQuery(experiment: "nothing")) == [])
        // A listing leaves out parameters, inputs and artifacts, and keeps metrics and tags.
        let r1 = try #require(try listing.temporary.store.runs(RunQuery(experiment: "exp")).last)
        #expect(r1.id == listing.r1 && r1.status == .finished)
        #expect(r1.parameters.isEmpty && r1.inputs.isEmpty && r1.artifacts.isEmpty)
        #expect(r1.metrics == ["auc": 0.7, "loss": 0.3])
        #expect(r1.tags == ["team": "a"])
    }

    @Test func runsAreFilteredByMetrics() throws {
        let l = try Listing()
        #expect(try l.ids("metrics.auc > 0.8") == [l.r2])
        #expect(try l.ids("metrics.auc < 0.8") == [l.r1])
        #expect(try l.ids("metrics.auc = 0.9") == [l.r2])
        #expect(try l.ids("metrics.auc >= 0.7") == [l.r2, l.r1])
        #expect(try l.ids("metrics.auc != 0.7") == [l.r2])  // r3 has no auc, so it is not listed
        #expect(try l.ids(experiment: nil, "metrics.auc > 0.8") == [l.r4, l.r2])
        #expect(try l.ids("metrics.auc > 0.6 and metrics.loss < 0.5") == [l.r1])
    }

    @Test func runsAreFilteredByParametersAsNumbersOrText() throws {
        let l = try Listing()
        // As numbers 127 and 63 are above 40; as text "127" is not.
        #expect(try l.ids("params.num_leaves > 40") == [l.r3, l.r2])
        #expect(try l.ids("params.num_leaves <= 63") == [l.r2, l.r1])
        #expect(try l.ids("params.learning_rate < 0.1") == [l.r2])
        #expect(try l.ids("params.num_leaves = '31'") == [l.r1])
        #expect(try l.ids("params.num_leaves != '31'") == [l.r3, l.r2])
        #expect(try l.ids("params.learning_rate = '0.10'") == [])  // text compares as text
        #expect(try l.ids("params.learning_rate = 0.10") == [l.r1])  // a number as a number
        // Text never compares as a number (SQLite's CAST would have made `adam` 0).
        #expect(try l.ids("params.learning_rate < 1") == [l.r2, l.r1])
        #expect(try l.ids("params.learning_rate = 'adam'") == [l.r3])
        // Ordering by a parameter: numbers in numeric order, then text.
        #expect(try l.ids(RunQuery(experiment: "exp", orderBy: "params.num_leaves", ascending: true)) == [l.r1, l.r2, l.r3])
        #expect(try l.ids(RunQuery(experiment: "exp", orderBy: "params.learning_rate", ascending: true)) == [l.r2, l.r1, l.r3])
    }

    @Test func runsAreFilteredByTagsStatusKindAndExperiment() throws {
        let l = try Listing()
        #expect(try l.ids("tags.team = 'a'") == [l.r3, l.r1])
        #expect(try l.ids("tags.team != 'a'") == [l.r2])
        #expect(try l.ids("tags.nothing = 'a'") == [])
        #expect(try l.ids("status = 'running'") == [l.r3])
        #expect(try l.ids("status = 'failed'") == [l.r2])
        #expect(try l.ids("status != 'running'") == [l.r2, l.r1])
        #expect(try l.ids("kind = 'cv'") == [l.r2])
        #expect(try l.ids("kind = 'train' and tags.team = 'a' and status = 'finished'") == [l.r1])
        #expect(try l.ids(experiment: nil, "experiment = 'other'") == [l.r4])
        #expect(try l.ids(experiment: nil, "experiment != 'other' and kind = 'train'") == [l.r3, l.r1])
    }

    @Test func runsAreOrderedByAMetricWithRunsLackingItLast() throws {
        let l = try Listing()
        #expect(try l.ids(RunQuery(experiment: "exp", orderBy: "metrics.auc")) == [l.r2, l.r1, l.r3])
        #expect(try l.ids(RunQuery(experiment: "exp", orderBy: "metrics.auc", ascending: true)) == [l.r1, l.r2, l.r3])
        #expect(try l.ids(RunQuery(orderBy: "metrics.auc")) == [l.r4, l.r2, l.r1, l.r3])
        #expect(try l.ids(RunQuery(experiment: "exp", orderBy: "metrics.loss", ascending: true)) == [l.r1, l.r3, l.r2])
        #expect(try l.ids(RunQuery(experiment: "exp", orderBy: "start_time", ascending: true)) == [l.r1, l.r2, l.r3])
        #expect(try l.ids(RunQuery(experiment: "exp", orderBy: "params.num_leaves", ascending: true)).count == 3)
    }

    @Test func aNaNMetricSortsWithTheRunsThatLackIt() throws {
        let temporary = try TemporaryStore()
        let a = try temporary.startRun(), b = try temporary.startRun(), c = try temporary.startRun()
        try temporary.store.logMetrics([MetricPoint(key: "auc", value: 0.6)], run: a)
        try temporary.store.logMetrics([MetricPoint(key: "auc", value: .nan)], run: b)
        try temporary.store.logMetrics([MetricPoint(key: "auc", value: 0.8)], run: c)
        #expect(try temporary.store.runs(RunQuery(orderBy: "metrics.auc")).map(\.id) == [c, a, b])
        #expect(try temporary.store.runs(RunQuery(orderBy: "metrics.auc", ascending: true)).map(\.id) == [a, c, b])
        #expect(try temporary.store.runs(RunQuery(filter: try RunFilter(parsing: "metrics.auc > 0"))).map(\.id) == [c, a])
    }

    @Test func runsArePaged() throws {
        let l = try Listing()
        #expect(try l.ids(RunQuery(limit: 2)) == [l.r4, l.r3])
        #expect(try l.ids(RunQuery(limit: 2, offset: 1)) == [l.r3, l.r2])
        #expect(try l.ids(RunQuery(limit: 2, offset: 3)) == [l.r1])
        #expect(try l.ids(RunQuery(limit: 2, offset: 4)) == [])
        #expect(try l.ids(RunQuery(limit: 0)) == [])
        #expect(try l.ids(RunQuery(orderBy: "metrics.auc", limit: 1, offset: 1)) == [l.r2])
    }

    @Test func aBadListingIsRefusedWithAMessage() throws {
        let l = try Listing()
        #expect(throws: StoreError("a listing's limit and offset are not negative")) { try l.ids(RunQuery(limit: -1)) }
        #expect(throws: StoreError("a listing's limit and offset are not negative")) { try l.ids(RunQuery(offset: -1)) }
        #expect(throws: StoreError("cannot order runs by `auc`: use start_time, metrics.NAME or params.NAME")) {
            try l.ids(RunQuery(orderBy: "auc"))
        }
        #expect(throws: StoreError("cannot order runs by `x; DROP TABLE runs`: use start_time, metrics.NAME or params.NAME")) {
            try l.ids(RunQuery(orderBy: "x; DROP TABLE runs"))
        }
    }

    @Test func filterValuesAreBoundNotSpliced() throws {
        let l = try Listing()
        #expect(try l.ids("tags.team = 'a'' OR 1=1 --'") == [])
        #expect(try l.ids("params.`num_leaves'--` = '31'") == [])
        #expect(try l.ids(RunQuery()).count == 4)
    }

    // MARK: Abandoned runs

    @Test func aRunWhoseProcessIsGoneIsReapedAndOneWhoseProcessLivesIsLeft() throws {
        let temporary = try TemporaryStore()
        let store = temporary.store
        let deadPid = try TestProcess.deadPid()
        // Its start time is one no live process has, so a reused pid is not taken for it.
        var deadOrigin = temporary.origin()
        deadOrigin.pid = deadPid
        deadOrigin.processStart = "1"
        let dead = try store.startRun(RunStart(experiment: "exp", kind: "train", origin: deadOrigin))
        let alive = try temporary.startRun()  // this test process
        var elsewhere = deadOrigin
        elsewhere.host = "another-host.example"
        let remote = try store.startRun(RunStart(experiment: "exp", kind: "train", origin: elsewhere))
        let finished = try store.startRun(RunStart(experiment: "exp", kind: "train", origin: deadOrigin))
        try store.finishRun(finished, status: .finished, message: nil, cost: nil, artifacts: [:])

        #expect(try store.reapAbandonedRuns() == [dead])
        let reaped = try store.run(dead)
        #expect(reaped.status == .killed)
        #expect(reaped.statusMessage == "its process (pid \(deadPid) on \(ProcessIdentity.host)) ended without finishing it: killed or crashed")
        #expect(reaped.endTime != nil && reaped.cost == nil)
        #expect(try store.run(alive).status == .running)
        #expect(try store.run(remote).status == .running)  // another host's process cannot be looked at from here
        #expect(try store.run(finished).status == .finished)
        #expect(try store.reapAbandonedRuns() == [])
        let event = try #require(try store.auditEvents(model: nil, limit: 1).first)
        #expect(event.event == "run_killed" && event.runID == dead)
    }

    @Test func processIdentityTellsALiveProcessFromADeadOne() throws {
        #expect(ProcessIdentity.isAlive(pid: ProcessIdentity.pid, start: ProcessIdentity.startTime))
        #expect(!ProcessIdentity.startTime.isEmpty)
        #expect(!ProcessIdentity.isAlive(pid: ProcessIdentity.pid, start: "1"))  // the pid, reused
        #expect(!ProcessIdentity.isAlive(pid: try TestProcess.deadPid(), start: ""))
        #expect(!ProcessIdentity.isAlive(pid: 0, start: ""))
        #expect(!ProcessIdentity.isAlive(pid: -5, start: ""))
        #expect(!ProcessIdentity.isAlive(pid: Int(Int32.max) + 1, start: ""))
    }
}
