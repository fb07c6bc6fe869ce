import Foundation
import GRDB

extension SQLiteStore {
    public func registerVersion(_ registration: VersionRegistration) throws -> ModelVersion {
        try StoreNames.validate(registration.model, as: "model name")
        for key in registration.lineage.keys { try StoreNames.validate(key, as: "lineage key") }
        // The bytes must be in the store and intact before a version may point at them.
        try artifactFiles.verify(sha256: registration.artifact.sha256, size: registration.artifact.size)
        return try write { db in
            let now = StoreClock.now()
            let exists = try Bool.fetchOne(
                db, sql: dialect.render("SELECT 1 FROM registered_models WHERE name = ?"), arguments: [registration.model]) ?? false
            if !exists {
                try db.execute(
                    sql: dialect.render("INSERT INTO registered_models (name, description, created, created_by, updated) VALUES (?, '', ?, ?, ?)"),
                    arguments: [registration.model, now, self.actor, now])
                try self.appendAudit(db, .modelCreated, model: registration.model, details: ["reason": registration.reason])
            }
            if let runID = registration.runID {
                guard try Bool.fetchOne(db, sql: dialect.render("SELECT 1 FROM runs WHERE id = ?"), arguments: [runID]) ?? false else {
                    throw StoreError("there is no run \(runID) to register a version from")
                }
            }
            let version = (try Int.fetchOne(
                db, sql: dialect.render("SELECT MAX(version) FROM model_versions WHERE model = ?"), arguments: [registration.model]) ?? 0) + 1
            try self.recordArtifact(db, registration.artifact)
            try db.execute(
                sql: dialect.render("""
                    INSERT INTO model_versions (model, version, run_id, artifact_sha256, status, created, created_by, description,
                                                metrics_json, schema_json, lineage_json)
                    VALUES (?, ?, ?, ?, 'ready', ?, ?, ?, ?, ?, ?)
                    """),
                arguments: [registration.model, version, registration.runID, registration.artifact.sha256, now, self.actor,
                            registration.description, Self.metricsJSON(registration.metrics), registration.schema,
                            CanonicalJSON.strings(registration.lineage).text])
            try db.execute(sql: dialect.render("UPDATE registered_models SET updated = ? WHERE name = ?"), arguments: [now, registration.model])
            var details = ["version": String(version), "artifact_sha256": registration.artifact.sha256, "reason": registration.reason]
            for (key, value) in registration.lineage { details["lineage.\(key)"] = value }
            try self.appendAudit(db, .versionRegistered, model: registration.model, runID: registration.runID, details: details)
            return try self.fetchVersion(db, model: registration.model, version: version)
        }
    }

    public func setAlias(model: String, alias: String, version: Int, reason: String) throws -> AliasMove {
        try StoreNames.validate(model, as: "model name")
        try StoreNames.validateAlias(alias)
        do {
            return try write { db in
                let target = try self.fetchVersion(db, model: model, version: version)
                guard target.status == .ready else {
                    throw StoreError("\(model)/\(version) is archived; an alias may point only at a ready version")
                }
                let previous = try Int.fetchOne(
                    db, sql: dialect.render("SELECT version FROM model_aliases WHERE model = ? AND alias = ?"), arguments: [model, alias])
                if previous == version { throw StoreError("\(model)@\(alias) already points at version \(version)") }
                return try self.moveAlias(db, model: model, alias: alias, to: version, from: previous, action: "set", reason: reason)
            }
        } catch let error as StoreError {
            throw refuse(error, operation: "alias", model: model, details: ["alias": alias, "version": String(version)])
        }
    }

