import ApusModel
import ApusTable
import ApusTrain
#if canImport(Glibc)
import Glibc
#endif

/// `apus-bench gbdt TRAIN TEST --target COL [--task T] [--param NAME=VALUE ...] [--repeat R] [--predict-repeat P]`:
/// reads both files, trains (timed, including binning), predicts the test set (timed,
/// including feature encoding), and prints one JSON line with the timings, peak memory
/// and the anchors' metrics (binary: auc, logloss; multiclass: mlogloss, accuracy;
/// regression: rmse, mae).
func runGBDTBench(_ arguments: [String]) throws {
    let trainPath = arguments[2], testPath = arguments[3]
    func option(_ name: String) -> String? {
        arguments.firstIndex(of: name).flatMap { $0 + 1 < arguments.count ? arguments[$0 + 1] : nil }
    }
    let target = option("--target") ?? "label"
    guard let task = TaskChoice(rawValue: option("--task") ?? "auto") else { throw BenchError("unknown --task \(option("--task")!)") }
    guard let repeats = Int(option("--repeat") ?? "1"), repeats >= 1 else { throw BenchError("--repeat must be a positive integer") }
    guard let predictRepeats = Int(option("--predict-repeat") ?? "1"), predictRepeats >= 1 else {
        throw BenchError("--predict-repeat must be a positive integer")
    }
    var assignments: [String] = []
    for (index, argument) in arguments.enumerated() where argument == "--param" && index + 1 < arguments.count {
        assignments.append(arguments[index + 1])
    }
    let loadStart = now()
    let train = try CSVReader.read(path: trainPath).table
    let test = try CSVReader.read(path: testPath).table
    let loadSeconds = now() - loadStart
    let prepareStart = now()
    let data = try TrainingData(table: train, target: target, task: task)
    let prepareSeconds = now() - prepareStart
    var parameters = GBDTParameters()
    parameters = try parameters.setting(assignments)
    let rssBefore = statusMegabytes("VmRSS")
    var trainTimes: [Double] = [], predictTimes: [Double] = [], trainCPU: [Double] = [], encodeTimes: [Double] = []
    var model: Model?
    var predictions: [Double] = []
    var labels: [Double] = []
    for _ in 0..<repeats {
        let start = now(), cpuStart = cpuSeconds()
        model = try GBDTTrainer(parameters: parameters).train(data)
        trainTimes.append(now() - start)
        trainCPU.append(cpuSeconds() - cpuStart)
        // Timed: encoding the test table into the feature matrix, and predicting it.
        for _ in 0..<predictRepeats {
            let predictStart = now()
            let features = try model!.schema.encode(table: test)
            encodeTimes.append(now() - predictStart)
            predictions = try model!.ensemble.predict(features: features, threads: parameters.numThreads)
            predictTimes.append(now() - predictStart)
        }
        labels = try data.encode(test).labels
    }
    var metrics: [String: Double] = [:]
    switch data.task {
    case .binary:
        metrics["auc"] = try Metrics.named("auc").evaluate(labels: labels, predictions: predictions)
        metrics["logloss"] = try Metrics.named("logloss").evaluate(labels: labels, predictions: predictions)
    case .multiclass:
        metrics["mlogloss"] = try Metrics.named("multi_logloss").evaluate(labels: labels, predictions: predictions)
        metrics["accuracy"] = try Metrics.named("multi_accuracy").evaluate(labels: labels, predictions: predictions)
    case .regression:
        metrics["rmse"] = try Metrics.named("rmse").evaluate(labels: labels, predictions: predictions)
        metrics["mae"] = try Metrics.named("mae").evaluate(labels: labels, predictions: predictions)
    }
    let metricText = metrics.keys.sorted().map { "\"\($0)\":\(metrics[$0]!)" }.joined(separator: ",")
    print("""
    {"lib":"apus","train_rows":\(train.rowCount),"test_rows":\(test.rowCount),"load_s":\(loadSeconds),"prepare_s":\(prepareSeconds),\
    "train_s":\(trainTimes.min()!),"predict_s":\(predictTimes.min()!),"encode_s":\(encodeTimes.min()!),\
    "train_s_all":\(trainTimes),"train_cpu_s_all":\(trainCPU),"predict_s_all":\(predictTimes),"trees":\(model!.ensemble.trees.count),\
    \(metricText),"rss_before_train_mb":\(rssBefore),"peak_rss_mb":\(peakResidentMegabytes())}
    """)
}

struct BenchError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}

/// User plus system CPU seconds of this process so far.
func cpuSeconds() -> Double {
    var usage = rusage()
    getrusage(Int32(RUSAGE_SELF.rawValue), &usage)
    return Double(usage.ru_utime.tv_sec + usage.ru_stime.tv_sec) + Double(usage.ru_utime.tv_usec + usage.ru_stime.tv_usec) / 1e6
}
