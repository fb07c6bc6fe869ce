import Foundation
import GRDB

extension SQLiteStore {
    /// The hash before the first row.
    static let genesisHash = String(repeating: "0", count: 64)

    /// Appends an audit row inside the caller's transaction, and queues its webhook
    /// deliveries in the same transaction (so neither is lost nor sent for a change that
    /// did not commit).
    @discardableResult
    func appendAudit(_ db: Database, _ kind: AuditEventKind, model: String? = nil, runID: String? = nil,
                     details: [String: String] = [:]) throws -> AuditEvent {
        let last = try Row.fetchOne(db, sql: "SELECT seq, hash FROM audit_events ORDER BY seq DESC LIMIT 1")
        let sequence = (last?["seq"] as Int?).map { $0 + 1 } ?? 1
        var event = AuditEvent(
            sequence: sequence, time: StoreClock.now(), actor: actor, event: kind.rawValue, model: model,
            runID: runID, details: details, previousHash: last?["hash"] ?? Self.genesisHash, hash: "",
            signature: nil, publicKey: nil)
        event.hash = Hashing.auditHash(previous: event.previousHash, canonicalText: event.canonicalText)
        if let signer {
            event.signature = try signer.sign(event.hash)
            event.publicKey = signer.publicKey
        }
        try db.execute(
            sql: dialect.render("""
                INSERT INTO audit_events (seq, time, actor, event, model, run_id, details_json, prev_hash, hash, signature, public_key)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                """),
            arguments: [event.sequence, event.time, event.actor, event.event, event.model, event.runID,
                        CanonicalJSON.strings(details).text, event.previousHash, event.hash, event.signature, event.publicKey])
        try queueDeliveries(db, for: event)
        return event
    }

    public func recordEvent(_ kind: AuditEventKind, model: String?, runID: String?, details: [String: String]) throws {
        try write { db in _ = try self.appendAudit(db, kind, model: model, runID: runID, details: details) }
    }

    public func auditEvents(model: String?, limit: Int?) throws -> [AuditEvent] {
        if let limit, limit < 0 { throw StoreError("a listing's limit is not negative (got \(limit))") }
        return try read { db in
            var sql = "SELECT * FROM audit_events"
            var arguments: [(any DatabaseValueConvertible)?] = []
            if let model {
                sql += " WHERE model = ?"
                arguments.append(model)
            }
            sql += " ORDER BY seq DESC"
            if let limit {
                sql += " LIMIT ?"
                arguments.append(limit)
            }
            let rows = try Row.fetchAll(db, sql: dialect.render(sql), arguments: StatementArguments(arguments))
            return try rows.reversed().map(Self.auditEvent)
        }
    }

    static func auditEvent(_ row: Row) throws -> AuditEvent {
        let detailsText: String = row["details_json"]
        guard let details = try? JSONDecoder().decode([String: String].self, from: Data(detailsText.utf8)) else {
            throw StoreError("audit row \(row["seq"] as Int? ?? 0): its details are not a JSON object of strings")
        }
        return AuditEvent(
            sequence: row["seq"], time: row["time"], actor: row["actor"], event: row["event"], model: row["model"],
            runID: row["run_id"], details: details, previousHash: row["prev_hash"], hash: row["hash"],
            signature: row["signature"], publicKey: row["public_key"])
    }

    /// Checks the whole trail in order: sequence numbers without gaps from 1, each row's
    /// link to the previous hash, each row's hash over its content, and signatures (with
    /// `publicKey`; a row signed by another key, or unsigned after signed rows, is broken).
    public func verifyAudit(publicKey: String?) throws -> AuditVerification {
        try read { db in
            var expectedSequence = 1
            var previous = Self.genesisHash
            var signed = 0
            var seenSigned = false
            let cursor = try Row.fetchCursor(db, sql: "SELECT * FROM audit_events ORDER BY seq")
            func broken(_ row: Int, _ problem: String) -> AuditVerification {
                AuditVerification(rows: expectedSequence - 1, signedRows: signed, headHash: previous,
                                  firstBrokenRow: row, problem: problem)
            }
            while let row = try cursor.next() {
                guard let sequence = row["seq"] as Int? else {
                    return broken(expectedSequence, "a row after row \(expectedSequence - 1) has no sequence number (edited by hand)")
                }
                guard let event = try? Self.auditEvent(row) else {
                    return broken(sequence, "its details are not a JSON object of strings")
                }
                if sequence != expectedSequence {
                    return broken(expectedSequence, sequence > expectedSequence
                        ? "row \(expectedSequence) is missing (the next row is \(sequence))"
                        : "row \(sequence) appears out of order")
                }
                if event.previousHash != previous {
                    return broken(sequence, "it does not link to row \(sequence - 1): its previous hash is \(event.previousHash), row \(sequence - 1) hashes to \(previous)")
                }
                let detailsText: String = row["details_json"]
                if detailsText != CanonicalJSON.strings(event.details).text {
                    return broken(sequence, "its details are not in canonical form (edited by hand?)")
                }
                let recomputed = Hashing.auditHash(previous: previous, canonicalText: event.canonicalText)
                if recomputed != event.hash {
                    return broken(sequence, "its content does not match its hash (it was altered): recorded \(event.hash), content hashes to \(recomputed)")
                }
                if let signature = event.signature {
                    seenSigned = true
                    let key = publicKey ?? event.publicKey ?? ""
                    if let publicKey, event.publicKey != publicKey {
                        return broken(sequence, "it is signed by another key (\(event.publicKey ?? "none")), not \(publicKey)")
                    }
                    if !AuditSigner.verify(signature: signature, hash: event.hash, publicKey: key) {
                        return broken(sequence, "its Ed25519 signature does not verify")
                    }
                    signed += 1
                } else if publicKey != nil && seenSigned {
                    return broken(sequence, "it is not signed, though earlier rows are")
                }
                previous = event.hash
                expectedSequence += 1
            }
            if publicKey != nil && signed == 0 && expectedSequence > 1 {
                // Re-hashing any row forces re-hashing every later one, which only the key
                // holder can sign again: a trail stripped of its signatures has none left.
                return AuditVerification(
                    rows: expectedSequence - 1, signedRows: 0, headHash: previous, firstBrokenRow: expectedSequence - 1,
                    problem: "no row is signed, though a key was given to check them: signing never began on this store, or the signatures were stripped")
            }
            return AuditVerification(rows: expectedSequence - 1, signedRows: signed, headHash: previous,
                                     firstBrokenRow: nil, problem: nil)
        }
    }
}
