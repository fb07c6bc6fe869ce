@testable import ApusFormats
import ApusModel
import Foundation
import Testing

/// XGBoost models trained in Python (xgboost_reference.py) import and predict the margins
/// XGBoost predicts.
@Suite("XGBoost JSON import")
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
        for (text, message) in [("{}", "no `learner`"), ("[1]", "no `learner`"),
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
