import Foundation
import GRDB
import Testing
@testable import ApusStore

@Suite struct MigrationTests {
    @Test func aNewStoreIsAtTheCurrentSchemaVersion() throws {
        let temporary = try TemporaryStore()
        #expect(try temporary.store.schemaVersion() == StoreSchema.currentVersion)
        #expect(StoreSchema.migrations.map(\.version) == Array(1...StoreSchema.currentVersion))
        let rows = try temporary.rawDatabase().read { db in
            try Row.fetchAll(db, sql: "SELECT version, summary, apus_version FROM schema_migrations ORDER BY version")
        }
        #expect(rows.map { $0["version"] as Int } == StoreSchema.migrations.map(\.version))
        #expect(rows.map { $0["summary"] as String } == StoreSchema.migrations.map(\.summary))
        #expect(rows.allSatisfy { $0["apus_version"] as String == "0.0.test" })
        let createdBy = try temporary.rawDatabase().read { db in
            try String.fetchOne(db, sql: "SELECT value FROM store_info WHERE key = 'created_by_apus'")
        }
        #expect(createdBy == "0.0.test")
        let journal = try temporary.rawDatabase().read { db in try String.fetchOne(db, sql: "PRAGMA journal_mode") }
        #expect(journal == "wal")
    }

    @Test func reopeningAStoreKeepsItsDataAndAddsNothing() throws {
        let temporary = try TemporaryStore()
        let run = try temporary.startRun(parameters: ["a": "1"])
        try temporary.store.logMetrics([MetricPoint(key: "auc", value: 0.75)], run: run)
        try temporary.register("churn", "m")
        _ = try temporary.store.setAlias(model: "churn", alias: "champion", version: 1, reason: "r")
        let eventsBefore = try temporary.store.auditEvents(model: nil, limit: nil)

        let reopened = try SQLiteStore(directory: temporary.directory, actor: "someone-else", apusVersion: "0.0.later")
        #expect(try reopened.schemaVersion() == StoreSchema.currentVersion)
        #expect(try reopened.run(run).parameters == ["a": "1"])
        #expect(try reopened.run(run).metrics == ["auc": 0.75])
        #expect(try reopened.resolve(model: "churn", alias: "champion").version == 1)
        #expect(try reopened.auditEvents(model: nil, limit: nil) == eventsBefore)
        #expect(try reopened.verifyAudit(publicKey: nil).isIntact)
        let migrations = try temporary.rawDatabase().read { db in try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM schema_migrations") }
        #expect(migrations == StoreSchema.currentVersion)
        // Changes through the reopened store carry on the same chain, as its actor.
        _ = try reopened.setAlias(model: "churn", alias: "backup", version: 1, reason: "r")
        let last = try #require(try reopened.auditEvents(model: nil, limit: 1).first)
        #expect(last.sequence == eventsBefore.count + 1 && last.actor == "someone-else")
        #expect(try temporary.store.verifyAudit(publicKey: nil).isIntact)
    }

    @Test func aStoreFromANewerApusIsRefusedAndLeftAsItWas() throws {
        let temporary = try TemporaryStore()
        try temporary.register("churn", "m")
        let database = try temporary.rawDatabase()
        let newer = StoreSchema.currentVersion + 1
        try database.write { db in
            try db.execute(sql: "INSERT INTO schema_migrations (version, summary, applied, apus_version) VALUES (?, 'future', '2030-01-01T00:00:00.000Z', '9.9.9')",
                           arguments: [newer])
        }
        func snapshot() throws -> [String] {
            try database.read { db in
                let tables = try String.fetchAll(db, sql: "SELECT name FROM sqlite_master WHERE type IN ('table', 'index', 'trigger') ORDER BY name")
                var out = tables
                for table in ["schema_migrations", "audit_events", "registered_models", "model_versions", "store_info"] {
                    out += try Row.fetchAll(db, sql: "SELECT * FROM \(table)").map { $0.description }
                }
                return out
            }
        }
        let before = try snapshot()
        #expect(throws: StoreError("""
            the store at \(temporary.directory) was written by a newer Apus (9.9.9, store schema \(newer)); \
            this Apus (0.0.test) knows store schemas up to \(StoreSchema.currentVersion). \
            Upgrade Apus to use it; the store was not changed.
            """)) {
            try SQLiteStore(directory: temporary.directory, actor: "tester", apusVersion: "0.0.test")
        }
        #expect(try snapshot() == before)
    }

    @Test func anOlderStoreIsMigratedFromScratchOnlyOnce() throws {
        // A folder with an empty database file (as a crash before the first migration leaves).
        let directory = NSTemporaryDirectory() + "apus-store-test-\(UUID().uuidString)"
        defer { try? FileManager.default.removeItem(atPath: directory) }
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        #expect(FileManager.default.createFile(atPath: directory + "/store.sqlite", contents: Data()))
        let store = try SQLiteStore(directory: directory, actor: "tester", apusVersion: "0.0.test")
        #expect(try store.schemaVersion() == StoreSchema.currentVersion)
        #expect(try store.auditEvents(model: nil, limit: nil).map(\.event) == ["store_created"])
        let again = try SQLiteStore(directory: directory, actor: "tester", apusVersion: "0.0.test")
        #expect(try again.auditEvents(model: nil, limit: nil).count == 1)
    }

    @Test func theSchemaRendersForBothDialects() {
        let sqlite = StoreSchema.migrations[0].sql(for: .sqlite)
        let postgres = StoreSchema.migrations[0].sql(for: .postgres)
        #expect(sqlite.allSatisfy { !$0.contains("{serial}") } && postgres.allSatisfy { !$0.contains("{serial}") })
        #expect(sqlite.contains { $0.contains("seq INTEGER PRIMARY KEY") })
        #expect(postgres.contains { $0.contains("seq BIGSERIAL PRIMARY KEY") })
        #expect(sqlite.filter { $0.hasPrefix("CREATE TRIGGER") }.count == 2)
        #expect(postgres.filter { $0.hasPrefix("CREATE TRIGGER") }.count == 1)
        for migration in StoreSchema.migrations {
            for dialect in SQLDialect.allCases {
                #expect(migration.sql(for: dialect).allSatisfy { !$0.contains("{") && !$0.contains("}") },
                        "migration \(migration.version) leaves a placeholder in \(dialect.rawValue)")
            }
            #expect(!migration.sql(for: .postgres).contains { $0.contains("WITHOUT ROWID") })
        }
        #expect(SQLDialect.postgres.render("SELECT ? WHERE a = '?' AND b = ?") == "SELECT $1 WHERE a = '?' AND b = $2")
        #expect(SQLDialect.sqlite.render("SELECT ? WHERE a = '?'") == "SELECT ? WHERE a = '?'")
    }

    // MARK: Where the store is

    @Test func theLocationComesFromTheEnvironment() throws {
        #expect(StoreLocation.resolve([:]) == ".apus")
        #expect(StoreLocation.resolve(["APUS_STORE": ""]) == ".apus")
        #expect(StoreLocation.resolve(["APUS_STORE": "/srv/apus"]) == "/srv/apus")
        for url in ["postgres://db/apus", "postgresql://db/apus"] {
            #expect(throws: StoreError("APUS_STORE names a PostgreSQL store; this Apus has only the embedded SQLite store (set APUS_STORE to a folder, or unset it for .apus)")) {
                try StoreLocation.open(apusVersion: "0.0.test", environment: ["APUS_STORE": url])
            }
        }
        let directory = NSTemporaryDirectory() + "apus-store-test-\(UUID().uuidString)"
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let signer = AuditSigner()
        let store = try StoreLocation.open(
            apusVersion: "0.0.test",
            environment: ["APUS_STORE": directory, "APUS_USER": "frank", "APUS_SIGNING_KEY": signer.privateKeyText])
        #expect(store.location == directory && store.actor == "frank")
        let check = try store.verifyAudit(publicKey: signer.publicKey)
        #expect(check.isIntact && check.signedRows == 1)
        #expect(throws: StoreError("APUS_SIGNING_KEY: not an Ed25519 private key (32 bytes in base64 or hexadecimal; `apus audit keygen` makes one)")) {
            try StoreLocation.open(apusVersion: "0.0.test", environment: ["APUS_STORE": directory, "APUS_SIGNING_KEY": "xyz"])
        }
    }

    @Test func theActorIsAPUSUserElseTheSystemUser() {
        #expect(ProcessIdentity.currentUser(environment: ["APUS_USER": "grace"]) == "grace")
        #expect(!ProcessIdentity.currentUser(environment: [:]).isEmpty)
        #expect(ProcessIdentity.currentUser(environment: ["APUS_USER": ""]) == ProcessIdentity.currentUser(environment: [:]))
    }
}
