@testable import ApusFormats
import ApusModel
import Foundation
import Testing

/// XGBoost models trained in Python (xgboost_reference.py) import and predict the margins
/// XGBoost predicts.
@Suite("XGBoost JSON and UBJSON import")
struct XGBoostImportTests {
    static let references = PythonReference.run("xgboost_reference.py", packages: "xgboost pandas numpy")

    @Test(arguments: ["binary", "multiclass", "regression", "poisson"])
    func predictsWhatXGBoostPredicts(name: String) throws {
        let directory = try Self.references.get()
        let model = try XGBoostImport.model(json: try Data(contentsOf: URL(fileURLWithPath: "\(directory)/\(name).json")))
        let (features, count) = try LightGBMImportTests.rows("\(directory)/\(name).csv", schema: model.schema)
        let raw = try model.ensemble.rawScores(features: features, threads: 1)
        let expected = try String(contentsOfFile: "\(directory)/\(name).raw.csv", encoding: .utf8).split(separator: "\n")
            .flatMap { $0.split(separator: ",").map { Double($0)! } }
        #expect(raw.count == expected.count && count > 0)
        // XGBoost sums in float32 and Apus in double: 1e-6 relative, the issue's bound.
        var worst = 0.0
        for (got, want) in zip(raw, expected) { worst = max(worst, abs(got - want) / max(1, abs(want))) }
        #expect(worst < 1e-6, "largest relative difference \(worst)")
    }

    /// The UBJSON form of each model (XGBoost's default since 2.1) reads as the same model.
    @Test(arguments: ["binary", "multiclass", "regression", "poisson"])
    func ubjsonFilesPredictWhatXGBoostPredicts(name: String) throws {
        let directory = try Self.references.get()
        let data = try Data(contentsOf: URL(fileURLWithPath: "\(directory)/\(name).ubj"))
        #expect(XGBoostImport.isUBJSON(data))
        #expect(!XGBoostImport.isUBJSON(try Data(contentsOf: URL(fileURLWithPath: "\(directory)/\(name).json"))))
        let model = try XGBoostImport.model(ubjson: data)
        let json = try XGBoostImport.model(json: try Data(contentsOf: URL(fileURLWithPath: "\(directory)/\(name).json")))
        #expect(model.schema == json.schema && model.classes == json.classes && model.ensemble.trees.count == json.ensemble.trees.count)
        let (features, _) = try LightGBMImportTests.rows("\(directory)/\(name).csv", schema: model.schema)
        let raw = try model.ensemble.rawScores(features: features, threads: 1)
        let expected = try String(contentsOfFile: "\(directory)/\(name).raw.csv", encoding: .utf8).split(separator: "\n")
            .flatMap { $0.split(separator: ",").map { Double($0)! } }
        var worst = 0.0
        for (got, want) in zip(raw, expected) { worst = max(worst, abs(got - want) / max(1, abs(want))) }
        #expect(raw.count == expected.count && worst < 1e-6, "largest relative difference \(worst)")
    }

    /// Corrupted copies of a real UBJSON model: each is refused or read, never a crash.
    @Test func corruptedUBJSONFilesNeverCrash() throws {
        let directory = try Self.references.get()
        let original = Array(try Data(contentsOf: URL(fileURLWithPath: "\(directory)/multiclass.ubj")))
        var generator = SplitMix(seed: 11)
        var refused = 0
        for round in 0..<1_000 {
            var bytes = original
            switch round % 3 {
            case 0: bytes = Array(bytes.prefix(Int(generator.next() % UInt64(bytes.count))))
            case 1:
                for _ in 0..<(1 + Int(generator.next() % 6)) {
                    bytes[Int(generator.next() % UInt64(bytes.count))] = UInt8(truncatingIfNeeded: generator.next())
                }
            default:
                bytes.insert(UInt8(truncatingIfNeeded: generator.next()), at: Int(generator.next() % UInt64(bytes.count)))
            }
            do {
                let model = try XGBoostImport.model(ubjson: Data(bytes))
                _ = try model.ensemble.rawScores(features: [Double](repeating: 0.5, count: model.schema.count * 3), threads: 1)
            } catch {
                refused += 1
            }
        }
        #expect(refused > 300, "\(refused) refused")
    }

