import Foundation
import GRDB

extension SQLiteStore {
    public func startRun(_ start: RunStart) throws -> String {
        try StoreNames.validate(start.experiment, as: "experiment name")
        for key in start.tags.keys { try StoreNames.validate(key, as: "tag key") }
        let id = Self.newRunID()
        try write { db in
            let seq = try Int.fetchOne(
                db, sql: dialect.render("""
                    INSERT INTO runs (id, experiment, kind, status, start_time, user_name, host, pid, process_start,
                                      apus_version, git_commit, seed)
                    VALUES (?, ?, ?, 'running', ?, ?, ?, ?, ?, ?, ?, ?) RETURNING seq
                    """),
                arguments: [id, start.experiment, start.kind, StoreClock.now(), start.origin.user, start.origin.host,
                            start.origin.pid, start.origin.processStart, start.origin.apusVersion, start.origin.gitCommit,
                            start.seed])!
            let insert = try db.cachedStatement(sql: dialect.render("INSERT INTO run_params (run_seq, key, value, number) VALUES (?, ?, ?, ?)"))
            for (key, value) in start.parameters.sorted(by: { $0.key < $1.key }) {
                try insert.execute(arguments: [seq, key, value, Self.number(value)])
            }
            try self.insertTags(db, start.tags, seq: seq)
            try self.insertInputs(db, start.inputs, seq: seq)
            var details = ["experiment": start.experiment, "kind": start.kind]
            for input in start.inputs { details["\(input.role)_fingerprint"] = input.fingerprint }
            if let seed = start.seed { details["seed"] = String(seed) }
            try self.appendAudit(db, .runStarted, runID: id, details: details)
        }
        return id
    }

    private func insertInputs(_ db: Database, _ inputs: [RunInput], seq: Int) throws {
        for input in inputs {
            try db.execute(
                sql: dialect.render("""
                    INSERT INTO run_inputs (run_seq, role, path, fingerprint, rows, schema_json) VALUES (?, ?, ?, ?, ?, ?)
                    ON CONFLICT (run_seq, role) DO UPDATE SET path = excluded.path, fingerprint = excluded.fingerprint,
                    rows = excluded.rows, schema_json = excluded.schema_json
                    """),
                arguments: [seq, input.role, input.path, input.fingerprint, input.rows, input.schema])
        }
    }

    public func logInputs(_ inputs: [RunInput], run id: String) throws {
        try write { db in try self.insertInputs(db, inputs, seq: try self.runningSeq(db, id)) }
    }

    private func insertTags(_ db: Database, _ tags: [String: String], seq: Int) throws {
        for (key, value) in tags.sorted(by: { $0.key < $1.key }) {
            try db.execute(
                sql: dialect.render("""
                    INSERT INTO run_tags (run_seq, key, value) VALUES (?, ?, ?)
                    ON CONFLICT (run_seq, key) DO UPDATE SET value = excluded.value
                    """),
                arguments: [seq, key, value])
        }
    }

    /// The seq of running run `id`, or an error saying why it cannot change.
    private func runningSeq(_ db: Database, _ id: String) throws -> Int {
        guard let row = try Row.fetchOne(db, sql: dialect.render("SELECT seq, status FROM runs WHERE id = ?"), arguments: [id]) else {
            throw StoreError("there is no run \(id)")
        }
        let status: String = row["status"]
        guard status == RunStatus.running.rawValue else {
            throw StoreError("run \(id) is \(status); only a running run can change")
        }
        return row["seq"]
    }

    public func logMetrics(_ metrics: [MetricPoint], run id: String) throws {
        for metric in metrics { try StoreNames.validate(metric.key, as: "metric name") }
        try write { db in
            let seq = try self.runningSeq(db, id)
            let time = StoreClock.now()
            let insertValue = try db.cachedStatement(sql: dialect.render("""
                INSERT INTO run_metrics (run_seq, key, step, value, time) VALUES (?, ?, ?, ?, ?)
                ON CONFLICT (run_seq, key, step) DO UPDATE SET value = excluded.value, time = excluded.time
                """))
            let insertLatest = try db.cachedStatement(sql: dialect.render("""
                INSERT INTO run_latest_metrics (run_seq, key, step, value) VALUES (?, ?, ?, ?)
                ON CONFLICT (run_seq, key) DO UPDATE SET step = excluded.step, value = excluded.value
                WHERE excluded.step >= run_latest_metrics.step
                """))
            for metric in metrics {
                let value: Double? = metric.value.isNaN ? nil : metric.value
                try insertValue.execute(arguments: [seq, metric.key, metric.step, value, time])
                try insertLatest.execute(arguments: [seq, metric.key, metric.step, value])
            }
        }
    }

