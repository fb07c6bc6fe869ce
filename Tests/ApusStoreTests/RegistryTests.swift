import Foundation
import Testing
@testable import ApusStore

@Suite struct RegistryTests {
    /// A store with `model` registered three times (v1, v2, v3).
    static func threeVersions(_ model: String = "churn", actor: String = "tester") throws -> TemporaryStore {
        let temporary = try TemporaryStore(actor: actor)
        for version in 1...3 { try temporary.register(model, "\(model) model \(version)") }
        return temporary
    }

    /// The newest audit event.
    static func lastEvent(_ store: SQLiteStore) throws -> AuditEvent {
        try #require(try store.auditEvents(model: nil, limit: 1).first)
    }

    // MARK: Registering

    @Test func versionsAreNumberedPerModel() throws {
        let temporary = try TemporaryStore()
        #expect(try temporary.register("churn", "a").version == 1)
        #expect(try temporary.register("churn", "b").version == 2)
        #expect(try temporary.register("fraud", "c").version == 1)
        #expect(try temporary.register("churn", "d").version == 3)
        #expect(try temporary.register("fraud", "e").version == 2)
        #expect(try temporary.store.versions(of: "churn").map(\.version) == [3, 2, 1])
        #expect(try temporary.store.versions(of: "fraud").map(\.version) == [2, 1])
        // The same model file may be registered again as a new version.
        let file = try temporary.artifact("shared")
        for expected in [4, 5] {
            let version = try temporary.store.registerVersion(VersionRegistration(
                model: "churn", runID: nil, artifact: file, metrics: [:], schema: "[]", lineage: [:], reason: "again"))
            #expect(version.version == expected && version.artifact == file)
        }
    }

