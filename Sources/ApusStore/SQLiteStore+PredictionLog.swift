import GRDB

/// The prediction log's statements, written once for both dialects (see `SQLDialect`).
enum PredictionLogSQL {
    /// A record's columns, in `PredictionRecord`'s order (`SQLiteStore.predictionRecord` reads them by position).
    static let columns = "request_id, model, version, reference, route, logged_at, latency_us, row_count, inputs, outputs, unseen_levels"

    /// Appends one record; a request id already logged is skipped (the first record stands).
    static let insert = """
        INSERT INTO prediction_log (\(columns))
        VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
        ON CONFLICT (request_id) DO NOTHING
        """

    /// The row count of a logged request (no row: not logged).
    static let rowCount = "SELECT row_count FROM prediction_log WHERE request_id = ?"

    /// Whether a row of a request already has a label.
    static let labelExists = "SELECT 1 FROM feedback WHERE request_id = ? AND row = ?"

    /// Records a label, replacing the row's earlier one.
    static let upsertLabel = """
        INSERT INTO feedback (request_id, row, label, recorded_at, recorded_by) VALUES (?, ?, ?, ?, ?)
        ON CONFLICT (request_id, row) DO UPDATE
        SET label = excluded.label, recorded_at = excluded.recorded_at, recorded_by = excluded.recorded_by
        """

    /// The labels of a request, by row.
    static let labels = "SELECT row, label, recorded_at, recorded_by FROM feedback WHERE request_id = ? ORDER BY row"

    /// The records `query` selects, newest first: `columns` then `id`, with their arguments.
    static func page(_ query: PredictionLogQuery) -> (sql: String, arguments: [(any DatabaseValueConvertible)?]) {
        var conditions: [String] = []
        var arguments: [(any DatabaseValueConvertible)?] = []
        if let model = query.model {
            conditions.append("p.model = ?")
            arguments.append(model)
        }
        if let version = query.version {
            conditions.append("p.version = ?")
            arguments.append(version)
        }
        if let since = query.since {
            conditions.append("p.logged_at >= ?")
            arguments.append(since)
        }
        if let until = query.until {
            conditions.append("p.logged_at < ?")
            arguments.append(until)
        }
        if query.labelledOnly {
            conditions.append("EXISTS (SELECT 1 FROM feedback f WHERE f.request_id = p.request_id)")
        }
        var sql = "SELECT \(columns), id FROM prediction_log p"
        if !conditions.isEmpty { sql += " WHERE " + conditions.joined(separator: " AND ") }
        sql += " ORDER BY p.logged_at DESC, p.id DESC LIMIT ? OFFSET ?"
        arguments += [query.limit, query.offset]
        return (sql, arguments)
    }

    /// `page(query)` with each record's labels: one row per label (NULLs for a record without any).
    static func labelledPage(_ query: PredictionLogQuery) -> (sql: String, arguments: [(any DatabaseValueConvertible)?]) {
        let page = page(query)
        let sql = """
            SELECT p.*, f.row, f.label FROM (\(page.sql)) p
            LEFT JOIN feedback f ON f.request_id = p.request_id
            ORDER BY p.logged_at DESC, p.id DESC, f.row
            """
        return (sql, page.arguments)
    }
}

extension SQLiteStore {
    @discardableResult
    public func appendPredictions(_ records: [PredictionRecord]) throws -> Int {
        for record in records { try record.validate() }
        guard !records.isEmpty else { return 0 }
        return try write { db in
            let insert = try db.cachedStatement(sql: dialect.render(PredictionLogSQL.insert))
            var written = 0
            for record in records {
                try insert.execute(arguments: [
                    record.requestID, record.model, record.version, record.reference, record.route, record.loggedAt,
                    record.latencyMicroseconds, record.rowCount, record.inputs, record.outputs, record.unseenLevels,
                ])
                written += db.changesCount
            }
            return written
        }
    }

