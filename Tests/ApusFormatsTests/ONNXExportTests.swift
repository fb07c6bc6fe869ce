@testable import ApusFormats
import ApusModel
import Foundation
import Testing

/// Every model exported to ONNX, in both forms, runs in onnxruntime (onnx_runner.py) and
/// predicts what Apus predicts on the same float32 rows: to 1e-5 for the float32 classic
/// operators, to 1e-6 for opset 5's double-precision TreeEnsemble (its output is float32).
@Suite("ONNX export")
struct ONNXExportTests {
    /// One model and the rows it is checked on.
    struct Case: Sendable {
        var name: String
        var model: Model
        /// Row-major features, already rounded to float32.
        var features: [Double]
    }

    static let caseNames = ["binary", "multiclass", "regression", "poisson", "integer_categories", "edges", "edges_multiclass"]

    /// The cases, exported to a temporary folder and run by onnxruntime once per test process.
    static let exported: Result<(directory: String, cases: [String: Case]), any Error> = Result {
        let references = try LightGBMImportTests.references.get()
        var cases: [String: Case] = [:]
        for name in caseNames.prefix(5) {
            let model = try LightGBMImport.model(text: try String(contentsOfFile: "\(references)/\(name).txt", encoding: .utf8))
            let (features, _) = try LightGBMImportTests.rows("\(references)/\(name).csv", schema: model.schema)
            cases[name] = Case(name: name, model: model, features: withEdgeRows(features, schema: model.schema))
        }
        for (name, model) in [("edges", try EdgeModels.binary()), ("edges_multiclass", try EdgeModels.multiclass())] {
            cases[name] = Case(name: name, model: model, features: withEdgeRows(EdgeModels.rows, schema: model.schema))
        }
        let directory = NSTemporaryDirectory() + "apus-onnx-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        for (name, testCase) in cases {
            let floats = testCase.features.map(Float.init)
            for form in ONNXExport.Operator.allCases {
                let bytes = try ONNXExport.bytes(for: testCase.model, operator: form, producerVersion: "test")
                try Data(bytes).write(to: URL(fileURLWithPath: "\(directory)/\(name).\(form.rawValue).onnx"))
                try floats.withUnsafeBytes { try Data($0).write(to: URL(fileURLWithPath: "\(directory)/\(name).\(form.rawValue).f32")) }
            }
        }
        _ = try PythonReference.run("onnx_runner.py", packages: "onnx onnxruntime numpy", arguments: [directory]).get()
        return (directory, cases)
    }

    /// `features` rounded to float32, plus rows that reach the corners of every split: all
    /// missing, every categorical feature unseen (−1), and codes beyond every level set.
    static func withEdgeRows(_ features: [Double], schema: FeatureSchema) -> [Double] {
        var rows = features
        rows += [Double](repeating: .nan, count: schema.count)
        rows += schema.features.map { $0.kind == .categorical ? -1 : 0 }
        rows += schema.features.map { $0.kind == .categorical ? 1000 : 1e30 }
        rows += schema.features.map { $0.kind == .categorical ? 0 : -1e30 }
        return rows.map { Double(Float($0)) }
    }

    @Test(arguments: caseNames, ONNXExport.Operator.allCases)
    func onnxruntimePredictsWhatApusPredicts(name: String, form: ONNXExport.Operator) throws {
        let (directory, cases) = try Self.exported.get()
        let testCase = try #require(cases[name])
        let stem = "\(directory)/\(name).\(form.rawValue)"
        if let error = try? String(contentsOfFile: stem + ".error", encoding: .utf8) {
            Issue.record("onnxruntime refused \(name) (\(form.rawValue)): \(error)")
            return
        }
        let output = try Data(contentsOf: URL(fileURLWithPath: stem + ".out.f32"))
        let got: [Double] = output.withUnsafeBytes { raw in raw.bindMemory(to: Float.self).map { Double($0) } }
        let model = testCase.model
        var expected: [Double] = try model.ensemble.predict(features: testCase.features, threads: 1)
        if model.task == .binary {
            // Classifiers answer both columns.
            expected = expected.flatMap { (positive: Double) -> [Double] in [1 - positive, positive] }
        }
        #expect(got.count == expected.count, "\(got.count) outputs for \(expected.count) expected")
        let tolerance = form == .classic ? 1e-5 : 1e-6
        var worst = 0.0, worstIndex = 0
        for (index, (value, want)) in zip(got, expected).enumerated() {
            let difference = abs(value - want) / max(1, abs(want))
            if difference > worst { (worst, worstIndex) = (difference, index) }
        }
        #expect(worst <= tolerance, "\(name) \(form.rawValue): largest relative difference \(worst) at output \(worstIndex)")
        if form == .classic, model.task != .regression {
            let labels = try String(contentsOfFile: stem + ".label.txt", encoding: .utf8).split(separator: "\n").map(String.init)
            let perRow = model.task == .binary ? 2 : model.ensemble.scoresPerRow
            var agree = 0
            for row in 0..<labels.count {
                let probabilities = expected[row * perRow..<(row + 1) * perRow]
                let best = probabilities.indices.max { probabilities[$0] < probabilities[$1] }! - row * perRow
                // Where the top two probabilities are within float rounding, either label is right.
                let sorted = probabilities.sorted(by: >)
                if labels[row] == model.classes[best] || sorted[0] - sorted[1] < 1e-6 { agree += 1 }
            }
            #expect(labels.count == expected.count / perRow && agree == labels.count, "\(agree) of \(labels.count) labels agree")
        }
    }

    @Test func theFileCarriesTheModelsDescription() throws {
        let model = try EdgeModels.binary()
        let proto = ONNXExport.modelProto(for: model, operator: .treeEnsemble, producerVersion: "1.2.3")
        #expect(proto.producerName == "apus" && proto.producerVersion == "1.2.3")
        let entry = try #require(proto.metadataProps.first { $0.key == EmbeddedModelDescription.key })
        let description = try EmbeddedModelDescription.decode(json: entry.value)
        #expect(description.features == model.schema.features && description.classes == model.classes)
        #expect(proto.graph.input.first?.name == "input")
        #expect(proto.graph.input.first?.type.tensorType.shape.dim.last?.dimValue == Int64(model.schema.count))
    }

    @Test func exportingTwiceGivesTheSameBytes() throws {
        let model = try EdgeModels.multiclass()
        for form in ONNXExport.Operator.allCases {
            #expect(try ONNXExport.bytes(for: model, operator: form) == ONNXExport.bytes(for: model, operator: form))
        }
    }
}

