import ApusStore
import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// `apus-bench predlog [--batch 1000] [--batches 20] [--dir PATH]`: appends `--batches`
/// batches of `--batch` prediction records to a fresh `SQLiteStore` (in a new folder under
/// `--dir`, default the system's temporary folder, removed afterwards), as the model server's
/// log writer does, then records one label for each record of the last batch. Prints one
/// JSON line.
///
/// Each record is one scored row of the credit scenario: a JSON object of its 14 features
/// (numbers and categories, about 250 bytes) as `inputs`, a probability and a label as
/// `outputs`, a UUID-like request id, and a time 1 ms after the previous record's.
///
///   batch_ms          every batch's `appendPredictions` time, in ms
///   median_batch_ms   their median
///   records_per_s     batch size / median batch time
///   overall_per_s     all records / all batches' time (WAL checkpoints included)
///   feedback_ms       `recordFeedback` of one label for each record of the last batch
///   input_bytes       the mean size of a record's `inputs`
///   db_mb             store.sqlite and its -wal file after the run
func runPredictionLogBench(_ arguments: [String]) throws {
    func option(_ name: String) -> String? {
        arguments.firstIndex(of: name).flatMap { $0 + 1 < arguments.count ? arguments[$0 + 1] : nil }
    }
    func count(_ name: String, _ fallback: Int) throws -> Int {
        guard let text = option(name) else { return fallback }
        guard let value = Int(text), value >= 1 else { throw BenchError("\(name) must be an integer ≥ 1") }
        return value
    }
    let batchSize = try count("--batch", 1000)
    let batches = try count("--batches", 20)
    let folder = ((option("--dir") ?? NSTemporaryDirectory()) as NSString)
        .appendingPathComponent("apus-predlog-bench-\(getpid())-\(UInt32.random(in: 0...UInt32.max))")
    defer { try? FileManager.default.removeItem(atPath: folder) }
    let store = try SQLiteStore(directory: folder, actor: "bench", apusVersion: "bench")

    let start: Int64 = 1_795_942_800_000  // 2026-11-29T09:00:00.000Z
    func record(_ i: Int) -> PredictionRecord {
        let inputs = """
            [{"age":\(20 + i % 50),"income":\(30_000 + i % 90_000).5,"employment_years":\(i % 30),"debt_ratio":0.\(i % 97),\
            "credit_lines":\(i % 12),"late_payments":\(i % 4),"utilization":0.\(i % 89),"loan_amount":\(5_000 + i % 40_000),\
            "loan_term":36,"home_ownership":"rent","purpose":"car","region":"north","has_mortgage":false,"inquiries_6m":\(i % 5)}]
            """
        let id = "\(String(i, radix: 16))-4e1c-4b7a-9f3d-\(String(UInt64(truncatingIfNeeded: i &* 2_654_435_761), radix: 16))"
        return PredictionRecord(
            requestID: id, model: "credit-risk", version: 1, reference: "credit-risk@champion", route: "v1",
            loggedAt: StoreClock.format(milliseconds: start + Int64(i)), latencyMicroseconds: 900 + i % 300, rowCount: 1,
            inputs: inputs, outputs: #"[{"probability":0.1375,"label":"0"}]"#)
    }

    var times: [Double] = []
    var inputBytes = 0
    var last: [PredictionRecord] = []
    for b in 0..<batches {
        let batch = (0..<batchSize).map { record(b * batchSize + $0) }
        inputBytes += batch.reduce(0) { $0 + ($1.inputs?.utf8.count ?? 0) }
        let t0 = now()
        let written = try store.appendPredictions(batch)
        times.append(now() - t0)
        guard written == batchSize else { throw BenchError("batch \(b): \(written) of \(batchSize) records written") }
        last = batch
    }
    let labels = last.map { FeedbackLabel(requestID: $0.requestID, row: 0, label: "1") }
    let t0 = now()
    _ = try store.recordFeedback(labels)
    let feedbackSeconds = now() - t0

    let sorted = times.sorted()
    let median = sorted.count % 2 == 1 ? sorted[sorted.count / 2] : (sorted[sorted.count / 2 - 1] + sorted[sorted.count / 2]) / 2
    let database = (folder as NSString).appendingPathComponent("store.sqlite")
    let bytes = [database, database + "-wal"].reduce(0) { total, path in
        total + ((try? FileManager.default.attributesOfItem(atPath: path)[.size] as? Int) ?? 0)
    }
    let batchMilliseconds = times.map { String(format: "%.2f", $0 * 1000) }.joined(separator: ",")
    print("""
        {"bench":"predlog","batch":\(batchSize),"batches":\(batches),"batch_ms":[\(batchMilliseconds)],\
        "median_batch_ms":\(String(format: "%.2f", median * 1000)),"records_per_s":\(Int(Double(batchSize) / median)),\
        "overall_per_s":\(Int(Double(batchSize * batches) / times.reduce(0, +))),\
        "feedback_ms":\(String(format: "%.2f", feedbackSeconds * 1000)),\
        "input_bytes":\(inputBytes / (batchSize * batches)),"db_mb":\(String(format: "%.1f", Double(bytes) / 1e6))}
        """)
}
