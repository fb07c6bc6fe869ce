import Foundation
import GRDB
import Testing
@testable import ApusStore

@Suite struct APIKeyTests {
    @Test func aKeyAuthenticatesUntilRevokedAndOnlyItsHashIsStored() throws {
        let temporary = try TemporaryStore()
        let store = temporary.store
        let (key, secret) = try store.createAPIKey(name: "ci", role: .predict)
        #expect(secret.hasPrefix("apus_") && secret.count == 5 + 64)
        #expect(key.prefix == String(secret.prefix(13)) && key.role == .predict && key.createdBy == "tester")
        #expect(try store.authenticate(secret: secret)?.name == "ci")
        #expect(try store.authenticate(secret: secret + "0") == nil)
        #expect(try store.authenticate(secret: "not-a-key") == nil)
        let (_, other) = try store.createAPIKey(name: "ops", role: .admin)
        #expect(other != secret)

        // The database holds the hash, never the secret.
        let database = try Data(contentsOf: URL(fileURLWithPath: store.databasePath))
        let wal = (try? Data(contentsOf: URL(fileURLWithPath: store.databasePath + "-wal"))) ?? Data()
        for bytes in [database, wal] {
            #expect(bytes.range(of: Data(secret.utf8)) == nil)
        }
        let stored = try temporary.rawDatabase().read { db in try String.fetchOne(db, sql: "SELECT hash FROM api_keys WHERE name = 'ci'") }
        #expect(stored == Hashing.sha256Hex(secret))

        try store.revokeAPIKey(name: "ci", reason: "rotated")
        #expect(try store.authenticate(secret: secret) == nil)
        #expect(try store.authenticate(secret: other)?.role == .admin)
        #expect(try store.apiKeys().map { "\($0.name):\($0.status)" } == ["ci:revoked", "ops:active"])
        let events = try store.auditEvents(model: nil, limit: 3).map(\.event)
        #expect(events == ["api_key_created", "api_key_created", "api_key_revoked"])
        #expect(try store.verifyAudit(publicKey: nil).isIntact)
    }

    @Test func badKeyOperationsAreRefused() throws {
        let temporary = try TemporaryStore()
        defer { withExtendedLifetime(temporary) {} }
        let store = temporary.store
        _ = try store.createAPIKey(name: "ci", role: .read)
        #expect(throws: StoreError("there is already a key named `ci` (revoked keys keep their names)")) {
            try store.createAPIKey(name: "ci", role: .admin)
        }
        #expect(throws: StoreError("the key name `a b` may hold only letters, digits, `.`, `_` and `-` (character 2 is ` `)")) {
            try store.createAPIKey(name: "a b", role: .admin)
        }
        #expect(throws: StoreError("there is no key named `nope`")) { try store.revokeAPIKey(name: "nope", reason: "x") }
        try store.revokeAPIKey(name: "ci", reason: "x")
        #expect(throws: StoreError("the key `ci` is already revoked")) { try store.revokeAPIKey(name: "ci", reason: "x") }
    }

    @Test func rolesAllowTheirOwnRoutesAndAdminAllowsAll() {
        #expect(APIKeyRole.admin.allows(.predict) && APIKeyRole.admin.allows(.read) && APIKeyRole.admin.allows(.admin))
        #expect(APIKeyRole.predict.allows(.predict) && !APIKeyRole.predict.allows(.read) && !APIKeyRole.predict.allows(.admin))
        #expect(APIKeyRole.read.allows(.read) && !APIKeyRole.read.allows(.predict) && !APIKeyRole.read.allows(.admin))
    }

    @Test func aStoreAtSchemaOneIsUpgradedInPlaceKeepingItsData() throws {
        let directory = NSTemporaryDirectory() + "apus-upgrade-\(UUID().uuidString)"
        defer { try? FileManager.default.removeItem(atPath: directory) }
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        // A store as the first schema left it: migration 1 only, with a run and an audit row.
        let path = directory + "/store.sqlite"
        let old = try DatabaseQueue(path: path)
        try old.write { db in
            try db.execute(sql: "CREATE TABLE schema_migrations (version BIGINT PRIMARY KEY, summary TEXT NOT NULL, applied TEXT NOT NULL, apus_version TEXT NOT NULL)")
            for statement in StoreSchema.migrations[0].sql(for: .sqlite) { try db.execute(sql: statement) }
            try db.execute(sql: "INSERT INTO schema_migrations VALUES (1, 'first', '2026-11-29T00:00:00.000Z', '0.3.0')")
            try db.execute(sql: """
                INSERT INTO runs (id, experiment, kind, status, start_time, end_time, user_name, host, pid, process_start, apus_version)
                VALUES ('0123456789abcdef0123456789abcdef', 'exp', 'train', 'finished', '2026-11-29T00:00:00.000Z',
                        '2026-11-29T00:00:01.000Z', 'tester', 'h', 1, '', '0.3.0')
                """)
        }
        try old.close()
        let first = try SQLiteStore(directory: directory, actor: "tester", apusVersion: "0.4.0")
        let run = "0123456789abcdef0123456789abcdef"
        #expect(try first.run(run).status == .finished, "the old store's run is still there")
        #expect(try first.schemaVersion() == StoreSchema.currentVersion)
        let applied = try first.read { db in try Int.fetchAll(db, sql: "SELECT version FROM schema_migrations ORDER BY version") }
        #expect(applied == Array(1...StoreSchema.currentVersion))
        let upgradedBy = try first.read { db in try String.fetchOne(db, sql: "SELECT apus_version FROM schema_migrations WHERE version = 2") }
        #expect(upgradedBy == "0.4.0")
        _ = try first.createAPIKey(name: "k", role: .read)
        let reopened = try SQLiteStore(directory: directory, actor: "tester", apusVersion: "0.4.0")
        #expect(try reopened.run(run).experiment == "exp")
        #expect(try reopened.apiKeys().map(\.name) == ["k"])
    }
}
