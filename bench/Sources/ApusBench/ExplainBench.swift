import ApusExplain
import ApusModel
import Foundation

/// `apus-bench shap MODEL.apus ROWS.f32 [--threads T] [--repeat R] [--out VALUES.f64] [--table-bits B]
/// [--table-megabytes MB] [--recursive] [--interactions | --background BACKGROUND.f32]` (``TreeSHAPOptions``):
/// exact TreeSHAP values of float32 rows (widened to double beforehand, untimed), the best
/// of R runs on T threads (0: all); writes the values (float64, rows × scores × (features
/// + 1), or × (features + 1) again for interactions) to --out. `--interactions`: interaction
/// values; `--background`: interventional TreeSHAP against those rows. Prints one JSON line:
/// rows, seconds, rows_per_s, set_up_seconds (making the explainer).
func runExplainBench(_ arguments: [String]) throws {
    func option(_ name: String) -> String? {
        arguments.firstIndex(of: name).flatMap { $0 + 1 < arguments.count ? arguments[$0 + 1] : nil }
    }
    guard arguments.count >= 4 else { throw BenchError("usage: apus-bench shap MODEL.apus ROWS.f32 [--threads T] [--repeat R] [--out VALUES.f64]") }
    let model = try ModelFile.read(path: arguments[2])
    let raw = try Data(contentsOf: URL(fileURLWithPath: arguments[3]))
    let features: [Double] = raw.withUnsafeBytes { $0.bindMemory(to: Float.self).map { Double($0) } }
    let threads = Int(option("--threads") ?? "0") ?? 0, repeats = Int(option("--repeat") ?? "3") ?? 3
    var options = TreeSHAPOptions()
    if let bits = option("--table-bits").flatMap(Int.init) { options.tableBits = bits }
    if let megabytes = option("--table-megabytes").flatMap(Int.init) { options.tableBudgetBytes = megabytes << 20 }
    options.recursive = arguments.contains("--recursive")
    let setUp = now()
    let compute: () throws -> [Double]
    if let path = option("--background") {
        let background: [Double] = try Data(contentsOf: URL(fileURLWithPath: path)).withUnsafeBytes {
            $0.bindMemory(to: Float.self).map { Double($0) }
        }
        let explainer = try InterventionalTreeSHAP(model: model, background: background)
        compute = { try explainer.values(features: features, threads: threads) }
    } else {
        let explainer = try TreeSHAP(model.ensemble, options: options)
        let interactions = arguments.contains("--interactions")
        compute = {
            interactions ? try explainer.interactionValues(features: features, threads: threads)
                : try explainer.values(features: features, threads: threads)
        }
    }
    let setUpSeconds = now() - setUp
    var values: [Double] = []
    var best = Double.infinity
    for _ in 0..<max(1, repeats) {
        let start = now()
        values = try compute()
        best = min(best, now() - start)
    }
    if let out = option("--out") {
        try values.withUnsafeBytes { try Data($0).write(to: URL(fileURLWithPath: out)) }
    }
    let rows = features.count / max(1, model.schema.count)
    print("{\"rows\":\(rows),\"seconds\":\(best),\"rows_per_s\":\(Double(rows) / best),\"set_up_seconds\":\(setUpSeconds)}")
}
