import Foundation
import GRDB
import Testing
@testable import ApusStore

@Suite struct AuditTrailTests {
    /// A store with a few events: created (1), model created (2), versions (3, 4), alias
    /// moves (5, 6), a loaded model (7).
    static func storeWithEvents(signer: AuditSigner? = nil) throws -> TemporaryStore {
        let temporary = try TemporaryStore(signer: signer)
        try temporary.register("churn", "one")
        try temporary.register("churn", "two")
        _ = try temporary.store.setAlias(model: "churn", alias: "champion", version: 1, reason: "launch")
        _ = try temporary.store.setAlias(model: "churn", alias: "champion", version: 2, reason: "better")
        try temporary.store.recordEvent(.modelLoaded, model: "churn", runID: nil, details: ["server": "api-1"])
        return temporary
    }

    /// Drops the append-only triggers, as someone holding the file can.
    static func dropTriggers(_ database: DatabaseQueue) throws {
        try database.write { db in
            try db.execute(sql: "DROP TRIGGER audit_events_no_update")
            try db.execute(sql: "DROP TRIGGER audit_events_no_delete")
        }
    }

    // MARK: An intact trail

    @Test func anUntouchedTrailVerifies() throws {
        let temporary = try Self.storeWithEvents()
        let events = try temporary.store.auditEvents(model: nil, limit: nil)
        #expect(events.map(\.sequence) == Array(1...7))
        #expect(events.map(\.event) == ["store_created", "model_created", "version_registered", "version_registered",
                                        "alias_moved", "alias_moved", "model_loaded"])
        #expect(events[0].previousHash == String(repeating: "0", count: 64))
        for (previous, event) in zip(events, events.dropFirst()) { #expect(event.previousHash == previous.hash) }
        #expect(events.allSatisfy { $0.signature == nil && $0.publicKey == nil && $0.actor == "tester" })
        #expect(events[0].details == ["schema": String(StoreSchema.currentVersion)])
        #expect(events[6].details == ["server": "api-1"] && events[6].model == "churn")

        let check = try temporary.store.verifyAudit(publicKey: nil)
        #expect(check == AuditVerification(rows: 7, signedRows: 0, headHash: events[6].hash, firstBrokenRow: nil, problem: nil))
        #expect(check.isIntact)
    }

    @Test func eachRowHashesItsPredecessorAndItsCanonicalContent() throws {
        let temporary = try Self.storeWithEvents()
        for event in try temporary.store.auditEvents(model: nil, limit: nil) {
            // SHA-256 over the previous hash, a newline and the canonical text, by sha256sum.
            let path = try temporary.file(event.previousHash + "\n" + event.canonicalText)
            #expect(try TestProcess.sha256sum(path) == event.hash)
        }
    }

    @Test func eventsAreListedOldestFirstByModelAndLimit() throws {
        let temporary = try Self.storeWithEvents()
        try temporary.register("fraud", "f")
        let all = try temporary.store.auditEvents(model: nil, limit: nil)
        #expect(all.count == 9)
        #expect(try temporary.store.auditEvents(model: nil, limit: 2).map(\.sequence) == [8, 9])
        #expect(try temporary.store.auditEvents(model: "fraud", limit: nil).map(\.event) == ["model_created", "version_registered"])
        #expect(try temporary.store.auditEvents(model: "churn", limit: 3).map(\.sequence) == [5, 6, 7])
        #expect(try temporary.store.auditEvents(model: "nothing", limit: nil) == [])
    }

    // MARK: Tampering

    @Test func theDatabaseRefusesToChangeOrRemoveAuditRows() throws {
        let temporary = try Self.storeWithEvents()
        let database = try temporary.rawDatabase()
        for sql in ["UPDATE audit_events SET actor = 'mallory' WHERE seq = 3", "DELETE FROM audit_events WHERE seq = 3",
                    "DELETE FROM audit_events"] {
            do {
                try database.write { db in try db.execute(sql: sql) }
                Issue.record("`\(sql)` was allowed")
            } catch let error as DatabaseError {
                #expect(error.message == "the audit trail is append-only")
            }
        }
        #expect(try temporary.store.verifyAudit(publicKey: nil).isIntact)
        #expect(try temporary.store.auditEvents(model: nil, limit: nil).count == 7)
    }

    @Test(arguments: [
        "UPDATE audit_events SET actor = 'mallory' WHERE seq = 5",
        "UPDATE audit_events SET details_json = '{\"alias\":\"champion\",\"reason\":\"launch\",\"version\":\"2\"}' WHERE seq = 5",
        "UPDATE audit_events SET event = 'rollback' WHERE seq = 5",
        "UPDATE audit_events SET time = '2020-01-01T00:00:00.000Z' WHERE seq = 5",
        "UPDATE audit_events SET model = NULL WHERE seq = 5",
        "UPDATE audit_events SET run_id = 'abc' WHERE seq = 5",
    ])
    func anAlteredRowIsNamed(sql: String) throws {
        let temporary = try Self.storeWithEvents()
        let database = try temporary.rawDatabase()
        try Self.dropTriggers(database)
        let before = try temporary.store.auditEvents(model: nil, limit: nil)
        try database.write { db in try db.execute(sql: sql) }
        let check = try temporary.store.verifyAudit(publicKey: nil)
        #expect(check.firstBrokenRow == 5)
        #expect(check.rows == 4 && check.headHash == before[3].hash)
        let problem = try #require(check.problem)
        #expect(problem.hasPrefix("its content does not match its hash (it was altered): recorded \(before[4].hash), content hashes to "))
        #expect(!check.isIntact)
    }

    @Test func detailsRewrittenOutOfCanonicalFormAreNamed() throws {
        let temporary = try Self.storeWithEvents()
        let database = try temporary.rawDatabase()
        try Self.dropTriggers(database)
        // The same details, with a space: the JSON means the same, the bytes differ.
        try database.write { db in
            try db.execute(sql: "UPDATE audit_events SET details_json = '{\"server\": \"api-1\"}' WHERE seq = 7")
        }
        #expect(try temporary.store.verifyAudit(publicKey: nil).problem == "its details are not in canonical form (edited by hand?)")
        try database.write { db in try db.execute(sql: "UPDATE audit_events SET details_json = '[1]' WHERE seq = 7") }
        let check = try temporary.store.verifyAudit(publicKey: nil)
        #expect(check.firstBrokenRow == 7 && check.problem == "its details are not a JSON object of strings")
        #expect(throws: StoreError("audit row 7: its details are not a JSON object of strings")) {
            try temporary.store.auditEvents(model: nil, limit: nil)
        }
    }

    @Test func aDeletedRowIsNamedMissing() throws {
        let temporary = try Self.storeWithEvents()
        let database = try temporary.rawDatabase()
        try Self.dropTriggers(database)
        try database.write { db in try db.execute(sql: "DELETE FROM audit_events WHERE seq = 4") }
        let check = try temporary.store.verifyAudit(publicKey: nil)
        #expect(check.firstBrokenRow == 4)
        #expect(check.problem == "row 4 is missing (the next row is 5)")
        #expect(check.rows == 3)
    }

    @Test func aDeletedFirstRowIsNamedMissing() throws {
        let temporary = try Self.storeWithEvents()
        let database = try temporary.rawDatabase()
        try Self.dropTriggers(database)
        try database.write { db in try db.execute(sql: "DELETE FROM audit_events WHERE seq = 1") }
        let check = try temporary.store.verifyAudit(publicKey: nil)
        #expect(check.firstBrokenRow == 1 && check.problem == "row 1 is missing (the next row is 2)")
    }

    @Test func rowsDeletedAtTheEndChangeOnlyTheHeadHash() throws {
        let temporary = try Self.storeWithEvents()
        let headBefore = try temporary.store.verifyAudit(publicKey: nil).headHash
        let database = try temporary.rawDatabase()
        try Self.dropTriggers(database)
        try database.write { db in try db.execute(sql: "DELETE FROM audit_events WHERE seq = 7") }
        let check = try temporary.store.verifyAudit(publicKey: nil)
        // The chain itself cannot tell; the head hash written down elsewhere does.
        #expect(check.isIntact && check.rows == 6)
        #expect(check.headHash != headBefore)
    }

    @Test func swappedRowsAreBroken() throws {
        let temporary = try Self.storeWithEvents()
        let database = try temporary.rawDatabase()
        try Self.dropTriggers(database)
        // Swap the content of rows 5 and 6 (two alias moves), keeping each position's hashes.
        try database.write { db in
            try db.execute(sql: "CREATE TEMP TABLE saved AS SELECT * FROM audit_events WHERE seq IN (5, 6)")
            for (target, source) in [(5, 6), (6, 5)] {
                try db.execute(sql: """
                    UPDATE audit_events SET (time, actor, event, model, run_id, details_json) =
                    (SELECT time, actor, event, model, run_id, details_json FROM saved WHERE seq = ?) WHERE seq = ?
                    """, arguments: [source, target])
            }
        }
        let events = try temporary.store.auditEvents(model: nil, limit: nil)
        #expect(events[4].details["version"] == "2" && events[5].details["version"] == "1")
        let check = try temporary.store.verifyAudit(publicKey: nil)
        #expect(check.firstBrokenRow == 5)
        #expect(check.problem?.hasPrefix("its content does not match its hash (it was altered)") == true)
    }

    @Test func swappedWholeRowsAreBroken() throws {
        let temporary = try Self.storeWithEvents()
        let database = try temporary.rawDatabase()
        try Self.dropTriggers(database)
        // Swap everything but the sequence numbers, hashes included.
        try database.write { db in
            try db.execute(sql: "CREATE TEMP TABLE saved AS SELECT * FROM audit_events WHERE seq IN (5, 6)")
            for (target, source) in [(5, 6), (6, 5)] {
                try db.execute(sql: """
                    UPDATE audit_events SET (time, actor, event, model, run_id, details_json, prev_hash, hash) =
                    (SELECT time, actor, event, model, run_id, details_json, prev_hash, hash FROM saved WHERE seq = ?) WHERE seq = ?
                    """, arguments: [source, target])
            }
        }
        let before = try temporary.store.auditEvents(model: nil, limit: nil)
        let check = try temporary.store.verifyAudit(publicKey: nil)
        #expect(check.firstBrokenRow == 5)
        #expect(check.problem == "it does not link to row 4: its previous hash is \(before[4].previousHash), row 4 hashes to \(before[3].hash)")
    }

    @Test func anEditedPreviousHashIsNamed() throws {
        let temporary = try Self.storeWithEvents()
        let database = try temporary.rawDatabase()
        try Self.dropTriggers(database)
        let forged = String(repeating: "f", count: 64)
        try database.write { db in try db.execute(sql: "UPDATE audit_events SET prev_hash = ? WHERE seq = 3", arguments: [forged]) }
        let events = try temporary.store.auditEvents(model: nil, limit: nil)
        let check = try temporary.store.verifyAudit(publicKey: nil)
        #expect(check.firstBrokenRow == 3)
        #expect(check.problem == "it does not link to row 2: its previous hash is \(forged), row 2 hashes to \(events[1].hash)")
        #expect(check.rows == 2 && check.headHash == events[1].hash)
    }

    @Test func aRowRehashedAfterAnEditBreaksTheNextLink() throws {
        let temporary = try Self.storeWithEvents()
        let database = try temporary.rawDatabase()
        try Self.dropTriggers(database)
        var events = try temporary.store.auditEvents(model: nil, limit: nil)
        // Change row 5's actor and give it the hash its new content has.
        events[4].actor = "mallory"
        let rehashed = Hashing.auditHash(previous: events[4].previousHash, canonicalText: events[4].canonicalText)
        try database.write { db in
            try db.execute(sql: "UPDATE audit_events SET actor = 'mallory', hash = ? WHERE seq = 5", arguments: [rehashed])
        }
        let check = try temporary.store.verifyAudit(publicKey: nil)
        #expect(check.firstBrokenRow == 6)
        #expect(check.problem == "it does not link to row 5: its previous hash is \(events[5].previousHash), row 5 hashes to \(rehashed)")
    }

    // MARK: Signing

    @Test func signedRowsVerifyWithTheSignersKey() throws {
        let signer = AuditSigner()
        let temporary = try Self.storeWithEvents(signer: signer)
        let events = try temporary.store.auditEvents(model: nil, limit: nil)
        #expect(events.allSatisfy { $0.publicKey == signer.publicKey })
        for event in events {
            let signature = try #require(event.signature)
            #expect(Data(base64Encoded: signature)?.count == 64)
            #expect(AuditSigner.verify(signature: signature, hash: event.hash, publicKey: signer.publicKey))
            #expect(!AuditSigner.verify(signature: signature, hash: String(event.hash.reversed()), publicKey: signer.publicKey))
        }
        let check = try temporary.store.verifyAudit(publicKey: signer.publicKey)
        #expect(check.isIntact && check.rows == 7 && check.signedRows == 7)
        // Without a key given, each row is checked against the key it names.
        #expect(try temporary.store.verifyAudit(publicKey: nil).signedRows == 7)
    }

    @Test func anotherPublicKeyFailsNamingTheRow() throws {
        let signer = AuditSigner()
        let temporary = try Self.storeWithEvents(signer: signer)
        let other = AuditSigner().publicKey
        let check = try temporary.store.verifyAudit(publicKey: other)
        #expect(check.firstBrokenRow == 1)
        #expect(check.problem == "it is signed by another key (\(signer.publicKey)), not \(other)")
        #expect(check.signedRows == 0 && check.rows == 0)
    }

    @Test func aForgedSignatureFails() throws {
        let signer = AuditSigner()
        let temporary = try Self.storeWithEvents(signer: signer)
        let database = try temporary.rawDatabase()
        try Self.dropTriggers(database)
        let events = try temporary.store.auditEvents(model: nil, limit: nil)
        // A well-formed signature of row 4's hash, by someone else's key.
        let forged = try AuditSigner().sign(events[3].hash)
        try database.write { db in
            try db.execute(sql: "UPDATE audit_events SET signature = ? WHERE seq = 4", arguments: [forged])
        }
        for key in [signer.publicKey, nil] {
            let check = try temporary.store.verifyAudit(publicKey: key)
            #expect(check.firstBrokenRow == 4 && check.problem == "its Ed25519 signature does not verify")
            #expect(check.signedRows == 3)
        }
        // Garbage that is not even base64 fails the same way.
        try database.write { db in try db.execute(sql: "UPDATE audit_events SET signature = '%%%' WHERE seq = 4") }
        #expect(try temporary.store.verifyAudit(publicKey: signer.publicKey).problem == "its Ed25519 signature does not verify")
    }

    @Test func aRowResignedWithAnotherKeyFailsOnlyAgainstTheTrueKey() throws {
        let signer = AuditSigner()
        let temporary = try Self.storeWithEvents(signer: signer)
        let database = try temporary.rawDatabase()
        try Self.dropTriggers(database)
        let events = try temporary.store.auditEvents(model: nil, limit: nil)
        let mallory = AuditSigner()
        try database.write { db in
            try db.execute(sql: "UPDATE audit_events SET signature = ?, public_key = ? WHERE seq = 6",
                           arguments: [try mallory.sign(events[5].hash), mallory.publicKey])
        }
        // A row names its own key, so only the key kept elsewhere catches this.
        #expect(try temporary.store.verifyAudit(publicKey: nil).isIntact)
        let check = try temporary.store.verifyAudit(publicKey: signer.publicKey)
        #expect(check.firstBrokenRow == 6)
        #expect(check.problem == "it is signed by another key (\(mallory.publicKey)), not \(signer.publicKey)")
    }

    @Test func anUnsignedRowAfterSignedOnesFailsAgainstTheKey() throws {
        let signer = AuditSigner()
        let temporary = try Self.storeWithEvents(signer: signer)
        // The same store opened without the key.
        let unsigned = try SQLiteStore(directory: temporary.directory, actor: "tester", apusVersion: "0.0.test")
        try unsigned.recordEvent(.modelLoaded, model: "churn", runID: nil, details: [:])
        let check = try temporary.store.verifyAudit(publicKey: signer.publicKey)
        #expect(check.firstBrokenRow == 8 && check.problem == "it is not signed, though earlier rows are")
        #expect(check.signedRows == 7)
        #expect(try temporary.store.verifyAudit(publicKey: nil).isIntact)
    }

    @Test func unsignedRowsBeforeTheFirstSignedOneAreAccepted() throws {
        let temporary = try TemporaryStore()  // created without a key
        let signer = AuditSigner()
        let signed = try SQLiteStore(directory: temporary.directory, actor: "tester", signer: signer, apusVersion: "0.0.test")
        try signed.recordEvent(.modelLoaded, model: nil, runID: nil, details: [:])
        let check = try signed.verifyAudit(publicKey: signer.publicKey)
        #expect(check.isIntact && check.rows == 2 && check.signedRows == 1)
    }

    // MARK: Signing keys

    @Test func aKeyIsReadAsBase64HexOrAFile() throws {
        let signer = AuditSigner()
        let raw = try #require(Data(base64Encoded: signer.privateKeyText))
        #expect(raw.count == 32)
        #expect(try AuditSigner(keyText: signer.privateKeyText).publicKey == signer.publicKey)
        #expect(try AuditSigner(keyText: "  \(signer.privateKeyText)\n").publicKey == signer.publicKey)
        let hex = raw.map { String(format: "%02x", $0) }.joined()
        #expect(try AuditSigner(keyText: hex).publicKey == signer.publicKey)
        #expect(try AuditSigner(keyText: hex.uppercased()).publicKey == signer.publicKey)

        let temporary = try TemporaryStore()
        let base64File = try temporary.file(signer.privateKeyText + "\n")
        #expect(try AuditSigner(keyText: base64File).publicKey == signer.publicKey)
        let hexFile = try temporary.file(hex)
        #expect(try AuditSigner(keyText: hexFile).publicKey == signer.publicKey)
        // A relative path (from the working directory, which tests running beside this one
        // share, so it is not changed).
        let depth = FileManager.default.currentDirectoryPath.split(separator: "/").count
        let relative = "./" + String(repeating: "../", count: depth) + hexFile.dropFirst()
        #expect(try AuditSigner(keyText: relative).publicKey == signer.publicKey)
    }

    @Test func aBase64KeyStartingWithASlashIsAKeyNotAPath() throws {
        // The first byte 0xFF makes the base64 text start with `/`, as 1 key in 64 does.
        let raw = Data([0xFF] + (1..<32).map { UInt8($0) })
        let text = raw.base64EncodedString()
        #expect(text.hasPrefix("/"))
        let signer = try AuditSigner(keyText: text)
        #expect(signer.privateKeyText == text)
    }

    @Test(arguments: [
        "not a key",
        "",
        "c2hvcnQ=",  // base64 of 5 bytes
        String(repeating: "g", count: 64),  // 64 characters, not hexadecimal
        String(repeating: "ab", count: 31),  // 31 bytes of hexadecimal
        String(repeating: "\u{FF10}", count: 64),  // fullwidth digits
    ])
    func garbageIsNotAKey(text: String) {
        #expect(throws: StoreError("APUS_SIGNING_KEY: not an Ed25519 private key (32 bytes in base64 or hexadecimal; `apus audit keygen` makes one)")) {
            try AuditSigner(keyText: text)
        }
    }

    @Test func aMissingKeyFileOrAGarbageFileIsRefused() throws {
        #expect(throws: StoreError("APUS_SIGNING_KEY: cannot read the key file `/nonexistent/apus.key`")) {
            try AuditSigner(keyText: "/nonexistent/apus.key")
        }
        let temporary = try TemporaryStore()
        let garbage = try temporary.file("hello")
        #expect(throws: StoreError("signing key: not an Ed25519 private key (32 bytes in base64 or hexadecimal; `apus audit keygen` makes one)")) {
            try AuditSigner(keyText: garbage, source: "signing key")
        }
    }

    @Test func theSignerComesFromTheEnvironment() throws {
        #expect(try AuditSigner.fromEnvironment([:]) == nil)
        #expect(try AuditSigner.fromEnvironment(["APUS_SIGNING_KEY": ""]) == nil)
        let signer = AuditSigner()
        #expect(try AuditSigner.fromEnvironment(["APUS_SIGNING_KEY": signer.privateKeyText])?.publicKey == signer.publicKey)
        #expect(throws: StoreError("APUS_SIGNING_KEY: not an Ed25519 private key (32 bytes in base64 or hexadecimal; `apus audit keygen` makes one)")) {
            try AuditSigner.fromEnvironment(["APUS_SIGNING_KEY": "nope"])
        }
    }
}