    public func setTags(_ tags: [String: String], run id: String) throws {
        for key in tags.keys { try StoreNames.validate(key, as: "tag key") }
        try write { db in try self.insertTags(db, tags, seq: try self.runningSeq(db, id)) }
    }

    public func finishRun(_ id: String, status: RunStatus, message: String?, cost: RunCost?, artifacts: [String: ArtifactRef]) throws {
        guard status != .running else { throw StoreError("a run ends as finished, failed or killed, not running") }
        for name in artifacts.keys { try StoreNames.validate(name, as: "artifact name") }
        // As for a version: the bytes must be in the store, intact and of the size given,
        // before the run (and the artifacts table, which keeps the first size it is given)
        // records them.
        for artifact in artifacts.values { try artifactFiles.verify(sha256: artifact.sha256, size: artifact.size) }
        try write { db in
            let seq = try self.runningSeq(db, id)
            for (name, artifact) in artifacts.sorted(by: { $0.key < $1.key }) {
                try self.recordArtifact(db, artifact)
                try db.execute(sql: dialect.render("INSERT INTO run_artifacts (run_seq, name, sha256) VALUES (?, ?, ?)"),
                               arguments: [seq, name, artifact.sha256])
            }
            try db.execute(
                sql: dialect.render("""
                    UPDATE runs SET status = ?, status_message = ?, end_time = ?, cpu_seconds = ?, wall_seconds = ?,
                    peak_memory_bytes = ?, energy_joules = ?, energy_method = ? WHERE seq = ?
                    """),
                arguments: [status.rawValue, message, StoreClock.now(), cost?.cpuSeconds, cost?.wallSeconds,
                            cost?.peakMemoryBytes, cost?.energyJoules, cost?.energyMethod, seq])
            var details: [String: String] = [:]
            if let message { details["message"] = message }
            for (name, artifact) in artifacts { details["artifact.\(name)"] = artifact.sha256 }
            for input in try Row.fetchAll(db, sql: dialect.render("SELECT role, fingerprint FROM run_inputs WHERE run_seq = ?"), arguments: [seq]) {
                details["input.\(input["role"] as String)"] = input["fingerprint"]
            }
            if let cost {
                details["cpu_seconds"] = String((cost.cpuSeconds * 1000).rounded() / 1000)
                details["wall_seconds"] = String((cost.wallSeconds * 1000).rounded() / 1000)
            }
            let kind: AuditEventKind = switch status {
            case .finished: .runFinished
            case .failed: .runFailed
            default: .runKilled
            }
            try self.appendAudit(db, kind, runID: id, details: details)
        }
    }

    /// Records `artifact` in the artifacts table (once).
    func recordArtifact(_ db: Database, _ artifact: ArtifactRef) throws {
        try db.execute(
            sql: dialect.render("INSERT INTO artifacts (sha256, size, created) VALUES (?, ?, ?) ON CONFLICT (sha256) DO NOTHING"),
            arguments: [artifact.sha256, artifact.size, StoreClock.now()])
    }