    @Test func ubjsonValuesReadAsJSONSerializationGivesThem() throws {
        // {"a": [$d#i2 1.5 -2], "b": "hi", "c": {"d": [i 1, U 200, I -300, l 70000, L 2^40, T, F, Z]}}
        var bytes: [UInt8] = Array("{i\u{1}a[$d#i\u{2}".utf8)
        bytes += [0x3F, 0xC0, 0, 0, 0xC0, 0, 0, 0]
        bytes += Array("i\u{1}bSi\u{2}hi".utf8)
        bytes += Array("i\u{1}c{i\u{1}d[".utf8)
        bytes += [UInt8(ascii: "i"), 1, UInt8(ascii: "U"), 200, UInt8(ascii: "I"), 0xFE, 0xD4, UInt8(ascii: "l"), 0, 1, 0x11, 0x70]
        bytes += [UInt8(ascii: "L"), 0, 0, 1, 0, 0, 0, 0, 0] + Array("TFZ]}}".utf8)
        let value = try #require(try UBJSONReader.value(of: bytes) as? [String: Any])
        #expect(value["a"] as? [Double] == [1.5, -2])
        #expect(value["b"] as? String == "hi")
        let inner = try #require((value["c"] as? [String: Any])?["d"] as? [Any])
        #expect(inner.prefix(5).compactMap { ($0 as? NSNumber)?.int64Value } == [1, 200, -300, 70000, 1 << 40])
        #expect(inner[5] as? Bool == true && inner[6] as? Bool == false && inner[7] is NSNull)
    }

    @Test(arguments: [
        ([UInt8]("{i\u{1}a".utf8), "truncated"),
        ([UInt8(ascii: "["), UInt8(ascii: "#"), UInt8(ascii: "l"), 0x7F, 0xFF, 0xFF, 0xFF], "beyond"),
        ([UInt8(ascii: "q")], "unknown marker"),
        ([UInt8](repeating: UInt8(ascii: "["), count: 200), "nest deeper"),
        ([UInt8]("Z]".utf8), "follow the document"),
        ([UInt8(ascii: "["), UInt8(ascii: "$"), UInt8(ascii: "d"), UInt8(ascii: "]")], "without a count"),
    ])
    func badUBJSONSaysWhereItIsWrong(bytes: [UInt8], message: String) {
        do {
            _ = try UBJSONReader.value(of: bytes)
            Issue.record("read \(bytes)")
        } catch {
            #expect(error.description.contains(message), "\(error.description)")
        }
    }

    @Test func thresholdsKeepFloat32Semantics() {
        // Float(x) < t  ⇔  x <= the converted threshold, for doubles right around it.
        for t: Float in [0.16324401, 1, -2.5, 1e-30, 3.4e38, -0.0, 0.1] {
            let d = XGBoostImport.doubleThreshold(below: t)
            for x in [d, d.nextUp, d.nextDown, Double(t), Double(t).nextDown, Double(t.nextDown), Double(t.nextDown).nextUp] {
                #expect((Float(x) < t) == (x <= d), "t \(t), x \(x)")
            }
        }
    }

    /// Corrupted copies of a real model file: each is refused or read, never a crash.
    @Test func corruptedFilesNeverCrash() throws {
        let directory = try Self.references.get()
        let original = Array(try Data(contentsOf: URL(fileURLWithPath: "\(directory)/multiclass.json")))
        var generator = SplitMix(seed: 7)
        let alphabet = Array("0123456789-.,[]{}\":e".utf8)
        var refused = 0
        for round in 0..<1_000 {
            var bytes = original
            if round % 3 == 0 {
                bytes = Array(bytes.prefix(Int(generator.next() % UInt64(bytes.count))))
            } else {
                for _ in 0..<(1 + Int(generator.next() % 6)) {
                    bytes[Int(generator.next() % UInt64(bytes.count))] = alphabet[Int(generator.next() % UInt64(alphabet.count))]
                }
            }
            do {
                let model = try XGBoostImport.model(json: Data(bytes))
                _ = try model.ensemble.rawScores(features: [Double](repeating: 0.5, count: model.schema.count * 3), threads: 1)
            } catch {
                refused += 1
            }
        }
        #expect(refused > 100)
    }

    @Test func badFilesAreRefusedWithAReason() {
        for (text, message) in [("{}", "no `learner`"), ("[1]", "not a JSON object"),
                                (#"{"learner":{"learner_model_param":{"num_feature":"2"},"objective":{"name":"rank:pairwise"},"gradient_booster":{"name":"gbtree","model":{"trees":[],"tree_info":[]}}}}"#, "rank:pairwise"),
                                (#"{"learner":{"learner_model_param":{"num_feature":"2"},"objective":{"name":"binary:logistic"},"gradient_booster":{"name":"gblinear"}}}"#, "gbtree")] {
            do {
                _ = try XGBoostImport.model(json: Data(text.utf8))
                Issue.record("accepted \(text)")
            } catch {
                #expect(error.description.contains(message), "\(error.description)")
            }
        }
    }
}