    @discardableResult
    public func recordFeedback(_ labels: [FeedbackLabel], recordedBy: String?) throws -> FeedbackReceipt {
        let recorder = recordedBy ?? actor
        guard !recorder.isEmpty, recorder.unicodeScalars.count <= 256,
              !recorder.unicodeScalars.contains(where: { $0.value < 0x20 || $0.value == 0x7F }) else {
            throw StoreError("who recorded the feedback (`\(StoreNames.printable(recorder))`) must be 1 to 256 printable characters")
        }
        for label in labels { try label.validate() }
        guard !labels.isEmpty else { return FeedbackReceipt(recorded: 0, replaced: 0) }
        let now = StoreClock.now()
        return try write { db in
            let rowCount = try db.cachedStatement(sql: dialect.render(PredictionLogSQL.rowCount))
            let labelExists = try db.cachedStatement(sql: dialect.render(PredictionLogSQL.labelExists))
            let upsert = try db.cachedStatement(sql: dialect.render(PredictionLogSQL.upsertLabel))
            var rowCounts: [String: Int] = [:]
            var replaced = 0
            for label in labels {
                let id = label.requestID
                let count: Int
                if let known = rowCounts[id] {
                    count = known
                } else {
                    guard let found = try Int.fetchOne(rowCount, arguments: [id]) else {
                        throw StoreError("there is no prediction with request id `\(id)` in the log; no label of this batch was recorded")
                    }
                    rowCounts[id] = found
                    count = found
                }
                guard label.row >= 0 && label.row < count else {
                    let rows = count == 0 ? "scored no rows" : "has \(count) row\(count == 1 ? "" : "s") (0 to \(count - 1))"
                    throw StoreError("row \(label.row) is outside request `\(id)`, which \(rows); no label of this batch was recorded")
                }
                if try Bool.fetchOne(labelExists, arguments: [id, label.row]) ?? false { replaced += 1 }
                try upsert.execute(arguments: [id, label.row, label.label, now, recorder])
            }
            return FeedbackReceipt(recorded: labels.count, replaced: replaced)
        }
    }

    public func predictionLog(_ query: PredictionLogQuery) throws -> [PredictionRecord] {
        try query.validate()
        let page = PredictionLogSQL.page(query)
        return try read { db in
            var records: [PredictionRecord] = []
            let rows = try Row.fetchCursor(db, sql: dialect.render(page.sql), arguments: StatementArguments(page.arguments))
            while let row = try rows.next() { records.append(Self.predictionRecord(row)) }
            return records
        }
    }

    public func labelledPredictions(_ query: PredictionLogQuery) throws -> [LabelledPrediction] {
        try query.validate()
        let page = PredictionLogSQL.labelledPage(query)
        return try read { db in
            var out: [LabelledPrediction] = []
            var lastID: Int64?
            let rows = try Row.fetchCursor(db, sql: dialect.render(page.sql), arguments: StatementArguments(page.arguments))
            while let row = try rows.next() {
                // Columns 0...10 the record, 11 its id, 12 and 13 a label's row and text (NULL: none).
                let id: Int64 = row[11]
                if id != lastID {
                    out.append(LabelledPrediction(record: Self.predictionRecord(row), labels: [:]))
                    lastID = id
                }
                if let labelRow: Int = row[12], let label: String = row[13] {
                    out[out.count - 1].labels[labelRow] = label
                }
            }
            return out
        }
    }

    public func feedback(requestID: String) throws -> [RecordedFeedback] {
        try StoreNames.validateRequestID(requestID)
        return try read { db in
            guard try Int.fetchOne(db, sql: dialect.render(PredictionLogSQL.rowCount), arguments: [requestID]) != nil else {
                throw StoreError("there is no prediction with request id `\(requestID)` in the log")
            }
            return try Row.fetchAll(db, sql: dialect.render(PredictionLogSQL.labels), arguments: [requestID]).map { row in
                RecordedFeedback(label: FeedbackLabel(requestID: requestID, row: row[0], label: row[1]),
                                 recordedAt: row[2], recordedBy: row[3])
            }
        }
    }

    /// A record from a row whose first columns are `PredictionLogSQL.columns`.
    static func predictionRecord(_ row: Row) -> PredictionRecord {
        PredictionRecord(requestID: row[0], model: row[1], version: row[2], reference: row[3], route: row[4],
                         loggedAt: row[5], latencyMicroseconds: row[6], rowCount: row[7], inputs: row[8],
                         outputs: row[9], unseenLevels: row[10])
    }
}
