import Foundation
import GRDB
import Testing
@testable import ApusStore

/// A prediction record of `model`/`version` logged `offset` ms after 2026-11-29T09:00:00Z.
private func record(_ id: String, model: String = "credit-risk", version: Int = 1, offset: Int64 = 0, rows: Int = 1,
                    inputs: String? = #"[{"age":41}]"#, outputs: String = #"[0.25]"#, unseen: Int = 0) -> PredictionRecord {
    PredictionRecord(requestID: id, model: model, version: version, reference: "\(model)@champion", route: "v1",
                     loggedAt: StoreClock.format(milliseconds: baseTime + offset), latencyMicroseconds: 850 + Int(offset),
                     rowCount: rows, inputs: inputs, outputs: outputs, unseenLevels: unseen)
}

private let baseTime: Int64 = 1_795_942_800_000  // 2026-11-29T09:00:00.000Z

/// Counts the commits of a connection and the rows each inserted into `prediction_log`.
private final class CommitCounter: TransactionObserver {
    var insertsPerCommit: [Int] = []
    private var inserts = 0

    func observes(eventsOfKind eventKind: DatabaseEventKind) -> Bool {
        if case .insert(let table) = eventKind { return table == "prediction_log" }
        return false
    }
    func databaseDidChange(with event: DatabaseEvent) { inserts += 1 }
    func databaseDidCommit(_ db: Database) {
        insertsPerCommit.append(inserts)
        inserts = 0
    }
    func databaseDidRollback(_ db: Database) { inserts = 0 }
}

@Suite struct PredictionLogTests {
    // MARK: Appending and reading

