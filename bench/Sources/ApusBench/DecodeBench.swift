import ApusModel
import ApusServe
import ApusTable
import ApusTrain
import Foundation

/// `apus-bench decode DATA.csv --target COL BODY.json ... [--seconds S]`: the schema
/// training on DATA.csv would give, then for each Apus prediction body (`{"rows": [...]}`,
/// as `serve_anchor.py --make-bodies` writes them) the time to decode it into the feature
/// matrix with ``PredictionBodyDecoder``, against Foundation's `JSONSerialization` on the
/// same bytes (parsing only, and parsing plus `FeatureSchema.encode(record:)` per row).
/// Checks first that both give the same matrix. Prints one JSON line per body; times are
/// the best of five runs of at least `S` seconds (default 0.3) each, per body.
func runDecodeBench(_ arguments: [String]) throws {
    func option(_ name: String) -> String? {
        arguments.firstIndex(of: name).flatMap { $0 + 1 < arguments.count ? arguments[$0 + 1] : nil }
    }
    guard arguments.count >= 4, let target = option("--target") else {
        throw BenchError("usage: apus-bench decode DATA.csv --target COL BODY.json ... [--seconds S]")
    }
    let seconds = Double(option("--seconds") ?? "0.3") ?? 0.3
    var bodies: [String] = []
    var index = 3
    while index < arguments.count {
        if arguments[index].hasPrefix("--") { index += 2 } else { bodies.append(arguments[index]); index += 1 }
    }
    let table = try CSVReader.read(path: arguments[2]).table
    let schema = try TrainingData(table: table, target: target).schema
    let decoder = PredictionBodyDecoder(schema: schema, maxRows: 1_000_000)

    /// Seconds per call: the best over five runs of at least `seconds` each.
    func time(_ body: () throws -> Void) rethrows -> Double {
        var calls = 1
        var best = Double.infinity
        var runs = 0
        while runs < 5 {
            let start = now()
            for _ in 0..<calls { try body() }
            let elapsed = now() - start
            if elapsed < seconds {
                calls = elapsed > 0 ? max(calls * 2, Int(Double(calls) * seconds / elapsed * 1.1)) : calls * 10
                continue
            }
            best = min(best, elapsed / Double(calls))
            runs += 1
        }
        return best
    }

    func foundationDecode(_ data: Data) throws -> [Double] {
        guard let object = try JSONSerialization.jsonObject(with: data) as? [String: Any],
              let rows = object["rows"] as? [[String: Any]] else { throw BenchError("not an Apus {\"rows\": [...]} body") }
        var features: [Double] = []
        features.reserveCapacity(rows.count * schema.count)
        for row in rows {
            var record: [String: FeatureValue] = [:]
            for (key, value) in row {
                switch value {
                case let text as String: record[key] = .string(text)
                case let number as NSNumber: record[key] = .number(number.doubleValue)
                default: record[key] = .missing
                }
            }
            features += try schema.encode(record: record)
        }
        return features
    }

    for path in bodies {
        let data = try Data(contentsOf: URL(fileURLWithPath: path))
        let bytes = [UInt8](data)
        let decoded = try decoder.decodeApus(bytes)
        let reference = try foundationDecode(data)
        guard decoded.features.count == reference.count,
              zip(decoded.features, reference).allSatisfy({ $0.bitPattern == $1.bitPattern || ($0.isNaN && $1.isNaN) }) else {
            throw BenchError("\(path): the decoder and JSONSerialization disagree")
        }
        var rows = 0
        let apus = try bytes.withUnsafeBytes { body in
            try time { rows &+= try decoder.decodeApus(body).rows }
        }
        let parse = try time { _ = try JSONSerialization.jsonObject(with: data) }
        let parseAndEncode = try time { _ = try foundationDecode(data) }
        func microseconds(_ value: Double) -> String { String(format: "%.2f", value * 1e6) }
        print("""
        {"bench":"decode","body":"\(path)","bytes":\(bytes.count),"rows":\(decoded.rows),"features":\(schema.count),\
        "apus_us":\(microseconds(apus)),"jsonserialization_us":\(microseconds(parse)),\
        "jsonserialization_encode_us":\(microseconds(parseAndEncode)),\
        "speedup_vs_parse":\(String(format: "%.1f", parse / apus)),\
        "speedup_vs_parse_encode":\(String(format: "%.1f", parseAndEncode / apus)),\
        "apus_mb_per_s":\(String(format: "%.0f", Double(bytes.count) / apus / 1e6))}
        """)
    }
}