    public func run(_ idOrPrefix: String) throws -> RunRecord {
        let prefix = idOrPrefix.lowercased()
        guard prefix.count >= 6, prefix.count <= 32, prefix.allSatisfy({ $0.isASCII && $0.isHexDigit }) else {
            throw StoreError("`\(StoreNames.printable(idOrPrefix))` is not a run id (6 to 32 hexadecimal digits)")
        }
        return try read { db in
            let rows = try Row.fetchAll(
                db, sql: dialect.render("SELECT * FROM runs WHERE id >= ? AND id < ? ORDER BY id LIMIT 2"),
                arguments: [prefix, prefix + "g"])
            guard let row = rows.first else { throw StoreError("there is no run \(idOrPrefix)") }
            guard rows.count == 1 else { throw StoreError("`\(idOrPrefix)` is the start of more than one run id; give more digits") }
            let seq: Int = row["seq"]
            var record = Self.runRecord(row)
            record.parameters = try self.pairs(db, "SELECT key, value FROM run_params WHERE run_seq = ?", seq)
            record.tags = try self.pairs(db, "SELECT key, value FROM run_tags WHERE run_seq = ?", seq)
            record.artifacts = try self.pairs(db, "SELECT name AS key, sha256 AS value FROM run_artifacts WHERE run_seq = ?", seq)
            for metric in try Row.fetchAll(db, sql: dialect.render("SELECT key, value FROM run_latest_metrics WHERE run_seq = ?"), arguments: [seq]) {
                record.metrics[metric["key"]] = (metric["value"] as Double?) ?? .nan
            }
            record.inputs = try Row.fetchAll(
                db, sql: dialect.render("SELECT * FROM run_inputs WHERE run_seq = ? ORDER BY role"), arguments: [seq]
            ).map { RunInput(role: $0["role"], path: $0["path"], fingerprint: $0["fingerprint"], rows: $0["rows"], schema: $0["schema_json"]) }
            return record
        }
    }

    private func pairs(_ db: Database, _ sql: String, _ seq: Int) throws -> [String: String] {
        var out: [String: String] = [:]
        for row in try Row.fetchAll(db, sql: dialect.render(sql), arguments: [seq]) { out[row["key"]] = row["value"] }
        return out
    }

    static func runRecord(_ row: Row) -> RunRecord {
        var cost: RunCost?
        if let cpu = row["cpu_seconds"] as Double?, let wall = row["wall_seconds"] as Double? {
            cost = RunCost(cpuSeconds: cpu, wallSeconds: wall, peakMemoryBytes: row["peak_memory_bytes"] ?? 0,
                           energyJoules: row["energy_joules"] ?? 0, energyMethod: row["energy_method"] ?? "")
        }
        return RunRecord(
            id: row["id"], experiment: row["experiment"], kind: row["kind"],
            status: RunStatus(rawValue: row["status"]) ?? .failed, statusMessage: row["status_message"],
            startTime: row["start_time"], endTime: row["end_time"],
            origin: RunOrigin(user: row["user_name"], host: row["host"], pid: row["pid"], processStart: row["process_start"],
                              apusVersion: row["apus_version"], gitCommit: row["git_commit"]),
            seed: row["seed"], cost: cost, parameters: [:], metrics: [:], tags: [:], inputs: [], artifacts: [:])
    }

