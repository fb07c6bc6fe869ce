import ApusModel
import ApusTable
import ApusTrain
import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// `apus-bench encode MODEL.apus DATA.csv OUT.f32`: the model's feature matrix of DATA.csv
/// (categorical levels as codes, missing as NaN) as float32, row-major, for every runtime
/// bench/export_bench.py times. Prints `{"rows":N,"features":F}`.
///
/// `apus-bench mapped MODEL.bin ROWS.f32 [--apus MODEL.apus] [--repeat R] [--out PRED.f32]`:
/// maps the compact binary (timing the load: open, map, check), then predicts the float32
/// rows (widened to double beforehand, untimed) on one thread, the best of R runs; with
/// --apus, the same rows through the native `.apus` runtime on one thread too. Writes the
/// mapped model's predictions (float32) to --out. Prints one JSON line: load_ms,
/// mapped_predict_s, apus_predict_s, rows.
func runExportBench(_ arguments: [String]) throws {
    func option(_ name: String) -> String? {
        arguments.firstIndex(of: name).flatMap { $0 + 1 < arguments.count ? arguments[$0 + 1] : nil }
    }
    switch arguments[1] {
    case "encode":
        guard arguments.count >= 5 else { throw BenchError("usage: apus-bench encode MODEL.apus DATA.csv OUT.f32") }
        let model = try ModelFile.read(path: arguments[2])
        let table = try CSVReader.read(path: arguments[3]).table
        let features = try model.schema.encode(table: table).map { Float($0) }
        try features.withUnsafeBytes { try Data($0).write(to: URL(fileURLWithPath: arguments[4])) }
        print("{\"rows\":\(table.rowCount),\"features\":\(model.schema.count)}")
    case "mapped":
        guard arguments.count >= 4 else { throw BenchError("usage: apus-bench mapped MODEL.bin ROWS.f32 [--apus MODEL.apus] [--repeat R] [--out PRED.f32]") }
        let repeats = Int(option("--repeat") ?? "3") ?? 3
        let loadStart = now()
        let mapped = try MappedModel(path: arguments[2])
        let loadSeconds = now() - loadStart
        let raw = try Data(contentsOf: URL(fileURLWithPath: arguments[3]))
        let features: [Double] = raw.withUnsafeBytes { $0.bindMemory(to: Float.self).map { Double($0) } }
        let rows = mapped.featureCount > 0 ? features.count / mapped.featureCount : 0
        var predictions: [Double] = []
        var best = Double.infinity
        for _ in 0..<max(1, repeats) {
            let start = now()
            predictions = try mapped.predict(features: features)
            best = min(best, now() - start)
        }
        var apusBest: Double?
        if let path = option("--apus") {
            let model = try ModelFile.read(path: path)
            var fastest = Double.infinity
            for _ in 0..<max(1, repeats) {
                let start = now()
                _ = try model.ensemble.predict(features: features, threads: 1)
                fastest = min(fastest, now() - start)
            }
            apusBest = fastest
        }
        if let out = option("--out") {
            let floats = predictions.map { Float($0) }
            try floats.withUnsafeBytes { try Data($0).write(to: URL(fileURLWithPath: out)) }
        }
        print("{\"rows\":\(rows),\"load_ms\":\(loadSeconds * 1000),\"mapped_predict_s\":\(best)" + (apusBest.map { ",\"apus_predict_s\":\($0)" } ?? "") + "}")
    default:
        throw BenchError("unknown export benchmark \(arguments[1])")
    }
}
