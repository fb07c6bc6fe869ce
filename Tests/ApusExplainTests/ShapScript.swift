import ApusExplain
import ApusFormats
import ApusModel
import Foundation

/// Runs the Python scripts beside these tests and reads what they write: models, rows to
/// explain, and shap's numbers.
enum ShapScript {
    /// Runs `script` (beside this file) with `arguments`; throws with its output on failure.
    static func run(_ script: String, _ arguments: [String]) throws {
        let path = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent(script).path
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3", path] + arguments
        let output = Pipe()
        process.standardOutput = output
        process.standardError = output
        try process.run()
        let printed = String(decoding: output.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        guard process.terminationStatus == 0 else {
            throw ExplainError("\(script) failed (pip install shap lime scikit-learn lightgbm xgboost pandas; .ci/run installs them): \(printed)")
        }
    }

    /// Runs `script` with a new folder as its only argument; returns the folder.
    static func references(_ script: String) throws -> String {
        let directory = NSTemporaryDirectory() + "apus-\(script.prefix { $0 != "." })-\(UUID().uuidString)"
        try run(script, [directory])
        return directory
    }

    /// The model `name` in `directory` (NAME.json for XGBoost names, else LightGBM's NAME.txt).
    static func model(_ directory: String, _ name: String) throws -> Model {
        name.hasPrefix("xgb")
            ? try XGBoostImport.model(json: try Data(contentsOf: URL(fileURLWithPath: "\(directory)/\(name).json")))
            : try LightGBMImport.model(text: try String(contentsOfFile: "\(directory)/\(name).txt", encoding: .utf8))
    }

    /// The rows of a CSV file with a header (empty = missing), encoded with `schema`.
    static func rows(_ path: String, schema: FeatureSchema) throws -> [Double] {
        let lines = try String(contentsOfFile: path, encoding: .utf8).split(separator: "\n")
        let header = lines[0].split(separator: ",", omittingEmptySubsequences: false).map(String.init)
        var features: [Double] = []
        for line in lines.dropFirst() {
            var record: [String: FeatureValue] = [:]
            for (column, value) in zip(header, line.split(separator: ",", omittingEmptySubsequences: false).map(String.init)) {
                record[column] = value.isEmpty ? .missing : Double(value).map(FeatureValue.number) ?? .string(value)
            }
            features += try schema.encode(record: record)
        }
        return features
    }

    /// Every number of a headerless CSV file, row after row.
    static func numbers(_ path: String) throws -> [Double] {
        try String(contentsOfFile: path, encoding: .utf8).split(separator: "\n").flatMap {
            $0.split(separator: ",").map { Double($0) ?? .nan }
        }
    }

    /// The largest `|got − want| / max(1, |want|)` and where it is.
    static func worstDifference(_ got: [Double], _ want: [Double]) -> (difference: Double, index: Int) {
        var worst = 0.0, worstIndex = 0
        for (index, (a, b)) in zip(got, want).enumerated() {
            let difference = abs(a - b) / max(1, abs(b))
            if difference.isNaN { return (.infinity, index) }
            if difference > worst { (worst, worstIndex) = (difference, index) }
        }
        return (worst, worstIndex)
    }
}