    public func runs(_ query: RunQuery) throws -> [RunRecord] {
        guard query.limit >= 0, query.offset >= 0 else { throw StoreError("a listing's limit and offset are not negative") }
        var sql = "SELECT r.* FROM runs r WHERE 1 = 1"
        var arguments: [(any DatabaseValueConvertible)?] = []
        if let experiment = query.experiment {
            sql += " AND r.experiment = ?"
            arguments.append(experiment)
        }
        for condition in query.filter.conditions {
            let op = condition.comparison.rawValue
            let value: any DatabaseValueConvertible = switch condition.value {
            case .number(let number): number
            case .text(let text): text
            }
            switch condition.subject {
            case .metric(let key):
                // Driven by the (key, value) index rather than checked run by run.
                sql += " AND r.seq IN (SELECT m.run_seq FROM run_latest_metrics m WHERE m.key = ? AND m.value \(op) ?)"
                arguments += [key, value]
            case .parameter(let key):
                if case .number = condition.value {
                    sql += " AND EXISTS (SELECT 1 FROM run_params p WHERE p.run_seq = r.seq AND p.key = ? AND p.number \(op) ?)"
                } else {
                    sql += " AND EXISTS (SELECT 1 FROM run_params p WHERE p.run_seq = r.seq AND p.key = ? AND p.value \(op) ?)"
                }
                arguments += [key, value]
            case .tag(let key):
                sql += " AND EXISTS (SELECT 1 FROM run_tags t WHERE t.run_seq = r.seq AND t.key = ? AND t.value \(op) ?)"
                arguments += [key, value]
            case .status:
                sql += " AND r.status \(op) ?"
                arguments.append(value)
            case .kind:
                sql += " AND r.kind \(op) ?"
                arguments.append(value)
            case .experiment:
                sql += " AND r.experiment \(op) ?"
                arguments.append(value)
            }
        }
        let direction = query.ascending ? "ASC" : "DESC"
        switch query.orderBy ?? "start_time" {
        case "start_time", "start", "time":
            sql += " ORDER BY r.seq \(direction)"
        case let key where key.hasPrefix("metrics."):
            sql += " ORDER BY (SELECT m.value FROM run_latest_metrics m WHERE m.run_seq = r.seq AND m.key = ?) \(direction) NULLS LAST, r.seq DESC"
            arguments.append(String(key.dropFirst("metrics.".count)))
        case let key where key.hasPrefix("params."):
            // Numbers in numeric order, before text in text order.
            let name = String(key.dropFirst("params.".count))
            sql += " ORDER BY (SELECT p.number FROM run_params p WHERE p.run_seq = r.seq AND p.key = ?) \(direction) NULLS LAST,"
                + " (SELECT p.value FROM run_params p WHERE p.run_seq = r.seq AND p.key = ?) \(direction) NULLS LAST, r.seq DESC"
            arguments += [name, name]
        case let other:
            throw StoreError("cannot order runs by `\(StoreNames.printable(other))`: use start_time, metrics.NAME or params.NAME")
        }
        sql += " LIMIT ? OFFSET ?"
        arguments += [query.limit, query.offset]
        return try read { db in
            let rows = try Row.fetchAll(db, sql: dialect.render(sql), arguments: StatementArguments(arguments))
            var records = rows.map(Self.runRecord)
            guard !records.isEmpty else { return [] }
            var index: [Int: Int] = [:]
            index.reserveCapacity(rows.count)
            for (position, row) in rows.enumerated() { index[row["seq"]] = position }
            let placeholders = Array(repeating: "?", count: rows.count).joined(separator: ", ")
            let seqs = StatementArguments(rows.map { $0["seq"] as Int })
            // Columns by position and a reused cursor row: a page of 1,000 runs holds 50,000 metrics.
            let metrics = try Row.fetchCursor(
                db, sql: dialect.render("SELECT run_seq, key, value FROM run_latest_metrics WHERE run_seq IN (\(placeholders))"),
                arguments: seqs)
            while let metric = try metrics.next() {
                let position = index[metric[0]]!
                let value: Double? = metric[2]
                records[position].metrics[metric[1]] = value ?? .nan
            }
            let tags = try Row.fetchCursor(
                db, sql: dialect.render("SELECT run_seq, key, value FROM run_tags WHERE run_seq IN (\(placeholders))"),
                arguments: seqs)
            while let tag = try tags.next() {
                records[index[tag[0]]!].tags[tag[1]] = tag[2]
            }
            return records
        }
    }

    public func metricHistory(run id: String, key: String) throws -> [MetricPoint] {
        let record = try run(id)
        return try read { db in
            try Row.fetchAll(
                db, sql: dialect.render("""
                    SELECT m.step, m.value FROM run_metrics m JOIN runs r ON r.seq = m.run_seq
                    WHERE r.id = ? AND m.key = ? ORDER BY m.step
                    """),
                arguments: [record.id, key]
            ).map { MetricPoint(key: key, value: ($0["value"] as Double?) ?? .nan, step: $0["step"]) }
        }
    }

    public func reapAbandonedRuns() throws -> [String] {
        artifactFiles.removeAbandonedIncoming()
        let host = ProcessIdentity.host
        let candidates = try read { db in
            try Row.fetchAll(
                db, sql: dialect.render("SELECT id, pid, process_start FROM runs WHERE status = 'running' AND host = ?"),
                arguments: [host])
        }
        var reaped: [String] = []
        for row in candidates {
            let pid: Int = row["pid"], start: String = row["process_start"], id: String = row["id"]
            if ProcessIdentity.isAlive(pid: pid, start: start) { continue }
            let message = "its process (pid \(pid) on \(host)) ended without finishing it: killed or crashed"
            do {
                try finishRun(id, status: .killed, message: message, cost: nil, artifacts: [:])
                reaped.append(id)
            } catch let error as StoreError where error.description.contains("only a running run can change") {
                continue  // another process reaped it first
            }
        }
        return reaped
    }