    @Test func aVersionKeepsWhatItWasRegisteredWith() throws {
        let temporary = try TemporaryStore(actor: "alice")
        let run = try temporary.startRun()
        let artifact = try temporary.artifact("the model bytes")
        let registered = try temporary.store.registerVersion(VersionRegistration(
            model: "churn", runID: run, artifact: artifact, metrics: ["auc": 0.875, "logloss": .nan],
            schema: "{\"features\":[]}", lineage: ["data": "f00d", "seed": "7"], description: "first try", reason: "launch"))
        #expect(registered.model == "churn" && registered.version == 1 && registered.reference == "churn/1")
        #expect(registered.runID == run)
        #expect(registered.artifact == artifact && registered.artifact.size == 15)
        #expect(registered.status == .ready)
        #expect(registered.createdBy == "alice" && StoreClock.parse(registered.created) != nil)
        #expect(registered.description == "first try")
        #expect(registered.metrics["auc"] == 0.875 && registered.metrics.count == 2)
        #expect(try #require(registered.metrics["logloss"]).isNaN)
        #expect(registered.schema == "{\"features\":[]}")
        #expect(registered.lineage == ["data": "f00d", "seed": "7"])
        #expect(registered.aliases == [])
        let fetched = try temporary.store.version(model: "churn", version: 1)
        #expect(fetched.artifact == registered.artifact && fetched.lineage == registered.lineage && fetched.runID == run)

        let events = try temporary.store.auditEvents(model: "churn", limit: nil)
        #expect(events.map(\.event) == ["model_created", "version_registered"])
        #expect(events[0].details == ["reason": "launch"])
        #expect(events[1].runID == run && events[1].actor == "alice")
        #expect(events[1].details == ["version": "1", "artifact_sha256": artifact.sha256, "reason": "launch",
                                      "lineage.data": "f00d", "lineage.seed": "7"])
    }

    @Test func registeringAMissingArtifactIsRefused() throws {
        let temporary = try TemporaryStore()
        let missing = ArtifactRef(sha256: String(repeating: "ab", count: 32), size: 3)
        #expect(throws: StoreError("artifact \(missing.sha256) is missing from \(temporary.directory)/artifacts")) {
            try temporary.store.registerVersion(VersionRegistration(
                model: "churn", runID: nil, artifact: missing, metrics: [:], schema: "[]", lineage: [:], reason: "r"))
        }
        #expect(try temporary.store.models().isEmpty)
    }

    @Test func registeringACorruptedArtifactIsRefused() throws {
        let temporary = try TemporaryStore()
        let artifact = try temporary.artifact("good bytes")
        let path = try temporary.store.verifiedArtifactPath(artifact)
        try Data("evil bytes".utf8).write(to: URL(fileURLWithPath: path))
        let actual = try TestProcess.sha256sum(path)
        #expect(throws: StoreError("artifact \(path) is corrupt: its bytes hash to \(actual) (10 bytes), not the recorded \(artifact.sha256) (10 bytes)")) {
            try temporary.store.registerVersion(VersionRegistration(
                model: "churn", runID: nil, artifact: artifact, metrics: [:], schema: "[]", lineage: [:], reason: "r"))
        }
        // A reference whose size is wrong is refused too, even with the right bytes.
        let other = try temporary.artifact("other")
        let wrongSize = ArtifactRef(sha256: other.sha256, size: 99)
        #expect(throws: StoreError("artifact \(temporary.directory)/artifacts/\(other.sha256.prefix(2))/\(other.sha256) is corrupt: its bytes hash to \(other.sha256) (5 bytes), not the recorded \(other.sha256) (99 bytes)")) {
            try temporary.store.registerVersion(VersionRegistration(
                model: "churn", runID: nil, artifact: wrongSize, metrics: [:], schema: "[]", lineage: [:], reason: "r"))
        }
        #expect(try temporary.store.models().isEmpty)
    }

    @Test func registeringFromAnUnknownRunOrUnderABadNameChangesNothing() throws {
        let temporary = try TemporaryStore()
        let artifact = try temporary.artifact("m")
        let before = try temporary.store.auditEvents(model: nil, limit: nil).count
        let missingRun = String(repeating: "9", count: 32)
        #expect(throws: StoreError("there is no run \(missingRun) to register a version from")) {
            try temporary.store.registerVersion(VersionRegistration(
                model: "churn", runID: missingRun, artifact: artifact, metrics: [:], schema: "[]", lineage: [:], reason: "r"))
        }
        #expect(throws: StoreError("the model name `churn/1` may hold only letters, digits, `.`, `_` and `-` (character 6 is `/`)")) {
            try temporary.store.registerVersion(VersionRegistration(
                model: "churn/1", runID: nil, artifact: artifact, metrics: [:], schema: "[]", lineage: [:], reason: "r"))
        }
        #expect(throws: StoreError("the lineage key `a b` may hold only letters, digits, `.`, `_` and `-` (character 2 is ` `)")) {
            try temporary.store.registerVersion(VersionRegistration(
                model: "churn", runID: nil, artifact: artifact, metrics: [:], schema: "[]", lineage: ["a b": "1"], reason: "r"))
        }
        // The model row made before the run was found missing was rolled back with it.
        #expect(try temporary.store.models().isEmpty)
        #expect(try temporary.store.auditEvents(model: nil, limit: nil).count == before)
    }

    // MARK: Aliases

    @Test func settingAnAliasRecordsTheMove() throws {
        let temporary = try Self.threeVersions(actor: "bob")
        let store = temporary.store
        let first = try store.setAlias(model: "churn", alias: "champion", version: 1, reason: "launch")
        #expect(first.model == "churn" && first.alias == "champion" && first.version == 1 && first.previousVersion == nil)
        #expect(first.action == "set" && first.actor == "bob" && first.reason == "launch" && first.undoneBy == nil)
        let second = try store.setAlias(model: "churn", alias: "champion", version: 3, reason: "better auc")
        #expect(second.previousVersion == 1 && second.sequence > first.sequence)
        #expect(try store.resolve(model: "churn", alias: "champion").version == 3)
        let event = try Self.lastEvent(store)
        #expect(event.event == "alias_moved" && event.model == "churn" && event.actor == "bob")
        #expect(event.details == ["alias": "champion", "version": "3", "previous_version": "1", "reason": "better auc"])
    }

    @Test func refusedAliasMovesAreRecordedInTheAuditTrail() throws {
        let temporary = try Self.threeVersions()
        let store = temporary.store
        _ = try store.setAlias(model: "churn", alias: "champion", version: 1, reason: "launch")
        try store.archive(model: "churn", version: 2, reason: "bad")

        let cases: [(Int, String)] = [
            (9, "model `churn` has no version 9 (its versions are 1 to 3)"),
            (2, "churn/2 is archived; an alias may point only at a ready version"),
            (1, "churn@champion already points at version 1"),
        ]
        for (version, message) in cases {
            #expect(throws: StoreError(message)) {
                try store.setAlias(model: "churn", alias: "champion", version: version, reason: "try")
            }
            let refused = try Self.lastEvent(store)
            #expect(refused.event == "refused" && refused.model == "churn" && refused.actor == "tester")
            #expect(refused.details == ["operation": "alias", "error": message, "alias": "champion", "version": String(version)])
        }
        #expect(try store.resolve(model: "churn", alias: "champion").version == 1)
        #expect(try store.aliasHistory(model: "churn", alias: "champion").count == 1)
        #expect(try store.verifyAudit(publicKey: nil).isIntact)
    }

    @Test func anAliasOfAnUnknownModelIsRefusedAndRecorded() throws {
        let temporary = try Self.threeVersions()
        #expect(throws: StoreError("there is no registered model `nope` (registered: churn)")) {
            try temporary.store.setAlias(model: "nope", alias: "champion", version: 1, reason: "r")
        }
        let refused = try Self.lastEvent(temporary.store)
        #expect(refused.event == "refused" && refused.details["operation"] == "alias")
    }

    @Test(arguments: [
        ("latest", "the alias `latest` is reserved: `NAME@latest` always means the newest version that is not archived"),
        ("v2", "the alias `v2` looks like a version number; choose a word such as `champion`"),
        ("", "the alias is empty"),
        ("a@b", "the alias `a@b` may hold only letters, digits, `.`, `_` and `-` (character 2 is `@`)"),
    ])
    func badAliasNamesAreRefused(alias: String, message: String) throws {
        let temporary = try Self.threeVersions()
        #expect(throws: StoreError(message)) {
            try temporary.store.setAlias(model: "churn", alias: alias, version: 1, reason: "r")
        }
        #expect(try temporary.store.model("churn").aliases.isEmpty)
    }

    @Test func rollbackWalksBackThroughTheMovesLikeAStack() throws {
        let temporary = try Self.threeVersions()
        let store = temporary.store
        for version in 1...3 { _ = try store.setAlias(model: "churn", alias: "champion", version: version, reason: "to \(version)") }

        let back1 = try store.rollback(model: "churn", alias: "champion", reason: "v3 misbehaves")
        #expect(back1.version == 2 && back1.previousVersion == 3 && back1.action == "rollback" && back1.reason == "v3 misbehaves")
        #expect(try store.resolve(model: "churn", alias: "champion").version == 2)
        let event = try Self.lastEvent(store)
        #expect(event.event == "rollback")
        #expect(event.details == ["alias": "champion", "version": "2", "previous_version": "3", "reason": "v3 misbehaves"])

        let back2 = try store.rollback(model: "churn", alias: "champion", reason: "v2 too")
        #expect(back2.version == 1 && back2.previousVersion == 2)
        #expect(try store.resolve(model: "churn", alias: "champion").version == 1)

        let message = "churn@champion pointed at no version before version 1; there is nothing to roll back to"
        #expect(throws: StoreError(message)) { try store.rollback(model: "churn", alias: "champion", reason: "again") }
        let refused = try Self.lastEvent(store)
        #expect(refused.event == "refused" && refused.details == ["operation": "rollback", "error": message, "alias": "champion"])
        #expect(try store.resolve(model: "churn", alias: "champion").version == 1)

        let history = try store.aliasHistory(model: "churn", alias: "champion")
        #expect(history.map(\.action) == ["set", "set", "set", "rollback", "rollback"])
        #expect(history.map(\.version) == [1, 2, 3, 2, 1])
        #expect(history.map(\.previousVersion) == [nil, 1, 2, 3, 2])
        // Each rolled-back set names the rollback that undid it.
        #expect(history.map(\.undoneBy) == [nil, history[4].sequence, history[3].sequence, nil, nil])
    }

    @Test func anAliasNeverSetHasNothingToRollBack() throws {
        let temporary = try Self.threeVersions()
        let message = "churn@champion has no move left to roll back"
        #expect(throws: StoreError(message)) { try temporary.store.rollback(model: "churn", alias: "champion", reason: "r") }
        #expect(try Self.lastEvent(temporary.store).details == ["operation": "rollback", "error": message, "alias": "champion"])
        #expect(throws: StoreError("there is no registered model `nope` (registered: churn)")) {
            try temporary.store.rollback(model: "nope", alias: "champion", reason: "r")
        }
    }

    @Test func afterARollbackANewMoveRollsBackToTheRolledBackToVersion() throws {
        let temporary = try Self.threeVersions()
        let store = temporary.store
        for version in 1...3 { _ = try store.setAlias(model: "churn", alias: "champion", version: version, reason: "r") }
        #expect(try store.rollback(model: "churn", alias: "champion", reason: "r").version == 2)
        let moved = try store.setAlias(model: "churn", alias: "champion", version: 3, reason: "fixed")
        #expect(moved.previousVersion == 2)
        #expect(try store.rollback(model: "churn", alias: "champion", reason: "r").version == 2)
        #expect(try store.rollback(model: "churn", alias: "champion", reason: "r").version == 1)
        #expect(throws: StoreError("churn@champion pointed at no version before version 1; there is nothing to roll back to")) {
            try store.rollback(model: "churn", alias: "champion", reason: "r")
        }
    }

    @Test func aliasesRollBackIndependently() throws {
        let temporary = try Self.threeVersions()
        let store = temporary.store
        _ = try store.setAlias(model: "churn", alias: "champion", version: 1, reason: "r")
        _ = try store.setAlias(model: "churn", alias: "challenger", version: 2, reason: "r")
        _ = try store.setAlias(model: "churn", alias: "champion", version: 2, reason: "r")
        _ = try store.setAlias(model: "churn", alias: "challenger", version: 3, reason: "r")
        #expect(try store.rollback(model: "churn", alias: "champion", reason: "r").version == 1)
        #expect(try store.resolve(model: "churn", alias: "challenger").version == 3)
        #expect(try store.rollback(model: "churn", alias: "challenger", reason: "r").version == 2)
        #expect(try store.aliasHistory(model: "churn", alias: nil).count == 6)
        #expect(try store.aliasHistory(model: "churn", alias: "challenger").map(\.version) == [2, 3, 2])
    }

    @Test func rollingBackToAnArchivedVersionIsRefused() throws {
        let temporary = try Self.threeVersions()
        let store = temporary.store
        _ = try store.setAlias(model: "churn", alias: "champion", version: 1, reason: "r")
        _ = try store.setAlias(model: "churn", alias: "champion", version: 2, reason: "r")
        try store.archive(model: "churn", version: 1, reason: "retired")
        #expect(throws: StoreError("cannot roll churn@champion back to version 1: it is archived")) {
            try store.rollback(model: "churn", alias: "champion", reason: "r")
        }
        #expect(try store.resolve(model: "churn", alias: "champion").version == 2)
    }

    // MARK: Archiving

    @Test func archivingIsRefusedWhileAnAliasPointsAtTheVersion() throws {
        let temporary = try Self.threeVersions()
        let store = temporary.store
        _ = try store.setAlias(model: "churn", alias: "champion", version: 2, reason: "r")
        _ = try store.setAlias(model: "churn", alias: "backup", version: 2, reason: "r")
        let message = "churn/2 is what @backup, @champion points at; move the alias first"
        #expect(throws: StoreError(message)) { try store.archive(model: "churn", version: 2, reason: "old") }
        #expect(try Self.lastEvent(store).details == ["operation": "archive", "error": message, "version": "2"])
        #expect(try store.version(model: "churn", version: 2).status == .ready)

        _ = try store.setAlias(model: "churn", alias: "champion", version: 3, reason: "r")
        _ = try store.setAlias(model: "churn", alias: "backup", version: 1, reason: "r")
        try store.archive(model: "churn", version: 2, reason: "old")
        #expect(try store.version(model: "churn", version: 2).status == .archived)
        let archived = try Self.lastEvent(store)
        #expect(archived.event == "version_archived" && archived.details == ["version": "2", "reason": "old"])
        #expect(throws: StoreError("churn/2 is already archived")) { try store.archive(model: "churn", version: 2, reason: "again") }
        #expect(throws: StoreError("model `churn` has no version 4 (its versions are 1 to 3)")) {
            try store.archive(model: "churn", version: 4, reason: "r")
        }
    }

    @Test func latestSkipsArchivedVersions() throws {
        let temporary = try Self.threeVersions()
        let store = temporary.store
        #expect(try store.resolve(model: "churn", alias: "latest").version == 3)
        try store.archive(model: "churn", version: 3, reason: "r")
        #expect(try store.resolve(model: "churn", alias: "latest").version == 2)
        try store.archive(model: "churn", version: 1, reason: "r")
        #expect(try store.resolve(model: "churn", alias: "latest").version == 2)
        try store.archive(model: "churn", version: 2, reason: "r")
        #expect(throws: StoreError("model `churn` has no version that is not archived")) {
            try store.resolve(model: "churn", alias: "latest")
        }
        // The model's newest version is still 3, archived or not.
        #expect(try store.model("churn").latestVersion == 3)
    }

    @Test func resolvingAnUnknownAliasNamesTheKnownOnes() throws {
        let temporary = try Self.threeVersions()
        let store = temporary.store
        #expect(throws: StoreError("model `churn` has no alias `champion` (it has no aliases)")) {
            try store.resolve(model: "churn", alias: "champion")
        }
        _ = try store.setAlias(model: "churn", alias: "shadow", version: 1, reason: "r")
        _ = try store.setAlias(model: "churn", alias: "canary", version: 2, reason: "r")
        #expect(throws: StoreError("model `churn` has no alias `champion` (its aliases: canary, shadow)")) {
            try store.resolve(model: "churn", alias: "champion")
        }
    }

    // MARK: Reading the registry

    @Test func modelsAndVersionsListTheirAliasesAndArtifacts() throws {
        let temporary = try TemporaryStore(actor: "carol")
        let store = temporary.store
        try temporary.register("fraud", "f1")
        try temporary.register("churn", "c1")
        try temporary.register("churn", "c2 is longer")
        _ = try store.setAlias(model: "churn", alias: "champion", version: 2, reason: "r")
        _ = try store.setAlias(model: "churn", alias: "backup", version: 2, reason: "r")
        _ = try store.setAlias(model: "churn", alias: "old", version: 1, reason: "r")

        let models = try store.models()
        #expect(models.map(\.name) == ["churn", "fraud"])
        let churn = models[0]
        #expect(churn.aliases == ["champion": 2, "backup": 2, "old": 1])
        #expect(churn.latestVersion == 2 && churn.versionCount == 2)
        #expect(churn.createdBy == "carol" && churn.description == "" && churn.tags.isEmpty)
        #expect(churn.updated >= churn.created)
        #expect(try store.model("churn") == churn)
        #expect(models[1].aliases.isEmpty && models[1].latestVersion == 1 && models[1].versionCount == 1)

        let versions = try store.versions(of: "churn")
        #expect(versions.map(\.version) == [2, 1])
        #expect(versions[0].aliases == ["backup", "champion"])
        #expect(versions[1].aliases == ["old"])
        #expect(versions[0].artifact.size == 12 && versions[1].artifact.size == 2)
        #expect(try store.verifiedArtifactPath(versions[0].artifact).hasSuffix("/\(versions[0].artifact.sha256)"))
        #expect(try store.version(model: "churn", version: 2) == versions[0])
        #expect(try store.resolve(model: "churn", alias: "backup") == versions[0])
    }

    @Test func aliasHistoryRecordsWhoAndWhy() throws {
        let temporary = try Self.threeVersions(actor: "dave")
        let other = try SQLiteStore(directory: temporary.directory, actor: "erin", apusVersion: "0.0.test")
        _ = try temporary.store.setAlias(model: "churn", alias: "champion", version: 1, reason: "launch")
        _ = try other.setAlias(model: "churn", alias: "champion", version: 2, reason: "A/B test won")
        _ = try temporary.store.setAlias(model: "churn", alias: "shadow", version: 3, reason: "try it")
        _ = try other.rollback(model: "churn", alias: "champion", reason: "alerts")
        let history = try temporary.store.aliasHistory(model: "churn", alias: nil)
        #expect(history.map(\.alias) == ["champion", "champion", "shadow", "champion"])
        #expect(history.map(\.actor) == ["dave", "erin", "dave", "erin"])
        #expect(history.map(\.reason) == ["launch", "A/B test won", "try it", "alerts"])
        #expect(history.allSatisfy { StoreClock.parse($0.time) != nil })
        #expect(zip(history, history.dropFirst()).allSatisfy { $0.sequence < $1.sequence && $0.time <= $1.time })
        #expect(try temporary.store.aliasHistory(model: "churn", alias: "shadow").map(\.reason) == ["try it"])
        #expect(try temporary.store.aliasHistory(model: "churn", alias: "nothing") == [])
    }

    @Test func anUnknownModelErrorListsTheRegisteredNames() throws {
        let empty = try TemporaryStore()
        #expect(throws: StoreError("there is no registered model `churn` (the store has none yet)")) { try empty.store.model("churn") }

        let temporary = try TemporaryStore()
        try temporary.register("zeta", "z")
        try temporary.register("alpha", "a")
        let message = "there is no registered model `churn` (registered: alpha, zeta)"
        #expect(throws: StoreError(message)) { try temporary.store.model("churn") }
        #expect(throws: StoreError(message)) { try temporary.store.versions(of: "churn") }
        #expect(throws: StoreError(message)) { try temporary.store.version(model: "churn", version: 1) }
        #expect(throws: StoreError(message)) { try temporary.store.resolve(model: "churn", alias: "latest") }
        #expect(throws: StoreError(message)) { try temporary.store.archive(model: "churn", version: 1, reason: "r") }
        #expect(throws: StoreError("the model name `../x` must start with a letter or a digit (character 1 is `.`)")) {
            try temporary.store.model("../x")
        }
    }

    @Test func anUnknownModelErrorListsAtMostTenNames() throws {
        let temporary = try TemporaryStore()
        let artifact = try temporary.artifact("shared")
        for index in 0..<12 {
            _ = try temporary.store.registerVersion(VersionRegistration(
                model: "m\(index < 10 ? "0" : "")\(index)", runID: nil, artifact: artifact, metrics: [:], schema: "[]",
                lineage: [:], reason: "r"))
        }
        #expect(throws: StoreError("there is no registered model `x` (registered: m00, m01, m02, m03, m04, m05, m06, m07, m08, m09, ...)")) {
            try temporary.store.model("x")
        }
    }
}
