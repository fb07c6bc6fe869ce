@testable import ApusFormats
import ApusModel
import FormatProtos
import Foundation
import Testing

/// ONNX models import: Apus's own exports come back (opset 5 exactly, classic to float
/// precision), other converters' models (onnxmltools' LightGBM, skl2onnx's scikit-learn)
/// predict what onnxruntime predicts, and damaged files give errors, never a crash.
@Suite("ONNX import")
struct ONNXImportTests {
    static let foreign = PythonReference.run("onnx_foreign.py", packages: "onnxmltools skl2onnx scikit-learn lightgbm onnxruntime numpy")

    /// The export test cases (EdgeModels and LightGBM's reference models) with their rows.
    static func cases() throws -> [ONNXExportTests.Case] {
        try ONNXExportTests.exported.get().cases.values.sorted { $0.name < $1.name }
    }

    @Test func theOpset5ExportComesBackExactly() throws {
        for testCase in try Self.cases() {
            let model = testCase.model
            let bytes = try ONNXExport.bytes(for: model, operator: .treeEnsemble)
            let back = try ONNXImport.model(bytes: bytes)
            // Double rows, not rounded to float: thresholds and leaves are doubles both ways.
            let rows = testCase.features.enumerated().map { $0.element.isNaN ? $0.element : $0.element + Double($0.offset % 7) * 1e-12 }
            #expect(try back.ensemble.rawScores(features: rows, threads: 1) == model.ensemble.rawScores(features: rows, threads: 1), "\(testCase.name)")
            #expect(back.schema == model.schema && back.classes == model.classes && back.task == model.task, "\(testCase.name)")
            #expect(back.target == model.target && back.objective == model.objective && back.training == model.training)
            #expect(back.ensemble.baseScore == model.ensemble.baseScore && back.ensemble.link == model.ensemble.link)
            #expect(back.ensemble.trees.map(\.leafValue) == model.ensemble.trees.map { tree in
                // The importer numbers nodes depth first; leaves follow in that order.
                let order = tree.internalNodeCount == 0 ? [0] : leafOrder(tree)
                return order.map { tree.leafValue[$0] }
            }, "\(testCase.name)")
            #expect(back.parameters["imported_from"] == "onnx (apus)")
        }
    }

    /// `tree`'s leaves in depth-first order, left first.
    func leafOrder(_ tree: Tree) -> [Int] {
        var leaves: [Int] = [], stack: [Int32] = [0]
        while let node = stack.popLast() {
            if node < 0 { leaves.append(Int(~node)); continue }
            stack.append(tree.rightChild[Int(node)])
            stack.append(tree.leftChild[Int(node)])
        }
        return leaves
    }

    @Test func theClassicExportComesBackToFloatPrecision() throws {
        for testCase in try Self.cases() {
            let model = testCase.model
            let back = try ONNXImport.model(bytes: try ONNXExport.bytes(for: model, operator: .classic))
            #expect(back.schema == model.schema && back.classes == model.classes, "\(testCase.name)")
            let got = try back.ensemble.rawScores(features: testCase.features, threads: 1)
            let want = try model.ensemble.rawScores(features: testCase.features, threads: 1)
            let worst = zip(got, want).map { abs($0 - $1) / max(1, abs($1)) }.max() ?? 0
            #expect(worst < 1e-5, "\(testCase.name): \(worst)")
        }
    }

    @Test(arguments: [
        "onnxmltools_lgbm_binary", "onnxmltools_lgbm_multiclass", "onnxmltools_lgbm_regression",
        "skl2onnx_random_forest_regressor", "skl2onnx_gradient_boosting_binary",
    ])
    func otherConvertersModelsPredictWhatOnnxruntimePredicts(name: String) throws {
        let directory = try Self.foreign.get()
        let model = try ONNXImport.model(bytes: Array(try Data(contentsOf: URL(fileURLWithPath: "\(directory)/\(name).onnx"))))
        let shape = try String(contentsOfFile: "\(directory)/\(name).shape", encoding: .utf8).split(whereSeparator: \.isWhitespace).compactMap { Int($0) }
        #expect(shape.count == 2 && shape[1] == model.schema.count)
        let features = try Self.floats("\(directory)/\(name).f32")
        let expected = try Self.floats("\(directory)/\(name).expected.f32")
        var predictions = try model.ensemble.predict(features: features, threads: 1)
        if model.task == .binary { predictions = predictions.flatMap { (positive: Double) -> [Double] in [1 - positive, positive] } }
        #expect(predictions.count == expected.count)
        let worst = zip(predictions, expected).map { abs($0 - $1) / max(1, abs($1)) }.max() ?? 0
        #expect(worst < 1e-5, "\(name): largest relative difference \(worst)")
        #expect(model.parameters["imported_from"]?.hasPrefix("onnx") == true)
    }

    @Test func aRandomForestClassifiersAveragedProbabilitiesAreRefused() throws {
        let directory = try Self.foreign.get()
        let bytes = Array(try Data(contentsOf: URL(fileURLWithPath: "\(directory)/skl2onnx_random_forest_classifier.onnx")))
        #expect(Self.importError(bytes)?.contains("post_transform `NONE`") == true, "\(Self.importError(bytes) ?? "imported")")
    }

    static func floats(_ path: String) throws -> [Double] {
        try Data(contentsOf: URL(fileURLWithPath: path)).withUnsafeBytes { raw in raw.bindMemory(to: Float.self).map { Double($0) } }
    }

    /// The import error's text for `bytes`, or nil when they import.
    static func importError(_ bytes: [UInt8]) -> String? {
        do {
            _ = try ONNXImport.model(bytes: bytes)
            return nil
        } catch {
            return error.description
        }
    }

    /// A classic export of the edge model, with `change` applied to its tree node's attributes.
    static func tampered(_ change: (inout [Onnx_AttributeProto]) -> Void) throws -> [UInt8] {
        var proto = ONNXExport.modelProto(for: try EdgeModels.binary(), operator: .classic, producerVersion: "")
        change(&proto.graph.node[0].attribute)
        return try proto.serializedBytes()
    }

    static func set(_ name: String, ints: [Int64]) -> (inout [Onnx_AttributeProto]) -> Void {
        { attributes in
            if let index = attributes.firstIndex(where: { $0.name == name }) { attributes[index].ints = ints }
        }
    }

    @Test func damagedFilesSayWhatIsWrong() throws {
        #expect(Self.importError([])?.contains("no ai.onnx.ml") == true)
        #expect(Self.importError(Array("hello, this is not protobuf".utf8))?.contains("not an ONNX model") == true)
        let original = ONNXExport.modelProto(for: try EdgeModels.binary(), operator: .classic, producerVersion: "")
        let nodeCount = original.graph.node[0].attribute.first { $0.name == "nodes_treeids" }!.ints.count
        // A node that branches to itself: a cycle, cut off from the root.
        var selfLoop = original.graph.node[0].attribute.first { $0.name == "nodes_truenodeids" }!.ints
        selfLoop[0] = 0
        #expect(Self.importError(try Self.tampered(Self.set("nodes_truenodeids", ints: selfLoop)))?.contains("a cycle") == true)
        var noRoot = selfLoop
        noRoot[0] = 1
        var noRootFalse = original.graph.node[0].attribute.first { $0.name == "nodes_falsenodeids" }!.ints
        noRootFalse[1] = 0
        let bothChanged = try Self.tampered { attributes in
            Self.set("nodes_truenodeids", ints: noRoot)(&attributes)
            Self.set("nodes_falsenodeids", ints: noRootFalse)(&attributes)
        }
        #expect(Self.importError(bothChanged)?.contains("expected one root") == true, "\(Self.importError(bothChanged) ?? "imported")")
        // A branch to a node that does not exist.
        var missing = selfLoop
        missing[0] = 999
        #expect(Self.importError(try Self.tampered(Self.set("nodes_truenodeids", ints: missing)))?.contains("does not have") == true)
        // A feature beyond the input.
        var features = original.graph.node[0].attribute.first { $0.name == "nodes_featureids" }!.ints
        features[0] = 7
        #expect(Self.importError(try Self.tampered(Self.set("nodes_featureids", ints: features)))?.contains("feature 7") == true)
        // Lists of different lengths.
        #expect(Self.importError(try Self.tampered(Self.set("nodes_nodeids", ints: [0])))?.contains("has 1 entries for \(nodeCount) nodes") == true)
        // An attribute missing.
        #expect(Self.importError(try Self.tampered { $0.removeAll { $0.name == "nodes_modes" } })?.contains("nodes_modes") == true)
        // Two tree nodes.
        var twice = original
        twice.graph.node.append(original.graph.node[0])
        #expect(Self.importError(try twice.serializedBytes())?.contains("2 tree-ensemble nodes") == true)
    }

    @Test func aCycleInAnOpset5FileIsFound() throws {
        var proto = ONNXExport.modelProto(for: try EdgeModels.binary(), operator: .treeEnsemble, producerVersion: "")
        let trees = proto.graph.node.firstIndex { $0.opType == "TreeEnsemble" }!
        var attributes = proto.graph.node[trees].attribute
        let trueIDs = attributes.firstIndex { $0.name == "nodes_truenodeids" }!, trueLeafs = attributes.firstIndex { $0.name == "nodes_trueleafs" }!
        // Node 1's true branch goes back to node 0, the root: a cycle.
        attributes[trueIDs].ints[1] = 0
        attributes[trueLeafs].ints[1] = 0
        proto.graph.node[trees].attribute = attributes
        let message = Self.importError(try proto.serializedBytes())
        #expect(message?.contains("cycle") == true, "\(message ?? "imported")")
    }

    /// Thousands of corrupted copies of real exports: each imports or throws ImportError.
    @Test(arguments: ONNXExport.Operator.allCases)
    func corruptedFilesNeverCrash(form: ONNXExport.Operator) throws {
        let sources = [try EdgeModels.binary(), try EdgeModels.multiclass()].map { model in
            (try? ONNXExport.bytes(for: model, operator: form)) ?? []
        }
        var random = SplitMix(seed: form == .classic ? 1 : 2)
        var imported = 0, refused = 0
        for round in 0..<1_500 {
            var bytes = sources[round % 2]
            switch random.next() % 4 {
            case 0:
                for _ in 0...(random.next() % 8) { bytes[Int(random.next() % UInt64(bytes.count))] ^= UInt8(truncatingIfNeeded: random.next() | 1) }
            case 1:
                bytes = Array(bytes.prefix(Int(random.next() % UInt64(bytes.count))))
            case 2:
                let at = Int(random.next() % UInt64(bytes.count))
                bytes.insert(contentsOf: (0..<(1 + random.next() % 16)).map { _ in UInt8(truncatingIfNeeded: random.next()) }, at: at)
            default:
                // A varint made huge: lengths and counts become absurd.
                let at = Int(random.next() % UInt64(bytes.count - 4))
                bytes.replaceSubrange(at..<at + 4, with: [0xFF, 0xFF, 0xFF, 0x7F])
            }
            do {
                let model = try ONNXImport.model(bytes: bytes)
                _ = try model.ensemble.predict(features: EdgeModels.rows.prefix(model.schema.count * 4).map { $0 }, threads: 1)
                imported += 1
            } catch is ImportError {
                refused += 1
            } catch {
                // A prediction error (a changed feature count) is an error too, not a crash.
                refused += 1
            }
        }
        #expect(imported + refused == 1_500 && refused > 500, "\(imported) imported, \(refused) refused")
    }
}