    public func rollback(model: String, alias: String, reason: String) throws -> AliasMove {
        try StoreNames.validate(model, as: "model name")
        try StoreNames.validate(alias, as: "alias")
        do {
            return try write { db in
                _ = try self.fetchModelRow(db, model)
                guard let last = try Row.fetchOne(
                    db, sql: dialect.render("""
                        SELECT seq, version, previous_version FROM alias_history
                        WHERE model = ? AND alias = ? AND action = 'set' AND undone_by IS NULL ORDER BY seq DESC LIMIT 1
                        """),
                    arguments: [model, alias]) else {
                    throw StoreError("\(model)@\(alias) has no move left to roll back")
                }
                guard let previous = last["previous_version"] as Int? else {
                    throw StoreError("\(model)@\(alias) pointed at no version before version \(last["version"] as Int); there is nothing to roll back to")
                }
                let current = try Int.fetchOne(
                    db, sql: dialect.render("SELECT version FROM model_aliases WHERE model = ? AND alias = ?"), arguments: [model, alias])
                let target = try self.fetchVersion(db, model: model, version: previous)
                guard target.status == .ready else {
                    throw StoreError("cannot roll \(model)@\(alias) back to version \(previous): it is archived")
                }
                let move = try self.moveAlias(db, model: model, alias: alias, to: previous, from: current, action: "rollback", reason: reason)
                try db.execute(sql: dialect.render("UPDATE alias_history SET undone_by = ? WHERE seq = ?"),
                               arguments: [move.sequence, last["seq"] as Int])
                return move
            }
        } catch let error as StoreError {
            throw refuse(error, operation: "rollback", model: model, details: ["alias": alias])
        }
    }

    /// Moves an alias and records the move in its history and the audit trail.
    private func moveAlias(_ db: Database, model: String, alias: String, to version: Int, from previous: Int?,
                           action: String, reason: String) throws -> AliasMove {
        let now = StoreClock.now()
        try db.execute(
            sql: dialect.render("""
                INSERT INTO model_aliases (model, alias, version, updated, updated_by) VALUES (?, ?, ?, ?, ?)
                ON CONFLICT (model, alias) DO UPDATE SET version = excluded.version, updated = excluded.updated,
                updated_by = excluded.updated_by
                """),
            arguments: [model, alias, version, now, actor])
        let sequence = try Int.fetchOne(
            db, sql: dialect.render("""
                INSERT INTO alias_history (model, alias, version, previous_version, action, time, actor, reason)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?) RETURNING seq
                """),
            arguments: [model, alias, version, previous, action, now, actor, reason])!
        try db.execute(sql: dialect.render("UPDATE registered_models SET updated = ? WHERE name = ?"), arguments: [now, model])
        var details = ["alias": alias, "version": String(version), "reason": reason]
        if let previous { details["previous_version"] = String(previous) }
        try appendAudit(db, action == "rollback" ? .rollback : .aliasMoved, model: model, details: details)
        return AliasMove(sequence: sequence, model: model, alias: alias, version: version, previousVersion: previous,
                         action: action, time: now, actor: actor, reason: reason, undoneBy: nil)
    }

    public func archive(model: String, version: Int, reason: String) throws {
        try StoreNames.validate(model, as: "model name")
        do {
            try write { db in
                let target = try self.fetchVersion(db, model: model, version: version)
                guard target.status == .ready else { throw StoreError("\(model)/\(version) is already archived") }
                if !target.aliases.isEmpty {
                    throw StoreError("\(model)/\(version) is what \(target.aliases.map { "@\($0)" }.joined(separator: ", ")) points at; move the alias first")
                }
                try db.execute(sql: dialect.render("UPDATE model_versions SET status = 'archived' WHERE model = ? AND version = ?"),
                               arguments: [model, version])
                try db.execute(sql: dialect.render("UPDATE registered_models SET updated = ? WHERE name = ?"), arguments: [StoreClock.now(), model])
                try self.appendAudit(db, .versionArchived, model: model, details: ["version": String(version), "reason": reason])
            }
        } catch let error as StoreError {
            throw refuse(error, operation: "archive", model: model, details: ["version": String(version)])
        }
    }

