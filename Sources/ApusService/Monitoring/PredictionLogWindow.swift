import ApusModel
import ApusStore
import ApusTable
import Foundation

/// The rows a served model answered in a window of time, read back from the prediction log:
/// the inputs as the clients sent them (one column per model feature), the time of each row's
/// request, and the labels that `POST /v1/feedback` recorded for them.
struct PredictionLogWindow {
    /// The column the joined feedback labels go in.
    static let labelsColumn = "__apus_feedback_label"
    /// Records read per page of the log.
    static let pageSize = 5_000

    var table: Table
    /// The logged time of each row's request (oldest first).
    var times: [String]
    var since: String
    var until: String
    /// Requests read, and those logged without their inputs (not sampled by `--log-inputs`).
    var requests: Int
    var requestsWithoutInputs: Int
    /// Rows that carry a label.
    var labelled: Int

    /// A time bound: ISO 8601 as the store writes it (`2026-11-29T09:00:00Z`, milliseconds
    /// optional), or a duration before now: `90m`, `24h`, `7d`.
    static func time(_ text: String, now: Int64 = StoreClock.nowMilliseconds()) throws -> String {
        if let unit = text.last, "smhd".contains(unit), let amount = Double(text.dropLast()), amount >= 0, amount.isFinite {
            let scale: Double = unit == "s" ? 1_000 : unit == "m" ? 60_000 : unit == "h" ? 3_600_000 : 86_400_000
            return StoreClock.format(milliseconds: now - Int64(amount * scale))
        }
        var candidate = text
        if candidate.hasSuffix("Z") && !candidate.contains(".") { candidate = String(candidate.dropLast()) + ".000Z" }
        guard let milliseconds = StoreClock.parse(candidate) else {
            throw ServiceError("`\(text)` is not a time: give ISO 8601 UTC (2026-11-29T09:00:00Z) or a duration before now (90m, 24h, 7d)")
        }
        return StoreClock.format(milliseconds: milliseconds)
    }

    /// Reads `model` version `version`'s log in [since, until), at most `maxRows` rows (the newest).
    init(store: any Store, model: Model, name: String, version: Int, since: String, until: String, maxRows: Int = 1_000_000) throws {
        var records: [LabelledPrediction] = []
        var offset = 0, rows = 0
        while rows < maxRows {
            let page = try store.labelledPredictions(PredictionLogQuery(
                model: name, version: version, since: since, until: until, limit: Self.pageSize, offset: offset))
            records += page
            rows += page.reduce(0) { $0 + $1.record.rowCount }
            if page.count < Self.pageSize { break }
            offset += page.count
        }
        records.reverse()  // oldest first
        let features = model.schema.features
        var numbers = [[Double]](repeating: [], count: features.count)
        var levels = [[String?]](repeating: [], count: features.count)
        var labels: [String?] = []
        var times: [String] = []
        var withoutInputs = 0
        for entry in records {
            guard let inputs = entry.record.inputs,
                  let objects = try? JSONSerialization.jsonObject(with: Data(inputs.utf8)) as? [[String: Any]] else {
                withoutInputs += 1
                continue
            }
            for (row, object) in objects.enumerated() {
                for (index, feature) in features.enumerated() {
                    let value = object[feature.name]
                    if feature.kind == .numeric {
                        numbers[index].append((value as? NSNumber)?.doubleValue ?? (value as? String).flatMap { Double($0) } ?? .nan)
                    } else {
                        levels[index].append((value as? String) ?? (value as? NSNumber).map { "\($0)" })
                    }
                }
                labels.append(entry.labels[row])
                times.append(entry.record.loggedAt)
            }
        }
        var columns: [(name: String, column: Column)] = []
        for (index, feature) in features.enumerated() {
            columns.append((feature.name, feature.kind == .numeric ? .numeric(NumericColumn(numbers[index]))
                                                                   : .categorical(CategoricalColumn(levels[index]))))
        }
        columns.append((Self.labelsColumn, .categorical(CategoricalColumn(labels))))
        table = try Table(columns)
        self.times = times
        self.since = since
        self.until = until
        requests = records.count
        requestsWithoutInputs = withoutInputs
        labelled = labels.lazy.filter { $0 != nil }.count
    }
}
