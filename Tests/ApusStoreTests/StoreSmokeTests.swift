import Foundation
import Testing
@testable import ApusStore

/// A temporary store folder, removed when the test ends.
final class TemporaryStore {
    let directory: String
    let store: SQLiteStore

    init(actor: String = "tester", signer: AuditSigner? = nil) throws {
        directory = NSTemporaryDirectory() + "apus-store-test-\(UUID().uuidString)"
        store = try SQLiteStore(directory: directory, actor: actor, signer: signer, apusVersion: "0.0.test")
    }

    deinit { try? FileManager.default.removeItem(atPath: directory) }

    func origin() -> RunOrigin {
        RunOrigin(user: "tester", host: ProcessIdentity.host, pid: ProcessIdentity.pid, processStart: ProcessIdentity.startTime,
                  apusVersion: "0.0.test", gitCommit: nil)
    }

    /// A file with `text`, stored as an artifact.
    func artifact(_ text: String) throws -> ArtifactRef {
        let path = directory + "/input-\(UUID().uuidString)"
        try Data(text.utf8).write(to: URL(fileURLWithPath: path))
        return try store.putArtifact(file: path)
    }
}

@Suite struct StoreSmokeTests {
    @Test func aRunRegisteredAliasedAndRolledBackLeavesAVerifiableTrail() throws {
        let temporary = try TemporaryStore()
        let store = temporary.store
        let run = try store.startRun(RunStart(experiment: "credit-risk", kind: "train", parameters: ["num_leaves": "31"],
                                              seed: 7, origin: temporary.origin()))
        try store.logMetrics([MetricPoint(key: "auc", value: 0.8, step: 1), MetricPoint(key: "auc", value: 0.85, step: 2)], run: run)
        let first = try temporary.artifact("model one")
        try store.finishRun(run, status: .finished, message: nil, cost: nil, artifacts: ["model": first])
        let v1 = try store.registerVersion(VersionRegistration(
            model: "credit-risk", runID: run, artifact: first, metrics: ["auc": 0.85], schema: "[]", lineage: [:], reason: "first"))
        let v2 = try store.registerVersion(VersionRegistration(
            model: "credit-risk", runID: nil, artifact: try temporary.artifact("model two"), metrics: [:], schema: "[]",
            lineage: [:], reason: "second"))
        #expect((v1.version, v2.version) == (1, 2))
        _ = try store.setAlias(model: "credit-risk", alias: "champion", version: 1, reason: "launch")
        _ = try store.setAlias(model: "credit-risk", alias: "champion", version: 2, reason: "better")
        #expect(try store.resolve(model: "credit-risk", alias: "champion").version == 2)
        let back = try store.rollback(model: "credit-risk", alias: "champion", reason: "v2 misbehaves")
        #expect(back.version == 1 && back.previousVersion == 2)
        #expect(try store.resolve(model: "credit-risk", alias: "champion").version == 1)
        #expect(try store.run(String(run.prefix(8))).metrics == ["auc": 0.85])
        let check = try store.verifyAudit(publicKey: nil)
        #expect(check.isIntact)
        #expect(check.rows == 9)  // created, run started + finished, model created, 2 versions, 2 moves, rollback
    }
}

@Suite("prediction-log profiles in the store")
struct PredictionProfileStoreTests {
    @Test func profilesMergeByHourAndAreReadByWindow() throws {
        let temporary = try TemporaryStore()
        let store = temporary.store
        try store.mergePredictionProfile(model: "m", version: 1, bucket: "2026-11-29T10:00:00.000Z", rows: 3) { existing in
            #expect(existing == nil)
            return "a"
        }
        try store.mergePredictionProfile(model: "m", version: 1, bucket: "2026-11-29T10:00:00.000Z", rows: 2) { existing in
            #expect(existing == "a")
            return "ab"
        }
        try store.mergePredictionProfile(model: "m", version: 1, bucket: "2026-11-29T11:00:00.000Z", rows: 4) { _ in "c" }
        try store.mergePredictionProfile(model: "m", version: 2, bucket: "2026-11-29T11:00:00.000Z", rows: 9) { _ in "other version" }
        let all = try store.predictionProfiles(model: "m", version: 1, since: "2026-11-29T10:30:00.000Z", until: "2026-11-29T12:00:00.000Z")
        #expect(all.map(\.bucket) == ["2026-11-29T10:00:00.000Z", "2026-11-29T11:00:00.000Z"])
        #expect(all.map(\.rows) == [5, 4])
        #expect(all.map(\.profile) == ["ab", "c"])
        let late = try store.predictionProfiles(model: "m", version: 1, since: "2026-11-29T11:00:00.000Z", until: "2026-11-29T11:30:00.000Z")
        #expect(late.map(\.profile) == ["c"])
        struct Refused: Error {}
        // The store wraps the refusal in its own error naming the file; nothing is written.
        #expect(throws: StoreError.self) {
            try store.mergePredictionProfile(model: "m", version: 1, bucket: "2026-11-29T11:00:00.000Z", rows: 1) { _ in throw Refused() }
        }
        #expect(try store.predictionProfiles(model: "m", version: 1, since: "2026-11-29T11:00:00.000Z", until: "2026-11-29T12:00:00.000Z")
            .map(\.rows) == [4])
    }
}