    @Test func aBatchIsAppendedAndReadBackNewestFirstWithoutAuditRows() throws {
        let temporary = try TemporaryStore()
        let store = temporary.store
        let auditBefore = try store.auditEvents(model: nil, limit: nil).count
        let batch = [
            record("r1", offset: 0),
            record("r2", offset: 5, rows: 3, inputs: nil, outputs: #"[0.1,0.2,0.3]"#),
            record("r3", version: 2, offset: 9, unseen: 2),
        ]
        #expect(try store.appendPredictions(batch) == 3)
        #expect(try store.predictionLog(PredictionLogQuery()) == batch.reversed())
        #expect(try store.appendPredictions([]) == 0)
        // Unsampled inputs are NULL in the table, not empty text.
        let inputs = try temporary.rawDatabase().read { db in
            try Row.fetchAll(db, sql: "SELECT request_id, inputs IS NULL AS missing FROM prediction_log ORDER BY id")
                .map { "\($0["request_id"] as String):\($0["missing"] as Bool)" }
        }
        #expect(inputs == ["r1:false", "r2:true", "r3:false"])
        #expect(try store.auditEvents(model: nil, limit: nil).count == auditBefore, "predictions are not audit events")
    }

    @Test func aDuplicateRequestIDIsSkippedAndTheRestOfTheBatchIsWritten() throws {
        let temporary = try TemporaryStore()
        defer { withExtendedLifetime(temporary) {} }
        let store = temporary.store
        #expect(try store.appendPredictions([record("a", outputs: "[1]")]) == 1)
        let batch = [record("b", offset: 1), record("a", offset: 2, outputs: "[2]"), record("c", offset: 3),
                     record("b", offset: 4, outputs: "[3]")]
        #expect(try store.appendPredictions(batch) == 2, "a and the second b are skipped")
        let log = try store.predictionLog(PredictionLogQuery())
        #expect(log.map(\.requestID) == ["c", "b", "a"])
        #expect(log.first { $0.requestID == "a" }?.outputs == "[1]", "the first record of a request stands")
        #expect(log.first { $0.requestID == "b" }?.outputs == "[0.25]")
    }

    @Test func anInvalidRecordRefusesTheBatchNamingItsRequest() throws {
        let temporary = try TemporaryStore()
        defer { withExtendedLifetime(temporary) {} }
        let store = temporary.store
        var badTime = record("bad-time")
        badTime.loggedAt = "2026-11-29 09:00:00"
        #expect(throws: StoreError("the prediction record of request `bad-time`: the time must be UTC such as 2026-11-29T09:10:11.123Z, not `2026-11-29 09:00:00`")) {
            try store.appendPredictions([record("fine"), badTime])
        }
        var badModel = record("bad-model")
        badModel.model = "a/b"
        #expect(throws: StoreError("the prediction record of request `bad-model`: the model name `a/b` may hold only letters, digits, `.`, `_` and `-` (character 2 is `/`)")) {
            try store.appendPredictions([badModel])
        }
        var negative = record("negative")
        negative.rowCount = -1
        #expect(throws: StoreError("the prediction record of request `negative`: the row count is negative (-1)")) {
            try store.appendPredictions([negative])
        }
        #expect(throws: StoreError("the request id is empty")) { try store.appendPredictions([record("")]) }
        #expect(throws: StoreError("the request id `a\\u{a}b` holds a control character (U+A)")) {
            try store.appendPredictions([record("a\nb")])
        }
        #expect(try store.predictionLog(PredictionLogQuery()).isEmpty, "nothing of a refused batch is written")
    }

    @Test func aThousandRecordsAreOneTransaction() throws {
        let temporary = try TemporaryStore()
        let store = temporary.store
        // Rows as the credit scenario has them: 14 features, numbers and categories.
        let batch = (0..<1000).map { i in
            let inputs = """
                [{"age":\(20 + i % 50),"income":\(30_000 + i * 7).5,"employment_years":\(i % 30),"debt_ratio":0.\(i % 97),\
                "credit_lines":\(i % 12),"late_payments":\(i % 4),"utilization":0.\(i % 89),"loan_amount":\(5_000 + i),\
                "loan_term":36,"home_ownership":"rent","purpose":"car","region":"north","has_mortgage":false,\
                "inquiries_6m":\(i % 5)}]
                """
            return record("req-\(i)", offset: Int64(i), inputs: inputs, outputs: #"[{"probability":0.1375,"label":"0"}]"#)
        }
        let counter = CommitCounter()
        store.queue.writeWithoutTransaction { db in db.add(transactionObserver: counter) }
        let clock = ContinuousClock()
        let start = clock.now
        let written = try store.appendPredictions(batch)
        let elapsed = clock.now - start
        #expect(written == 1000)
        #expect(counter.insertsPerCommit == [1000], "one transaction for the whole batch")
        let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
        let inputBytes = batch.map { $0.inputs!.utf8.count }.reduce(0, +) / batch.count
        print("appendPredictions: 1,000 records (inputs \(inputBytes) bytes each) in \(String(format: "%.1f", seconds * 1000)) ms, "
              + "\(Int(1000 / seconds)) records/s")
        #expect(try store.predictionLog(PredictionLogQuery(limit: 5000)).count == 1000)
    }

    // MARK: Queries

    @Test func queriesFilterByModelVersionAndTimeNewestFirst() throws {
        let temporary = try TemporaryStore()
        defer { withExtendedLifetime(temporary) {} }
        let store = temporary.store
        try store.appendPredictions([
            record("a1-0", model: "a", version: 1, offset: 0),
            record("a2-10", model: "a", version: 2, offset: 10),
            record("b1-20", model: "b", version: 1, offset: 20),
            record("a1-30", model: "a", version: 1, offset: 30),
            record("a1-30-later", model: "a", version: 1, offset: 30),  // same millisecond: logged later, listed first
            record("a1-40", model: "a", version: 1, offset: 40),
        ])
        func ids(_ query: PredictionLogQuery) throws -> [String] { try store.predictionLog(query).map(\.requestID) }
        func at(_ offset: Int64) -> String { StoreClock.format(milliseconds: baseTime + offset) }
        #expect(try ids(PredictionLogQuery()) == ["a1-40", "a1-30-later", "a1-30", "b1-20", "a2-10", "a1-0"])
        #expect(try ids(PredictionLogQuery(model: "a")) == ["a1-40", "a1-30-later", "a1-30", "a2-10", "a1-0"])
        #expect(try ids(PredictionLogQuery(model: "a", version: 1)) == ["a1-40", "a1-30-later", "a1-30", "a1-0"])
        #expect(try ids(PredictionLogQuery(model: "a", version: 3)).isEmpty)
        #expect(try ids(PredictionLogQuery(model: "nobody")).isEmpty)
        // [since, until): since included, until not.
        #expect(try ids(PredictionLogQuery(since: at(10), until: at(30))) == ["b1-20", "a2-10"])
        #expect(try ids(PredictionLogQuery(model: "a", version: 1, since: at(30))) == ["a1-40", "a1-30-later", "a1-30"])
        #expect(try ids(PredictionLogQuery(until: at(10))) == ["a1-0"])
        // Limit and offset page through the same order.
        #expect(try ids(PredictionLogQuery(limit: 2)) == ["a1-40", "a1-30-later"])
        #expect(try ids(PredictionLogQuery(limit: 2, offset: 2)) == ["a1-30", "b1-20"])
        #expect(try ids(PredictionLogQuery(limit: 2, offset: 6)).isEmpty)
        #expect(PredictionLogQuery().limit == 100)
    }

    @Test func badQueriesAreRefused() throws {
        let temporary = try TemporaryStore()
        defer { withExtendedLifetime(temporary) {} }
        let store = temporary.store
        #expect(throws: StoreError("a prediction log query by version 2 needs the model name too")) {
            try store.predictionLog(PredictionLogQuery(version: 2))
        }
        #expect(throws: StoreError("`since` must be a UTC time such as 2026-11-29T09:10:11.123Z, not `yesterday`")) {
            try store.predictionLog(PredictionLogQuery(since: "yesterday"))
        }
        #expect(throws: StoreError("`until` must be a UTC time such as 2026-11-29T09:10:11.123Z, not `2026-11-29`")) {
            try store.labelledPredictions(PredictionLogQuery(until: "2026-11-29"))
        }
        #expect(throws: StoreError("the limit must be 1 or more, not 0")) { try store.predictionLog(PredictionLogQuery(limit: 0)) }
        #expect(throws: StoreError("the offset must be 0 or more, not -1")) { try store.predictionLog(PredictionLogQuery(offset: -1)) }
        #expect(throws: StoreError("the model name `a b` may hold only letters, digits, `.`, `_` and `-` (character 2 is ` `)")) {
            try store.predictionLog(PredictionLogQuery(model: "a b"))
        }
    }

    @Test func lookupsUseTheIndexes() throws {
        let temporary = try TemporaryStore()
        func plan(_ sql: String, _ arguments: StatementArguments) throws -> String {
            try temporary.rawDatabase().read { db in
                try Row.fetchAll(db, sql: "EXPLAIN QUERY PLAN " + sql, arguments: arguments).map { $0["detail"] as String }
                    .joined(separator: "; ")
            }
        }
        let window = PredictionLogSQL.page(PredictionLogQuery(model: "a", version: 1, since: "2026-11-29T00:00:00.000Z"))
        #expect(try plan(window.sql, StatementArguments(window.arguments)).contains("USING INDEX prediction_log_model"))
        let newest = PredictionLogSQL.page(PredictionLogQuery())
        #expect(try plan(newest.sql, StatementArguments(newest.arguments)).contains("USING INDEX prediction_log_time"))
        #expect(try plan(PredictionLogSQL.rowCount, ["r"]).contains("USING INDEX sqlite_autoindex_prediction_log"))
        #expect(try plan(PredictionLogSQL.labels, ["r"]).contains("USING PRIMARY KEY"))
    }

    // MARK: Feedback

    @Test func feedbackIsRecordedAndACorrectionReplacesTheLabel() throws {
        let temporary = try TemporaryStore()
        let store = temporary.store
        try store.appendPredictions([record("r1", rows: 3), record("r2", offset: 1)])
        let auditBefore = try store.auditEvents(model: nil, limit: nil).count
        let first = try store.recordFeedback([FeedbackLabel(requestID: "r1", row: 0, label: "1"),
                                              FeedbackLabel(requestID: "r1", row: 1, label: "0")])
        #expect(first == FeedbackReceipt(recorded: 2, replaced: 0))
        let second = try store.recordFeedback([FeedbackLabel(requestID: "r1", row: 1, label: "1"),
                                               FeedbackLabel(requestID: "r1", row: 2, label: "0"),
                                               FeedbackLabel(requestID: "r2", row: 0, label: "12.5")],
                                              recordedBy: "labeller-key")
        #expect(second == FeedbackReceipt(recorded: 3, replaced: 1))
        let labels = try store.feedback(requestID: "r1")
        #expect(labels.map(\.label) == [FeedbackLabel(requestID: "r1", row: 0, label: "1"),
                                        FeedbackLabel(requestID: "r1", row: 1, label: "1"),
                                        FeedbackLabel(requestID: "r1", row: 2, label: "0")])
        #expect(labels.map(\.recordedBy) == ["tester", "labeller-key", "labeller-key"])
        #expect(labels.allSatisfy { StoreClock.parse($0.recordedAt) != nil })
        // The same row twice in one batch: the later label wins, and counts as a correction.
        let twice = try store.recordFeedback([FeedbackLabel(requestID: "r2", row: 0, label: "13"),
                                              FeedbackLabel(requestID: "r2", row: 0, label: "14")])
        #expect(twice == FeedbackReceipt(recorded: 2, replaced: 2))
        #expect(try store.feedback(requestID: "r2").map(\.label.label) == ["14"])
        #expect(try store.recordFeedback([]) == FeedbackReceipt(recorded: 0, replaced: 0))
        let rows = try temporary.rawDatabase().read { db in try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM feedback") }
        #expect(rows == 4, "a correction replaces the row's label, it does not add one")
        #expect(try store.auditEvents(model: nil, limit: nil).count == auditBefore, "feedback is not an audit event")
    }

    @Test func anUnknownRequestIDIsRefusedByNameAndNothingIsWritten() throws {
        let temporary = try TemporaryStore()
        defer { withExtendedLifetime(temporary) {} }
        let store = temporary.store
        try store.appendPredictions([record("known", rows: 2)])
        try store.recordFeedback([FeedbackLabel(requestID: "known", row: 1, label: "yes")])
        #expect(throws: StoreError("there is no prediction with request id `nope-42` in the log; no label of this batch was recorded")) {
            try store.recordFeedback([FeedbackLabel(requestID: "known", row: 0, label: "no"),
                                      FeedbackLabel(requestID: "known", row: 1, label: "no"),
                                      FeedbackLabel(requestID: "nope-42", row: 0, label: "no")])
        }
        let kept = try store.feedback(requestID: "known")
        #expect(kept.map(\.label) == [FeedbackLabel(requestID: "known", row: 1, label: "yes")], "all or nothing")
        #expect(throws: StoreError("there is no prediction with request id `nope-42` in the log")) {
            try store.feedback(requestID: "nope-42")
        }
    }

    @Test func aRowOutsideTheRequestOrAnEmptyLabelIsRefused() throws {
        let temporary = try TemporaryStore()
        defer { withExtendedLifetime(temporary) {} }
        let store = temporary.store
        try store.appendPredictions([record("three", rows: 3), record("one", offset: 1, rows: 1), record("none", offset: 2, rows: 0)])
        #expect(throws: StoreError("row 3 is outside request `three`, which has 3 rows (0 to 2); no label of this batch was recorded")) {
            try store.recordFeedback([FeedbackLabel(requestID: "three", row: 0, label: "a"),
                                      FeedbackLabel(requestID: "three", row: 3, label: "b")])
        }
        #expect(throws: StoreError("row -1 is outside request `one`, which has 1 row (0 to 0); no label of this batch was recorded")) {
            try store.recordFeedback([FeedbackLabel(requestID: "one", row: -1, label: "a")])
        }
        #expect(throws: StoreError("row 0 is outside request `none`, which scored no rows; no label of this batch was recorded")) {
            try store.recordFeedback([FeedbackLabel(requestID: "none", row: 0, label: "a")])
        }
        #expect(throws: StoreError("the label for row 0 of request `three` is empty")) {
            try store.recordFeedback([FeedbackLabel(requestID: "three", row: 1, label: "a"),
                                      FeedbackLabel(requestID: "three", row: 0, label: " ")])
        }
        #expect(throws: StoreError("who recorded the feedback (``) must be 1 to 256 printable characters")) {
            try store.recordFeedback([FeedbackLabel(requestID: "three", row: 1, label: "a")], recordedBy: "")
        }
        #expect(try store.feedback(requestID: "three").isEmpty)
    }

    @Test func labelledPredictionsJoinTheLogWithItsLabels() throws {
        let temporary = try TemporaryStore()
        defer { withExtendedLifetime(temporary) {} }
        let store = temporary.store
        try store.appendPredictions([
            record("old", offset: 0, rows: 2, inputs: #"[{"x":1},{"x":2}]"#, outputs: "[0.9,0.1]"),
            record("unlabelled", offset: 1),
            record("new", offset: 2, rows: 3),
            record("other-model", model: "churn", offset: 3),
        ])
        try store.recordFeedback([FeedbackLabel(requestID: "old", row: 1, label: "0"), FeedbackLabel(requestID: "old", row: 0, label: "1"),
                                  FeedbackLabel(requestID: "new", row: 2, label: "1"), FeedbackLabel(requestID: "other-model", row: 0, label: "1")])
        let all = try store.labelledPredictions(PredictionLogQuery(model: "credit-risk", version: 1))
        #expect(all.map(\.record.requestID) == ["new", "unlabelled", "old"])
        #expect(all.map(\.labels) == [[2: "1"], [:], [0: "1", 1: "0"]])
        #expect(all[2].record == record("old", offset: 0, rows: 2, inputs: #"[{"x":1},{"x":2}]"#, outputs: "[0.9,0.1]"))
        let labelled = try store.labelledPredictions(PredictionLogQuery(model: "credit-risk", labelledOnly: true))
        #expect(labelled.map(\.record.requestID) == ["new", "old"])
        // The limit counts requests, not labels.
        #expect(try store.labelledPredictions(PredictionLogQuery(labelledOnly: true, limit: 2)).map(\.record.requestID) == ["other-model", "new"])
        #expect(try store.predictionLog(PredictionLogQuery(labelledOnly: true)).map(\.requestID) == ["other-model", "new", "old"])
    }

    // MARK: Schema

    @Test func aStoreAtSchemaTwoIsUpgradedInPlaceKeepingItsData() throws {
        let directory = NSTemporaryDirectory() + "apus-upgrade-\(UUID().uuidString)"
        defer { try? FileManager.default.removeItem(atPath: directory) }
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        // A store as the second schema left it: migrations 1 and 2, with a run and an API key.
        let old = try DatabaseQueue(path: directory + "/store.sqlite")
        try old.write { db in
            try db.execute(sql: "CREATE TABLE schema_migrations (version BIGINT PRIMARY KEY, summary TEXT NOT NULL, applied TEXT NOT NULL, apus_version TEXT NOT NULL)")
            for migration in StoreSchema.migrations.prefix(2) {
                for statement in migration.sql(for: .sqlite) { try db.execute(sql: statement) }
                try db.execute(sql: "INSERT INTO schema_migrations VALUES (?, ?, '2026-11-29T00:00:00.000Z', '0.4.0')",
                               arguments: [migration.version, migration.summary])
            }
            try db.execute(sql: """
                INSERT INTO runs (id, experiment, kind, status, start_time, end_time, user_name, host, pid, process_start, apus_version)
                VALUES ('0123456789abcdef0123456789abcdef', 'exp', 'train', 'finished', '2026-11-29T00:00:00.000Z',
                        '2026-11-29T00:00:01.000Z', 'tester', 'h', 1, '', '0.4.0')
                """)
            try db.execute(sql: """
                INSERT INTO api_keys (name, prefix, hash, role, status, created, created_by)
                VALUES ('ci', 'apus_01234567', 'ab', 'predict', 'active', '2026-11-29T00:00:00.000Z', 'tester')
                """)
        }
        try old.close()
        let upgraded = try SQLiteStore(directory: directory, actor: "tester", apusVersion: "0.5.0")
        #expect(try upgraded.schemaVersion() == StoreSchema.currentVersion)
        let applied = try upgraded.read { db in try Row.fetchAll(db, sql: "SELECT version, apus_version FROM schema_migrations ORDER BY version") }
        #expect(applied.prefix(3).map { "\($0["version"] as Int):\($0["apus_version"] as String)" } == ["1:0.4.0", "2:0.4.0", "3:0.5.0"])
        let run = "0123456789abcdef0123456789abcdef"
        #expect(try upgraded.run(run).status == .finished, "the old store's run is still there")
        #expect(try upgraded.apiKeys().map(\.name) == ["ci"])
        #expect(try upgraded.appendPredictions([record("after-upgrade", rows: 2)]) == 1)
        try upgraded.recordFeedback([FeedbackLabel(requestID: "after-upgrade", row: 1, label: "1")])
        let reopened = try SQLiteStore(directory: directory, actor: "tester", apusVersion: "0.5.0")
        #expect(try reopened.predictionLog(PredictionLogQuery()).map(\.requestID) == ["after-upgrade"])
        #expect(try reopened.feedback(requestID: "after-upgrade").map(\.label.label) == ["1"])
        #expect(try reopened.run(run).experiment == "exp")
    }

    @Test func theMigrationAndStatementsRenderForPostgreSQL() throws {
        let migration = try #require(StoreSchema.migrations.first { $0.version == 3 })
        let postgres = migration.sql(for: .postgres)
        let sqlite = migration.sql(for: .sqlite)
        #expect(postgres.allSatisfy { !$0.contains("{") && !$0.contains("WITHOUT ROWID") })
        #expect(postgres.contains { $0.contains("CREATE TABLE prediction_log") && $0.contains("id BIGSERIAL PRIMARY KEY") })
        #expect(postgres.contains { $0.contains("CREATE TABLE feedback") && $0.contains("PRIMARY KEY (request_id, row)\n)") })
        #expect(sqlite.contains { $0.contains("id INTEGER PRIMARY KEY") })
        #expect(sqlite.contains { $0.contains("CREATE TABLE feedback") && $0.hasSuffix(") WITHOUT ROWID") })
        #expect(postgres.filter { $0.hasPrefix("CREATE INDEX") } == [
            "CREATE INDEX prediction_log_model ON prediction_log (model, version, logged_at)",
            "CREATE INDEX prediction_log_time ON prediction_log (logged_at)",
        ])
        let insert = SQLDialect.postgres.render(PredictionLogSQL.insert)
        #expect(insert.contains("VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)") && !insert.contains("?"))
        #expect(SQLDialect.postgres.render(PredictionLogSQL.upsertLabel).contains("VALUES ($1, $2, $3, $4, $5)"))
        let page = PredictionLogSQL.labelledPage(PredictionLogQuery(model: "a", version: 1, since: "2026-11-29T00:00:00.000Z",
                                                                    until: "2026-11-30T00:00:00.000Z", labelledOnly: true))
        let rendered = SQLDialect.postgres.render(page.sql)
        #expect(rendered.contains("p.model = $1 AND p.version = $2 AND p.logged_at >= $3 AND p.logged_at < $4 AND EXISTS"))
        #expect(rendered.contains("LIMIT $5 OFFSET $6") && !rendered.contains("?") && page.arguments.count == 6)
    }
}