    public func updateModel(_ name: String, description: String?, setTags: [String: String], removeTags: [String],
                            reason: String) throws -> RegisteredModel {
        try StoreNames.validate(name, as: "model name")
        for key in Array(setTags.keys) + removeTags { try StoreNames.validate(key, as: "tag key") }
        guard description != nil || !setTags.isEmpty || !removeTags.isEmpty else {
            throw StoreError("nothing to change: give a description, tags to set, or tags to remove")
        }
        return try write { db in
            _ = try self.fetchModelRow(db, name)
            var details = ["reason": reason]
            if let description {
                try db.execute(sql: dialect.render("UPDATE registered_models SET description = ? WHERE name = ?"),
                               arguments: [description, name])
                details["description"] = description
            }
            for (key, value) in setTags.sorted(by: { $0.key < $1.key }) {
                try db.execute(
                    sql: dialect.render("""
                        INSERT INTO model_tags (model, key, value) VALUES (?, ?, ?)
                        ON CONFLICT (model, key) DO UPDATE SET value = excluded.value
                        """),
                    arguments: [name, key, value])
                details["tag.\(key)"] = value
            }
            for key in removeTags {
                try db.execute(sql: dialect.render("DELETE FROM model_tags WHERE model = ? AND key = ?"), arguments: [name, key])
                details["removed_tag.\(key)"] = ""
            }
            try db.execute(sql: dialect.render("UPDATE registered_models SET updated = ? WHERE name = ?"),
                           arguments: [StoreClock.now(), name])
            try self.appendAudit(db, .modelUpdated, model: name, details: details)
            return try self.fetchModel(db, name)
        }
    }

    public func models() throws -> [RegisteredModel] {
        try read { db in
            try Row.fetchAll(db, sql: "SELECT name FROM registered_models ORDER BY name").map { try self.fetchModel(db, $0["name"]) }
        }
    }

    public func model(_ name: String) throws -> RegisteredModel {
        try StoreNames.validate(name, as: "model name")
        return try read { db in try self.fetchModel(db, name) }
    }

    public func versions(of model: String) throws -> [ModelVersion] {
        try StoreNames.validate(model, as: "model name")
        return try read { db in
            _ = try self.fetchModelRow(db, model)
            let aliases = try self.aliasesByVersion(db, model)
            return try Row.fetchAll(
                db, sql: dialect.render(Self.versionQuery + " WHERE v.model = ? ORDER BY v.version DESC"), arguments: [model]
            ).map { try Self.modelVersion($0, aliases: aliases[$0["version"]] ?? []) }
        }
    }

    public func version(model: String, version: Int) throws -> ModelVersion {
        try StoreNames.validate(model, as: "model name")
        return try read { db in try self.fetchVersion(db, model: model, version: version) }
    }

    public func resolve(model: String, alias: String) throws -> ModelVersion {
        try StoreNames.validate(model, as: "model name")
        try StoreNames.validate(alias, as: "alias")
        return try read { db in
            _ = try self.fetchModelRow(db, model)
            if alias == "latest" {
                guard let version = try Int.fetchOne(
                    db, sql: dialect.render("SELECT MAX(version) FROM model_versions WHERE model = ? AND status = 'ready'"),
                    arguments: [model]) else {
                    throw StoreError("model `\(model)` has no version that is not archived")
                }
                return try self.fetchVersion(db, model: model, version: version)
            }
            guard let version = try Int.fetchOne(
                db, sql: dialect.render("SELECT version FROM model_aliases WHERE model = ? AND alias = ?"), arguments: [model, alias]) else {
                let known = try String.fetchAll(db, sql: dialect.render("SELECT alias FROM model_aliases WHERE model = ? ORDER BY alias"), arguments: [model])
                throw StoreError("model `\(model)` has no alias `\(alias)`" + (known.isEmpty ? " (it has no aliases)" : " (its aliases: \(known.joined(separator: ", ")))"))
            }
            return try self.fetchVersion(db, model: model, version: version)
        }
    }

    public func aliasHistory(model: String, alias: String?) throws -> [AliasMove] {
        try StoreNames.validate(model, as: "model name")
        return try read { db in
            var sql = "SELECT * FROM alias_history WHERE model = ?"
            var arguments: [(any DatabaseValueConvertible)?] = [model]
            if let alias {
                sql += " AND alias = ?"
                arguments.append(alias)
            }
            return try Row.fetchAll(db, sql: dialect.render(sql + " ORDER BY seq"), arguments: StatementArguments(arguments)).map { row in
                AliasMove(sequence: row["seq"], model: row["model"], alias: row["alias"], version: row["version"],
                          previousVersion: row["previous_version"], action: row["action"], time: row["time"],
                          actor: row["actor"], reason: row["reason"], undoneBy: row["undone_by"])
            }
        }
    }

    // MARK: Reading rows

