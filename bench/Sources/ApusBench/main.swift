// apus-bench: timings of Apus's own code for bench/*.py, one measurement per process so
// that peak memory is that of the measured work alone. Prints one JSON line.
//
//   apus-bench csv FILE [--threads N] [--sample ROWS] [--block-mb MB]   read FILE into a table
//   apus-bench csv-stream FILE             stream FILE in batches, counting rows
//   apus-bench gbdt TRAIN TEST --target COL [--param NAME=VALUE ...]   train and predict (GBDTBench.swift)
//   apus-bench store [--runs N] [--metrics M] [--params P] [--dir PATH]   record runs, then list them (StoreBench.swift)
//   apus-bench predlog [--batch N] [--batches B] [--dir PATH]   append prediction-log batches (PredictionLogBench.swift)
//   apus-bench decode DATA.csv --target COL BODY.json ...   decode prediction bodies vs JSONSerialization (DecodeBench.swift)
//   apus-bench shap MODEL.apus ROWS.f32 [--threads T] [--repeat R] [--out VALUES.f64]   exact TreeSHAP (ExplainBench.swift)
//   apus-bench encode MODEL.apus DATA.csv OUT.f32   a model's float32 feature matrix (ExportBench.swift)
//   apus-bench mapped MODEL.bin ROWS.f32 [--apus MODEL.apus] [--repeat R] [--out PRED.f32]   mapped-runtime predictions (ExportBench.swift)
import ApusTable
#if canImport(Glibc)
import Glibc
#endif

func now() -> Double {
    var spec = timespec()
    clock_gettime(CLOCK_MONOTONIC, &spec)
    return Double(spec.tv_sec) + Double(spec.tv_nsec) / 1e9
}

/// A field of /proc/self/status in MB: `VmHWM` (peak resident memory of this address
/// space; unlike getrusage's ru_maxrss it does not carry over the parent's peak across exec)
/// or `VmRSS` (resident now).
func statusMegabytes(_ field: String) -> Double {
    guard let file = fopen("/proc/self/status", "r") else { return .nan }
    defer { fclose(file) }
    var line = [CChar](repeating: 0, count: 256)
    while fgets(&line, Int32(line.count), file) != nil {
        let text = String(decoding: line.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
        if text.hasPrefix(field + ":") {
            let digits = text.dropFirst(field.count + 1).filter { $0.isNumber }
            return (Double(String(digits)) ?? .nan) / 1024
        }
    }
    return .nan
}

func peakResidentMegabytes() -> Double { statusMegabytes("VmHWM") }

func columnBytes(_ table: Table) -> Int {
    table.columns.reduce(0) { total, column in
        switch column {
        case .numeric(let c): total + c.count * 8
        case .timestamp(let c): total + c.count * 8
        case .categorical(let c): total + c.count * 4 + c.levels.reduce(0) { $0 + $1.utf8.count }
        case .boolean(let c): total + c.count
        case .text(let c): total + c.bytes.count + c.count * 9
        }
    }
}

let arguments = CommandLine.arguments
if arguments.count >= 2 && arguments[1] == "store" {
    do { try runStoreBench(arguments) } catch {
        print("error: \(error)")
        exit(1)
    }
    exit(0)
}
if arguments.count >= 2 && arguments[1] == "predlog" {
    do { try runPredictionLogBench(arguments) } catch {
        print("error: \(error)")
        exit(1)
    }
    exit(0)
}
if arguments.count >= 2 && arguments[1] == "shap" {
    do { try runExplainBench(arguments) } catch {
        print("error: \(error)")
        exit(1)
    }
    exit(0)
}
if arguments.count >= 2 && (arguments[1] == "encode" || arguments[1] == "mapped") {
    do { try runExportBench(arguments) } catch {
        print("error: \(error)")
        exit(1)
    }
    exit(0)
}
if arguments.count >= 2 && arguments[1] == "decode" {
    do { try runDecodeBench(arguments) } catch {
        print("error: \(error)")
        exit(1)
    }
    exit(0)
}
guard arguments.count >= 3 else {
    print("usage: apus-bench csv|csv-stream FILE [--threads N] | gbdt TRAIN TEST --target COL [--param NAME=VALUE ...] | store [--runs N] [--metrics M] [--params P] [--repeat R] [--dir PATH] [--keep] [--reuse STORE] | predlog [--batch N] [--batches B] [--dir PATH] | decode DATA.csv --target COL BODY.json ...")
    exit(2)
}
if arguments[1] == "gbdt" {
    do { try runGBDTBench(arguments) } catch {
        print("error: \(error)")
        exit(1)
    }
    exit(0)
}
var options = CSVReadOptions()
if let index = arguments.firstIndex(of: "--threads"), index + 1 < arguments.count, let threads = Int(arguments[index + 1]) {
    options.threads = threads
}
if let index = arguments.firstIndex(of: "--sample"), index + 1 < arguments.count, let rows = Int(arguments[index + 1]) {
    options.inferenceSampleRows = rows
}
if let index = arguments.firstIndex(of: "--block-mb"), index + 1 < arguments.count, let megabytes = Int(arguments[index + 1]) {
    options.blockBytesPerThread = megabytes << 20
}
let path = arguments[2]
let baseline = statusMegabytes("VmRSS")
do {
    switch arguments[1] {
    case "csv":
        let start = now()
        let result = try CSVReader.read(path: path, options: options)
        let seconds = now() - start
        let bytes = columnBytes(result.table)
        print("""
        {"tool":"apus","file":"\(path)","seconds":\(seconds),"rows":\(result.table.rowCount),\
        "columns":\(result.table.columnCount),"file_mb":\(Double(result.report.bytes) / 1e6),\
        "column_mb":\(Double(bytes) / 1e6),"peak_rss_mb":\(peakResidentMegabytes()),"baseline_rss_mb":\(baseline)}
        """)
    case "csv-stream":
        let start = now()
        var rows = 0
        let report = try CSVReader.stream(path: path, options: options) { batch in rows += batch.rowCount }
        let seconds = now() - start
        print("""
        {"tool":"apus-stream","file":"\(path)","seconds":\(seconds),"rows":\(rows),\
        "columns":\(report.schema.columns.count),"file_mb":\(Double(report.bytes) / 1e6),\
        "peak_rss_mb":\(peakResidentMegabytes()),"baseline_rss_mb":\(baseline)}
        """)
    default:
        print("unknown benchmark \(arguments[1])")
        exit(2)
    }
} catch {
    print("error: \(error)")
    exit(1)
}
