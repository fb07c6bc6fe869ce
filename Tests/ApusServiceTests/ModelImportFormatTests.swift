import ApusModel
import ApusService
import Foundation
import Testing

/// `ModelImports.read` picks XGBoost's JSON or UBJSON reader by the file's first bytes.
@Suite("Model import formats")
struct ModelImportFormatTests {
    /// A one-split binary XGBoost model: x < 0.5 (missing goes left) gives margin −1, else 2.
    static var document: [String: Any] { [
        "version": [2, 1, 0],
        "learner": [
            "learner_model_param": ["num_feature": "1", "num_class": "0", "base_score": "5E-1"],
            "objective": ["name": "binary:logistic"],
            "feature_names": ["x"], "feature_types": ["float"],
            "gradient_booster": [
                "name": "gbtree",
                "model": [
                    "tree_info": [0],
                    "trees": [[
                        "left_children": [1, -1, -1], "right_children": [2, -1, -1], "split_indices": [0, 0, 0],
                        "split_conditions": [0.5, -1.0, 2.0], "default_left": [1, 0, 0],
                    ]],
                ],
            ],
        ],
    ] }

    /// `value` as UBJSON: objects and arrays with end markers, integers as int32, numbers as float64.
    static func ubjson(_ value: Any) -> [UInt8] {
        func length(_ count: Int) -> [UInt8] { [UInt8(ascii: "l")] + withUnsafeBytes(of: Int32(count).bigEndian) { Array($0) } }
        switch value {
        case let object as [String: Any]:
            return [UInt8(ascii: "{")] + object.keys.sorted().flatMap { key in length(key.utf8.count) + Array(key.utf8) + ubjson(object[key]!) } + [UInt8(ascii: "}")]
        case let array as [Any]:
            return [UInt8(ascii: "[")] + array.flatMap(ubjson) + [UInt8(ascii: "]")]
        case let text as String:
            return [UInt8(ascii: "S")] + length(text.utf8.count) + Array(text.utf8)
        case let integer as Int:
            return length(integer)
        case let number as Double:
            return [UInt8(ascii: "D")] + withUnsafeBytes(of: number.bitPattern.bigEndian) { Array($0) }
        default:
            return [UInt8(ascii: "Z")]
        }
    }

    @Test func jsonAndUBJSONFilesReadAsTheSameModel() throws {
        let directory = NSTemporaryDirectory() + "apus-xgb-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        try JSONSerialization.data(withJSONObject: Self.document).write(to: URL(fileURLWithPath: "\(directory)/model.json"))
        try Data(Self.ubjson(Self.document)).write(to: URL(fileURLWithPath: "\(directory)/model.ubj"))
        let fromJSON = try ModelImports.read(path: "\(directory)/model.json", format: .xgboost, target: nil)
        let fromUBJSON = try ModelImports.read(path: "\(directory)/model.ubj", format: .xgboost, target: nil)
        let rows: [Double] = [0.2, 0.9, .nan]
        #expect(try fromJSON.ensemble.rawScores(features: rows, threads: 1) == [-1, 2, -1])
        #expect(try fromUBJSON.ensemble.rawScores(features: rows, threads: 1) == [-1, 2, -1])
        #expect(fromUBJSON.schema == fromJSON.schema && fromUBJSON.target == "label")
        // A truncated UBJSON file says where it ends.
        try Data(Self.ubjson(Self.document).prefix(40)).write(to: URL(fileURLWithPath: "\(directory)/cut.ubj"))
        #expect(throws: (any Error).self) { try ModelImports.read(path: "\(directory)/cut.ubj", format: .xgboost, target: nil) }
    }
}
