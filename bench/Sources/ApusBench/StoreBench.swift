import ApusStore
import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// `apus-bench store [--runs 10000] [--metrics 50] [--params 30] [--repeat 5] [--dir PATH] [--keep] [--reuse STORE]`:
/// records `--runs` runs in a fresh `SQLiteStore` (in a new folder under `--dir`, default the
/// system's temporary folder; removed afterwards unless `--keep`), then times listing,
/// filtering and comparing them. Prints one JSON line. `--reuse STORE` skips the recording
/// and times the listings of a store kept by an earlier `--keep` (for profiling them).
///
/// Each run, as one training run would record it: `startRun` with `--params` parameters
/// (`num_leaves` cycles through 15, 31, 63, 127, 255 and `learning_rate` through 0.01 to 0.2,
/// the rest fixed or drawn) and 3 tags; one `logMetrics` call with `--metrics` final values
/// at step 0 (`auc` uniform in [0.5, 1), `logloss`, `accuracy`, ... then `metric_NN`, all
/// from a SplitMix64 stream seeded with the run's number, so every run of the bench records
/// the same values); `finishRun` as finished with a `RunCost`. Timed as a whole (`record_s`,
/// `runs_per_s`) and per call kind (`start_s`, `log_s`, `finish_s`).
///
/// Then each operation `--repeat` times (median and every time, in ms):
///   list_newest_50          runs(RunQuery())                                        (newest 50)
///   filter_metric_50        metrics.auc > 0.9, limit 50
///   filter_metric_param_50  metrics.auc > 0.9 and params.num_leaves = '31', limit 50
///   order_auc_desc_50       ordered by metrics.auc, descending, limit 50
///   list_1000               the newest 1000
///   get_run                 run(id) of the middle run, in full
///   compare_2               run(a) and run(b) in full, and metricHistory(a, "auc")
///   count_filter_10000      metrics.auc > 0.9 with limit 10000, counted
/// `db_mb` is the size of store.sqlite and its -wal file after the timings.
func runStoreBench(_ arguments: [String]) throws {
    func option(_ name: String) -> String? {
        arguments.firstIndex(of: name).flatMap { $0 + 1 < arguments.count ? arguments[$0 + 1] : nil }
    }
    func count(_ name: String, _ fallback: Int, minimum: Int) throws -> Int {
        guard let text = option(name) else { return fallback }
        guard let value = Int(text), value >= minimum else { throw BenchError("\(name) must be an integer ≥ \(minimum)") }
        return value
    }
    let requestedRuns = try count("--runs", 10_000, minimum: 2)
    var metricCount = try count("--metrics", 50, minimum: 1)
    var parameterCount = try count("--params", 30, minimum: 2)
    let repeats = try count("--repeat", 5, minimum: 1)
    let reuse = option("--reuse")
    let keep = arguments.contains("--keep") || reuse != nil
    let parent = option("--dir") ?? NSTemporaryDirectory()
    let folder = reuse ?? (parent as NSString).appendingPathComponent("apus-store-bench-\(getpid())-\(UInt32.random(in: 0...UInt32.max))")
    guard reuse != nil || !FileManager.default.fileExists(atPath: folder) else { throw BenchError("\(folder) exists already") }
    defer { if !keep { try? FileManager.default.removeItem(atPath: folder) } }

    let openStart = now()
    let store = try SQLiteStore(directory: folder, actor: "bench", apusVersion: "bench")
    let openSeconds = now() - openStart
    let origin = RunOrigin(user: "bench", host: ProcessIdentity.host, pid: ProcessIdentity.pid,
                           processStart: ProcessIdentity.startTime, apusVersion: "bench", gitCommit: nil)
    let metricNames = storeBenchMetricNames(metricCount)

    // Recording.
    var ids: [String] = []
    ids.reserveCapacity(requestedRuns)
    var startSeconds = 0.0, logSeconds = 0.0, finishSeconds = 0.0
    let recordStart = now()
    if reuse != nil {
        ids = try store.runs(RunQuery(ascending: true, limit: Int.max)).map(\.id)
        guard ids.count >= 2 else { throw BenchError("the store at \(folder) has fewer than 2 runs") }
        let first = try store.run(ids[0])
        metricCount = first.metrics.count
        parameterCount = first.parameters.count
    }
    for index in 0..<(reuse == nil ? requestedRuns : 0) {
        var random = SplitMix64(seed: UInt64(index))
        let parameters = storeBenchParameters(index, count: parameterCount, random: &random)
        let metrics = metricNames.map { MetricPoint(key: $0, value: storeBenchMetricValue($0, random: &random), step: 0) }
        let cost = RunCost(cpuSeconds: random.unit() * 60, wallSeconds: random.unit() * 40, peakMemoryBytes: Int64(random.unit() * 4e9),
                           energyJoules: random.unit() * 900, energyMethod: "estimate")
        var t = now()
        let id = try store.startRun(RunStart(
            experiment: "bench", kind: "train", parameters: parameters,
            tags: ["team": "team-\(index % 4)", "dataset": "credit", "purpose": "bench"], seed: index, origin: origin))
        startSeconds += now() - t
        t = now()
        try store.logMetrics(metrics, run: id)
        logSeconds += now() - t
        t = now()
        try store.finishRun(id, status: .finished, message: nil, cost: cost, artifacts: [:])
        finishSeconds += now() - t
        ids.append(id)
    }
    let recordSeconds = now() - recordStart
    let runCount = ids.count
    let recorded = reuse == nil

    // Listings and fetches.
    let aucFilter = try RunFilter(parsing: "metrics.auc > 0.9")
    let bothFilter = try RunFilter(parsing: "metrics.auc > 0.9 and params.num_leaves = '31'")
    let middle = ids[runCount / 2], other = ids[runCount / 3]
    let operations: [(String, () throws -> Int)] = [
        ("list_newest_50", { try store.runs(RunQuery()).count }),
        ("filter_metric_50", { try store.runs(RunQuery(filter: aucFilter, limit: 50)).count }),
        ("filter_metric_param_50", { try store.runs(RunQuery(filter: bothFilter, limit: 50)).count }),
        ("order_auc_desc_50", { try store.runs(RunQuery(orderBy: "metrics.auc", ascending: false, limit: 50)).count }),
        ("list_1000", { try store.runs(RunQuery(limit: 1000)).count }),
        ("get_run", {
            let run = try store.run(middle)
            return run.parameters.count + run.metrics.count + run.tags.count
        }),
        ("compare_2", {
            let a = try store.run(middle), b = try store.run(other)
            let history = try store.metricHistory(run: middle, key: "auc")
            return (a.metrics.count + b.metrics.count) + history.count
        }),
        ("count_filter_10000", { try store.runs(RunQuery(filter: aucFilter, limit: 10_000)).count }),
    ]
    var results: [String] = []
    for (name, operation) in operations {
        var times: [Double] = []
        var rows = 0
        for _ in 0..<repeats {
            let t = now()
            rows = try operation()
            times.append((now() - t) * 1000)
        }
        let sorted = times.sorted()
        let median = sorted.count % 2 == 1 ? sorted[sorted.count / 2] : (sorted[sorted.count / 2 - 1] + sorted[sorted.count / 2]) / 2
        results.append("\"\(name)\":{\"median_ms\":\(median),\"ms_all\":\(times),\"rows\":\(rows)}")
    }
    // What the filters matched, to check against the anchor's.
    let aucMatches = try store.runs(RunQuery(filter: aucFilter, limit: runCount)).count
    let bothMatches = try store.runs(RunQuery(filter: bothFilter, limit: runCount)).count
    let best = try store.runs(RunQuery(orderBy: "metrics.auc", limit: 1)).first?.metrics["auc"] ?? .nan

    func fileBytes(_ path: String) -> Int64 {
        ((try? FileManager.default.attributesOfItem(atPath: path))?[.size] as? NSNumber)?.int64Value ?? 0
    }
    let databaseBytes = fileBytes(store.databasePath), walBytes = fileBytes(store.databasePath + "-wal")
    print("""
    {"tool":"apus-store","runs":\(runCount),"metrics":\(metricCount),"params":\(parameterCount),"tags":3,"repeat":\(repeats),\
    "open_s":\(openSeconds),"record_s":\(recorded ? "\(recordSeconds)" : "null"),\
    "runs_per_s":\(recorded ? "\(Double(runCount) / recordSeconds)" : "null"),\
    "start_s":\(recorded ? "\(startSeconds)" : "null"),"log_s":\(recorded ? "\(logSeconds)" : "null"),\
    "finish_s":\(recorded ? "\(finishSeconds)" : "null"),\
    "ops":{\(results.joined(separator: ","))},\
    "auc_gt_0.9":\(aucMatches),"auc_gt_0.9_leaves_31":\(bothMatches),"best_auc":\(best),\
    "db_mb":\(Double(databaseBytes + walBytes) / 1e6),"db_file_mb":\(Double(databaseBytes) / 1e6),"wal_mb":\(Double(walBytes) / 1e6),\
    "dir":"\(folder)","kept":\(keep),"peak_rss_mb":\(peakResidentMegabytes())}
    """)
}