/// Small hand-built models whose splits reach every routing rule: numeric splits with
/// missing values going either way, categorical sets with unseen levels going either way,
/// an empty-free set beyond 32 levels, and a one-leaf tree.
enum EdgeModels {
    static let schema: FeatureSchema = {
        let levels = (0..<40).map { "level\($0)" }
        // The features are fixed and distinct: the schema is valid.
        return try! FeatureSchema(features: [
            Feature(name: "x", kind: .numeric), Feature(name: "colour", kind: .categorical, levels: levels),
            Feature(name: "y", kind: .numeric),
        ])
    }()

    /// Rows covering the splits below: x around 0.25 and 1/3, every colour code, y signs.
    static let rows: [Double] = {
        var rows: [Double] = []
        for code in 0..<40 {
            let x = [0.25, 1.0 / 3, -1, 2, .nan][code % 5]
            let y = [1.5, -0.5, .nan, 0][code % 4]
            rows += [x, Double(code), y]
        }
        return rows
    }()

    static func tree(_ build: (inout Tree) -> Void) -> Tree {
        var tree = Tree()
        build(&tree)
        return tree
    }

    static func trees(leafOffset: Double) -> [Tree] {
        let numeric = tree { tree in
            let root = tree.appendNumericNode(feature: 0, threshold: 0.25, defaultLeft: true, gain: 1, hessian: 10, count: 10)
            let right = tree.appendNumericNode(feature: 2, threshold: 1.0 / 3, defaultLeft: false, gain: 1, hessian: 5, count: 5)
            tree.leftChild[root] = tree.appendLeaf(value: -0.5 + leafOffset, hessian: 5, count: 5)
            tree.rightChild[root] = Int32(right)
            tree.leftChild[right] = tree.appendLeaf(value: 0.75 + leafOffset, hessian: 2, count: 2)
            tree.rightChild[right] = tree.appendLeaf(value: 0.125, hessian: 3, count: 3)
        }
        let categorical = tree { tree in
            let root = tree.appendCategoricalNode(feature: 1, leftCodes: [0, 3, 33, 39], defaultLeft: false, unseenLeft: true, gain: 1, hessian: 10, count: 10)
            let next = tree.appendCategoricalNode(feature: 1, leftCodes: [5], defaultLeft: true, unseenLeft: false, gain: 1, hessian: 6, count: 6)
            tree.leftChild[root] = tree.appendLeaf(value: 1.25 - leafOffset, hessian: 4, count: 4)
            tree.rightChild[root] = Int32(next)
            tree.leftChild[next] = tree.appendLeaf(value: -2 + leafOffset, hessian: 3, count: 3)
            tree.rightChild[next] = tree.appendLeaf(value: 0.3, hessian: 3, count: 3)
        }
        let leaf = Tree(leafValue: 0.0625 + leafOffset, hessian: 10, count: 10)
        return [numeric, categorical, leaf]
    }

    static func binary() throws -> Model {
        let ensemble = try TreeEnsemble(trees: trees(leafOffset: 0), scoresPerRow: 1, baseScore: [-0.2], link: .sigmoid,
                                        featureKinds: schema.features.map(\.kind))
        return model(task: .binary, objective: "binary", classes: ["no", "yes"], ensemble: ensemble)
    }

    static func multiclass() throws -> Model {
        // Three rounds of three classes: the numeric, categorical and one-leaf trees in turn.
        var all: [Tree] = []
        for round in 0..<3 {
            let set = trees(leafOffset: Double(round) / 10)
            all += [set[round % 3], set[(round + 1) % 3], set[(round + 2) % 3]]
        }
        let ensemble = try TreeEnsemble(trees: all, scoresPerRow: 3, baseScore: [0.1, -0.1, 0], link: .softmax,
                                        featureKinds: schema.features.map(\.kind))
        return model(task: .multiclass, objective: "multiclass", classes: ["a", "b", "c"], ensemble: ensemble)
    }

    static func model(task: ModelTask, objective: String, classes: [String], ensemble: TreeEnsemble) -> Model {
        Model(task: task, objective: objective, target: "label", classes: classes, schema: schema, ensemble: ensemble,
              parameters: ["learning_rate": "0.1"], training: TrainingSummary(rows: 10, roundsTrained: ensemble.rounds, bestRound: ensemble.rounds, apusVersion: "test"))
    }
}