    /// A parameter's value as a number, when the whole text is a finite decimal number
    /// (so `params.num_leaves > 20` compares numbers, and text never matches a number).
    static func number(_ text: String) -> Double? {
        guard !text.isEmpty, text.utf8.allSatisfy({ ($0 >= 48 && $0 <= 57) || $0 == 46 || $0 == 45 || $0 == 43 || $0 == 101 || $0 == 69 }),
              let value = Double(text), value.isFinite else { return nil }
        return value
    }

    /// A new run id: 128 random bits as 32 hexadecimal digits.
    static func newRunID() -> String {
        var generator = SystemRandomNumberGenerator()
        let high = generator.next() as UInt64, low = generator.next() as UInt64
        func hex(_ value: UInt64) -> String {
            let text = String(value, radix: 16)
            return String(repeating: "0", count: 16 - text.count) + text
        }
        return hex(high) + hex(low)
    }

    public func putArtifact(file path: String) throws -> ArtifactRef {
        try artifactFiles.put(file: path)
    }

    public func verifiedArtifactPath(_ artifact: ArtifactRef) throws -> String {
        try artifactFiles.verify(sha256: artifact.sha256, size: artifact.size)
    }

    public func artifact(sha256: String) throws -> ArtifactRef? {
        try read { db in
            try Int64.fetchOne(db, sql: dialect.render("SELECT size FROM artifacts WHERE sha256 = ?"), arguments: [sha256])
                .map { ArtifactRef(sha256: sha256, size: $0) }
        }
    }

    public func mergePredictionProfile(model: String, version: Int, bucket: String, rows: Int,
                                       merge: (String?) throws -> String) throws {
        let now = StoreClock.now()
        try write { db in
            let existing = try String.fetchOne(
                db, sql: dialect.render("SELECT profile FROM prediction_profiles WHERE model = ? AND version = ? AND bucket = ?"),
                arguments: [model, version, bucket])
            let merged = try merge(existing)
            if existing == nil {
                try db.execute(sql: dialect.render("""
                    INSERT INTO prediction_profiles (model, version, bucket, row_count, profile, updated) VALUES (?, ?, ?, ?, ?, ?)
                    """), arguments: [model, version, bucket, rows, merged, now])
            } else {
                try db.execute(sql: dialect.render("""
                    UPDATE prediction_profiles SET row_count = row_count + ?, profile = ?, updated = ?
                    WHERE model = ? AND version = ? AND bucket = ?
                    """), arguments: [rows, merged, now, model, version, bucket])
            }
        }
    }

    public func predictionProfiles(model: String, version: Int, since: String, until: String) throws
        -> [(bucket: String, rows: Int, profile: String)] {
        // An hour overlaps the window when it starts before `until` and ends after `since`.
        let earliest = StoreClock.parse(since).map { StoreClock.format(milliseconds: $0 - 3_599_999) } ?? since
        return try read { db in
            try Row.fetchAll(db, sql: dialect.render("""
                SELECT bucket, row_count, profile FROM prediction_profiles
                WHERE model = ? AND version = ? AND bucket >= ? AND bucket < ? ORDER BY bucket
                """), arguments: [model, version, earliest, until]).map { row in
                (bucket: row["bucket"] as String, rows: Int(row["row_count"] as Int64), profile: row["profile"] as String)
            }
        }
    }

    public func runs(withArtifact sha256: String, named name: String) throws -> [String] {
        try read { db in
            try String.fetchAll(db, sql: dialect.render("""
                SELECT r.id FROM run_artifacts a JOIN runs r ON r.seq = a.run_seq
                WHERE a.sha256 = ? AND a.name = ? ORDER BY r.seq
                """), arguments: [sha256, name])
        }
    }
}
