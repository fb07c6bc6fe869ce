import ApusFormats
import ApusModel
import Foundation
import Testing

/// LightGBM models trained in Python (lightgbm_reference.py) import and predict the raw
/// scores LightGBM predicts, to 1e-9 relative.
@Suite("LightGBM text import")
struct LightGBMImportTests {
    /// The reference models, made once per test process.
    static let references = PythonReference.run("lightgbm_reference.py", packages: "lightgbm pandas numpy")

    static func rows(_ path: String, schema: FeatureSchema) throws -> (features: [Double], count: Int) {
        let lines = try String(contentsOfFile: path, encoding: .utf8).split(separator: "\n")
        let header = lines[0].split(separator: ",", omittingEmptySubsequences: false).map(String.init)
        var features: [Double] = []
        for line in lines.dropFirst() {
            let values = line.split(separator: ",", omittingEmptySubsequences: false).map(String.init)
            var record: [String: FeatureValue] = [:]
            for (name, value) in zip(header, values) {
                record[name] = value.isEmpty ? .missing : Double(value).map(FeatureValue.number) ?? .string(value)
            }
            features += try schema.encode(record: record)
        }
        return (features, lines.count - 1)
    }

    @Test(arguments: ["binary", "binary_sigmoid2", "multiclass", "regression", "poisson", "integer_categories"])
    func predictsWhatLightGBMPredicts(name: String) throws {
        let directory = try Self.references.get()
        let model = try LightGBMImport.model(text: try String(contentsOfFile: "\(directory)/\(name).txt", encoding: .utf8))
        let (features, count) = try Self.rows("\(directory)/\(name).csv", schema: model.schema)
        let raw = try model.ensemble.rawScores(features: features, threads: 1)
        let expected = try String(contentsOfFile: "\(directory)/\(name).raw.csv", encoding: .utf8).split(separator: "\n")
            .flatMap { $0.split(separator: ",").map { Double($0)! } }
        #expect(raw.count == expected.count && count > 0)
        // sigmoid:2 is folded into the leaves: Apus's raw score is 2 × LightGBM's.
        let scale = name == "binary_sigmoid2" ? 2.0 : 1.0
        var worst = 0.0
        for (got, want) in zip(raw, expected) {
            worst = max(worst, abs(got - scale * want) / max(1, abs(scale * want)))
        }
        #expect(worst < 1e-9, "largest relative difference \(worst)")
    }

    @Test func schemaTaskAndLinkFollowTheFile() throws {
        let directory = try Self.references.get()
        let binary = try LightGBMImport.model(text: try String(contentsOfFile: "\(directory)/binary.txt", encoding: .utf8))
        #expect(binary.task == .binary && binary.ensemble.link == .sigmoid && binary.classes == ["0", "1"])
        #expect(binary.schema.features.map(\.name) == ["a", "b", "c", "colour"])
        #expect(binary.schema.features[3].kind == .categorical)
        #expect(binary.schema.features[3].levels == ["blue", "green", "red", "violet"], "pandas' categories, in order")
        #expect(binary.ensemble.rounds == 30)
        #expect(binary.parameters["imported_from"]?.hasPrefix("lightgbm") == true)
        let multiclass = try LightGBMImport.model(text: try String(contentsOfFile: "\(directory)/multiclass.txt", encoding: .utf8))
        #expect(multiclass.task == .multiclass && multiclass.ensemble.scoresPerRow == 3 && multiclass.ensemble.link == .softmax)
        let poisson = try LightGBMImport.model(text: try String(contentsOfFile: "\(directory)/poisson.txt", encoding: .utf8))
        #expect(poisson.task == .regression && poisson.ensemble.link == .exp)
        let integers = try LightGBMImport.model(text: try String(contentsOfFile: "\(directory)/integer_categories.txt", encoding: .utf8))
        #expect(integers.schema.features[2].kind == .categorical)
        #expect(integers.schema.features[2].levels.first == "0")
    }

    @Test func anImportedModelSurvivesTheApusFileFormat() throws {
        let directory = try Self.references.get()
        let model = try LightGBMImport.model(text: try String(contentsOfFile: "\(directory)/binary.txt", encoding: .utf8))
        let path = "\(directory)/binary.apus"
        try ModelFile.write(model, to: path)
        let back = try ModelFile.read(path: path)
        let (features, _) = try Self.rows("\(directory)/binary.csv", schema: model.schema)
        #expect(try back.ensemble.rawScores(features: features, threads: 1) == model.ensemble.rawScores(features: features, threads: 1))
    }

