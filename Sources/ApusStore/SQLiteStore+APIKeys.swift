import Foundation
import GRDB

extension SQLiteStore {
    /// The text every key starts with, so a leaked key is recognisable by secret scanners.
    static let apiKeyPrefix = "apus_"

    public func createAPIKey(name: String, role: APIKeyRole) throws -> (key: APIKey, secret: String) {
        try StoreNames.validate(name, as: "key name")
        var generator = SystemRandomNumberGenerator()
        let random = (0..<32).map { _ in UInt8.random(in: 0...255, using: &generator) }
        let secret = Self.apiKeyPrefix + Hashing.hex(random)
        let key = APIKey(name: name, prefix: String(secret.prefix(Self.apiKeyPrefix.count + 8)), role: role,
                         status: "active", created: StoreClock.now(), createdBy: actor, revoked: nil)
        try write { db in
            if try Bool.fetchOne(db, sql: dialect.render("SELECT 1 FROM api_keys WHERE name = ?"), arguments: [name]) ?? false {
                throw StoreError("there is already a key named `\(name)` (revoked keys keep their names)")
            }
            try db.execute(
                sql: dialect.render("""
                    INSERT INTO api_keys (name, prefix, hash, role, status, created, created_by)
                    VALUES (?, ?, ?, ?, 'active', ?, ?)
                    """),
                arguments: [name, key.prefix, Hashing.sha256Hex(secret), role.rawValue, key.created, actor])
            try self.appendAudit(db, .apiKeyCreated, details: ["key": name, "role": role.rawValue, "prefix": key.prefix])
        }
        return (key, secret)
    }

    public func apiKeys() throws -> [APIKey] {
        try read { db in
            try Row.fetchAll(db, sql: "SELECT * FROM api_keys ORDER BY id").map(Self.apiKey)
        }
    }

    public func revokeAPIKey(name: String, reason: String) throws {
        try StoreNames.validate(name, as: "key name")
        try write { db in
            guard let status = try String.fetchOne(
                db, sql: dialect.render("SELECT status FROM api_keys WHERE name = ?"), arguments: [name]) else {
                throw StoreError("there is no key named `\(name)`")
            }
            guard status == "active" else { throw StoreError("the key `\(name)` is already revoked") }
            try db.execute(sql: dialect.render("UPDATE api_keys SET status = 'revoked', revoked = ? WHERE name = ?"),
                           arguments: [StoreClock.now(), name])
            try self.appendAudit(db, .apiKeyRevoked, details: ["key": name, "reason": reason])
        }
    }

    public func authenticate(secret: String) throws -> APIKey? {
        guard secret.hasPrefix(Self.apiKeyPrefix) else { return nil }
        let hash = Hashing.sha256Hex(secret)
        return try read { db in
            try Row.fetchOne(
                db, sql: dialect.render("SELECT * FROM api_keys WHERE hash = ? AND status = 'active'"), arguments: [hash]
            ).map(Self.apiKey)
        }
    }

    static func apiKey(_ row: Row) -> APIKey {
        APIKey(name: row["name"], prefix: row["prefix"], role: APIKeyRole(rawValue: row["role"]) ?? .predict,
               status: row["status"], created: row["created"], createdBy: row["created_by"], revoked: row["revoked"])
    }
}