    private func fetchModelRow(_ db: Database, _ name: String) throws -> Row {
        guard let row = try Row.fetchOne(db, sql: dialect.render("SELECT * FROM registered_models WHERE name = ?"), arguments: [name]) else {
            let names = try String.fetchAll(db, sql: "SELECT name FROM registered_models ORDER BY name")
            throw StoreError("there is no registered model `\(name)`" + (names.isEmpty ? " (the store has none yet)" : " (registered: \(names.prefix(10).joined(separator: ", "))\(names.count > 10 ? ", ..." : ""))"))
        }
        return row
    }

    private func fetchModel(_ db: Database, _ name: String) throws -> RegisteredModel {
        let row = try fetchModelRow(db, name)
        var tags: [String: String] = [:]
        for tag in try Row.fetchAll(db, sql: dialect.render("SELECT key, value FROM model_tags WHERE model = ?"), arguments: [name]) {
            tags[tag["key"]] = tag["value"]
        }
        var aliases: [String: Int] = [:]
        for alias in try Row.fetchAll(db, sql: dialect.render("SELECT alias, version FROM model_aliases WHERE model = ?"), arguments: [name]) {
            aliases[alias["alias"]] = alias["version"]
        }
        let counts = try Row.fetchOne(
            db, sql: dialect.render("SELECT COUNT(*) AS n, MAX(version) AS latest FROM model_versions WHERE model = ?"), arguments: [name])!
        return RegisteredModel(
            name: name, description: row["description"], created: row["created"], createdBy: row["created_by"],
            updated: row["updated"], tags: tags, aliases: aliases, latestVersion: counts["latest"] ?? 0, versionCount: counts["n"])
    }

    private func aliasesByVersion(_ db: Database, _ model: String) throws -> [Int: [String]] {
        var out: [Int: [String]] = [:]
        for row in try Row.fetchAll(db, sql: dialect.render("SELECT alias, version FROM model_aliases WHERE model = ? ORDER BY alias"), arguments: [model]) {
            out[row["version"], default: []].append(row["alias"])
        }
        return out
    }

    func fetchVersion(_ db: Database, model: String, version: Int) throws -> ModelVersion {
        _ = try fetchModelRow(db, model)
        guard let row = try Row.fetchOne(
            db, sql: dialect.render(Self.versionQuery + " WHERE v.model = ? AND v.version = ?"), arguments: [model, version]) else {
            let latest = try Int.fetchOne(db, sql: dialect.render("SELECT MAX(version) FROM model_versions WHERE model = ?"), arguments: [model])
            throw StoreError("model `\(model)` has no version \(version)" + (latest.map { " (its versions are 1 to \($0))" } ?? " (it has no versions)"))
        }
        return try Self.modelVersion(row, aliases: try aliasesByVersion(db, model)[version] ?? [])
    }

    /// Versions with their artifact's size.
    static let versionQuery = "SELECT v.*, a.size AS artifact_size FROM model_versions v JOIN artifacts a ON a.sha256 = v.artifact_sha256"

    static func modelVersion(_ row: Row, aliases: [String]) throws -> ModelVersion {
        let sha256: String = row["artifact_sha256"]
        let lineageText: String = row["lineage_json"]
        let lineage = (try? JSONDecoder().decode([String: String].self, from: Data(lineageText.utf8))) ?? [:]
        return ModelVersion(
            model: row["model"], version: row["version"], runID: row["run_id"],
            artifact: ArtifactRef(sha256: sha256, size: row["artifact_size"]), status: VersionStatus(rawValue: row["status"]) ?? .archived,
            created: row["created"], createdBy: row["created_by"], description: row["description"],
            metrics: metrics(fromJSON: row["metrics_json"]), schema: row["schema_json"], lineage: lineage, aliases: aliases)
    }

    static func metricsJSON(_ metrics: [String: Double]) -> String {
        CanonicalJSON.object(metrics.mapValues { $0.isFinite ? .number($0) : .null }).text
    }

    static func metrics(fromJSON text: String) -> [String: Double] {
        guard let object = try? JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any] else { return [:] }
        return object.mapValues { ($0 as? NSNumber)?.doubleValue ?? .nan }
    }
}