/// The metric names of every run: common ones first, then `metric_NN`.
func storeBenchMetricNames(_ count: Int) -> [String] {
    let common = ["auc", "logloss", "accuracy", "precision", "recall", "f1", "rmse", "mae", "r2", "mape",
                  "valid_auc", "valid_logloss", "train_auc", "train_logloss", "brier", "ks", "gini", "pr_auc",
                  "balanced_accuracy", "mcc"]
    return (0..<count).map { $0 < common.count ? common[$0] : "metric_\($0)" }
}

/// A metric's value: `auc` uniform in [0.5, 1) (so `auc > 0.9` holds for a fifth of the
/// runs), losses in [0.1, 1.1), everything else in [0, 1).
func storeBenchMetricValue(_ name: String, random: inout SplitMix64) -> Double {
    let u = random.unit()
    switch name {
    case "auc": return 0.5 + 0.5 * u
    case "logloss", "rmse", "mae": return 0.1 + u
    default: return u
    }
}

/// A run's parameters: `num_leaves` and `learning_rate` vary with its number (a grid of
/// 5 × 5), a few others are drawn, the rest are fixed; `param_NN` fills up to `count`.
func storeBenchParameters(_ index: Int, count: Int, random: inout SplitMix64) -> [String: String] {
    let leaves = [15, 31, 63, 127, 255], rates = ["0.01", "0.03", "0.05", "0.1", "0.2"]
    var named: [(String, String)] = [
        ("num_leaves", String(leaves[index % 5])),
        ("learning_rate", rates[(index / 5) % 5]),
        ("num_iterations", String(100 * (1 + Int(random.unit() * 10)))),
        ("min_data_in_leaf", String(5 * (1 + Int(random.unit() * 10)))),
        ("feature_fraction", String(0.5 + Double(Int(random.unit() * 6)) / 10)),
        ("bagging_fraction", String(0.5 + Double(Int(random.unit() * 6)) / 10)),
        ("lambda_l2", String(Double(Int(random.unit() * 100)) / 10)),
        ("seed", String(index)),
        ("max_bin", "255"), ("max_depth", "-1"), ("lambda_l1", "0"), ("bagging_freq", "0"),
        ("min_sum_hessian_in_leaf", "0.001"), ("objective", "binary"), ("metric", "auc"), ("boosting", "gbdt"),
        ("num_threads", "2"), ("early_stopping_round", "0"), ("min_gain_to_split", "0"), ("extra_trees", "false"),
        ("path_smooth", "0"), ("max_cat_to_onehot", "4"), ("cat_smooth", "10"), ("cat_l2", "10"),
        ("max_cat_threshold", "32"), ("target", "default"), ("task", "binary"), ("train_file", "data/credit-train.csv"),
        ("valid_file", "data/credit-valid.csv"), ("data_rows", "200000"),
    ]
    if named.count > count { named.removeLast(named.count - count) }
    var parameters = Dictionary(uniqueKeysWithValues: named)
    for number in named.count..<max(count, named.count) { parameters["param_\(number)"] = String(random.unit()) }
    return parameters
}

/// SplitMix64: a small, seedable generator, the same on every platform.
struct SplitMix64 {
    var state: UInt64
    init(seed: UInt64) { state = seed &* 0x9E37_79B9_7F4A_7C15 &+ 0x1234_5678 }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
    /// Uniform in [0, 1).
    mutating func unit() -> Double { Double(next() >> 11) / 9_007_199_254_740_992 }
}