    @Test(arguments: [
        ("", "no LightGBM header"),
        ("hello world", "is not a LightGBM model header line"),
        ("tree\nversion=v4\nnum_class=1\nmax_feature_idx=0\nfeature_names=a\nfeature_infos=[0:1]\nobjective=lambdarank\n\nTree=0\nnum_leaves=1\nleaf_value=1\n", "objective `lambdarank`"),
        ("tree\nversion=v4\nnum_class=1\nmax_feature_idx=0\nfeature_names=a\nfeature_infos=[0:1]\nobjective=binary\n\nTree=0\nnum_leaves=2\nsplit_feature=5\nthreshold=0.5\ndecision_type=2\nleft_child=-1\nright_child=-2\nleaf_value=1 2\n", "split feature 5"),
        ("tree\nversion=v4\nnum_class=1\nmax_feature_idx=0\nfeature_names=a\nfeature_infos=[0:1]\nobjective=binary\n\nTree=0\nnum_leaves=2\nsplit_feature=0\nthreshold=0.5\ndecision_type=2\nleft_child=0\nright_child=-2\nleaf_value=1 2\n", "valid ensemble"),
        ("tree\nversion=v4\nnum_class=1\nmax_feature_idx=0\nfeature_names=a\nfeature_infos=[0:1]\nobjective=binary\n\nTree=0\nnum_leaves=3\nleaf_value=1 2\n", "has 2 values, not 3"),
        ("tree\nversion=v4\nnum_class=1\nmax_feature_idx=0\nfeature_names=a\nfeature_infos=[0:1]\nobjective=regression\n\nTree=0\nnum_leaves=1\nleaf_value=1\nis_linear=1\n", "linear tree"),
    ])
    func badFilesAreRefusedWithAReason(text: String, message: String) {
        do {
            _ = try LightGBMImport.model(text: text)
            Issue.record("accepted: \(text.prefix(60))")
        } catch {
            #expect(error.description.contains(message), "\(error.description)")
        }
    }

    /// Thousands of corrupted copies of a real model file: each is refused or read, never a crash.
    @Test func corruptedFilesNeverCrash() throws {
        let directory = try Self.references.get()
        let original = Array(try String(contentsOfFile: "\(directory)/multiclass.txt", encoding: .utf8).utf8)
        var generator = SplitMix(seed: 42)
        let alphabet = Array("0123456789-=. \n[]:abcTre".utf8)
        var refused = 0
        for round in 0..<2_000 {
            var bytes = original
            switch round % 3 {
            case 0: bytes = Array(bytes.prefix(Int(generator.next() % UInt64(bytes.count))))
            default:
                for _ in 0..<(1 + Int(generator.next() % 8)) {
                    bytes[Int(generator.next() % UInt64(bytes.count))] = alphabet[Int(generator.next() % UInt64(alphabet.count))]
                }
            }
            do {
                let model = try LightGBMImport.model(text: String(decoding: bytes, as: UTF8.self))
                _ = try model.ensemble.rawScores(features: [Double](repeating: 0.5, count: model.schema.count * 3), threads: 1)
            } catch {
                refused += 1
            }
        }
        #expect(refused > 100)
    }
}

struct SplitMix: RandomNumberGenerator {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

/// Runs one of this folder's Python scripts into a fresh temporary folder; returns the folder.
enum PythonReference {
    /// Runs `script` with `arguments`, or with a fresh temporary folder when there are none.
    static func run(_ script: String, packages: String, arguments: [String] = []) -> Result<String, any Error> {
        Result {
            let directory = arguments.first ?? NSTemporaryDirectory() + "apus-\(script.prefix(while: { $0 != "_" }))-\(UUID().uuidString)"
            let path = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent(script).path
            try TestProcess.run("/usr/bin/env", ["python3", path] + (arguments.isEmpty ? [directory] : arguments),
                                failure: "\(script) failed (pip install \(packages); .ci/run installs them)")
            return directory
        }
    }
}
