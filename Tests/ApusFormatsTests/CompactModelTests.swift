import ApusFormats
import ApusModel
import Foundation
import Testing

/// The compact binary file: written by ``CompactModelFile``, read back by ``MappedModel``
/// with Apus's predictions (bit for bit unquantized; the quantized model's otherwise).
@Suite("Compact model file")
struct CompactModelTests {
    static let tasks: [ModelTask] = [.binary, .multiclass, .regression]
    static let rows = CompactModelFixtures.rows(300)

    /// The largest difference between `got` and `want`, relative to `max(1, |want|)`.
    static func worst(_ got: [Double], _ want: [Double]) -> Double {
        guard got.count == want.count else { return .infinity }
        return zip(got, want).map { abs($0 - $1) / max(1, abs($1)) }.max() ?? 0
    }

    @Test(arguments: tasks)
    func unquantizedFilesPredictBitForBit(task: ModelTask) throws {
        let model = try CompactModelFixtures.model(task)
        let mapped = try MappedModel(bytes: try CompactModelFile.encode(model, quantization: .none))
        #expect(try mapped.rawScores(features: Self.rows) == model.ensemble.rawScores(features: Self.rows, threads: 1))
        #expect(try mapped.predict(features: Self.rows) == model.ensemble.predict(features: Self.rows, threads: 1))
        #expect(mapped.link == model.ensemble.link && mapped.quantization == .none)
    }

    @Test(arguments: tasks, [QuantizationMode.f16, .i8])
    func quantizedFilesPredictTheQuantizedModel(task: ModelTask, mode: QuantizationMode) throws {
        let model = try CompactModelFixtures.model(task)
        let quantized = try ModelQuantization.quantize(model, mode: mode)
        let mapped = try MappedModel(bytes: try CompactModelFile.encode(model, quantization: mode))
        let raw = try mapped.rawScores(features: Self.rows)
        #expect(Self.worst(raw, try quantized.ensemble.rawScores(features: Self.rows, threads: 1)) <= 1e-12)
        #expect(Self.worst(try mapped.predict(features: Self.rows), try quantized.ensemble.predict(features: Self.rows, threads: 1)) <= 1e-12)
        // Quantizing does change the predictions (so the comparison above is not vacuous).
        #expect(raw != (try model.ensemble.rawScores(features: Self.rows, threads: 1)))
        #expect(mapped.quantization.name == mode.rawValue)
    }

    @Test(arguments: QuantizationMode.allCases)
    func theFileComesBackAsAModel(mode: QuantizationMode) throws {
        let original = try CompactModelFixtures.model(.multiclass)
        let mapped = try MappedModel(bytes: try CompactModelFile.encode(original, quantization: mode))
        let model = try mapped.model()
        #expect(try model.ensemble.rawScores(features: Self.rows, threads: 1) == mapped.rawScores(features: Self.rows))
        #expect(model.schema == original.schema && model.classes == original.classes && model.task == .multiclass)
        #expect(model.parameters["quantization"] == (mode == .none ? nil : mode.rawValue))
        #expect(model.ensemble.trees.map(\.internalNodeCount) == original.ensemble.trees.map(\.internalNodeCount))
        // Every Apus tool reads it: through the .apus format and back.
        let back = try ModelFile.decode(ModelFile.encode(model))
        #expect(try back.ensemble.rawScores(features: Self.rows, threads: 1) == mapped.rawScores(features: Self.rows))
        let metadata = try mapped.metadata
        #expect(metadata.scoresPerRow == 3 && metadata.treeCount == 60 && metadata.baseScores == original.ensemble.baseScore)
        #expect(metadata.schema.features[3].levels.count == 40 && metadata.quantization.name == mode.rawValue)
    }

    @Test func bytesAreDeterministicAndAligned() throws {
        let model = try CompactModelFixtures.model(.binary)
        for mode in QuantizationMode.allCases {
            let bytes = try CompactModelFile.encode(model, quantization: mode)
            #expect(bytes == (try CompactModelFile.encode(model, quantization: mode)))
            #expect(Array(bytes.prefix(8)) == Array("APUSCMPT".utf8))
            for section in 0..<9 {
                let offset = bytes.withUnsafeBytes { $0.loadUnaligned(fromByteOffset: 40 + 16 * section, as: UInt64.self) }
                #expect(offset % 8 == 0)
            }
        }
    }

    @Test func aWrittenFileIsMemoryMapped() throws {
        let model = try CompactModelFixtures.model(.regression)
        let path = NSTemporaryDirectory() + "apus-compact-\(UUID().uuidString).apuc"
        try Data(try CompactModelFile.encode(model, quantization: .i8)).write(to: URL(fileURLWithPath: path))
        defer { try? FileManager.default.removeItem(atPath: path) }
        let mapped = try MappedModel(path: path)
        let quantized = try ModelQuantization.quantize(model, mode: .i8)
        #expect(Self.worst(try mapped.predict(features: Self.rows), try quantized.ensemble.predict(features: Self.rows, threads: 1)) <= 1e-12)
        #expect(mapped.byteCount == (try FileManager.default.attributesOfItem(atPath: path)[.size] as? Int))
    }

    @Test(arguments: ["binary", "binary_sigmoid2", "multiclass", "regression", "poisson", "integer_categories"])
    func lightGBMReferenceModels(name: String) throws {
        let directory = try LightGBMImportTests.references.get()
        let model = try LightGBMImport.model(text: try String(contentsOfFile: "\(directory)/\(name).txt", encoding: .utf8))
        let (features, _) = try LightGBMImportTests.rows("\(directory)/\(name).csv", schema: model.schema)
        var sizes: [String] = []
        for mode in QuantizationMode.allCases {
            let bytes = try CompactModelFile.encode(model, quantization: mode)
            let mapped = try MappedModel(bytes: bytes)
            let expected = try ModelQuantization.quantize(model, mode: mode).ensemble.rawScores(features: features, threads: 1)
            let raw = try mapped.rawScores(features: features)
            if mode == .none { #expect(raw == expected) } else { #expect(Self.worst(raw, expected) <= 1e-12, "\(mode)") }
            #expect(try mapped.model().ensemble.rawScores(features: features, threads: 1) == raw)
            sizes.append("\(mode.rawValue) \(bytes.count) bytes")
        }
        let json = CompactLayout.headerJSON(for: model).count
        print("compact \(name) (\(model.ensemble.trees.count) trees): \(sizes.joined(separator: ", ")) (JSON header \(json)), .apus \(ModelFile.encode(model).count) bytes")
    }

    /// The size the format is for: 500 trees of 63 leaves over 28 features.
    @Test func quantizedFilesAreAboutAQuarterTheSize() throws {
        let model = try CompactModelFixtures.large(trees: 500, leaves: 63, features: 28)
        let sizes = try QuantizationMode.allCases.map { try CompactModelFile.encode(model, quantization: $0).count }
        let json = CompactLayout.headerJSON(for: model).count
        print("compact 500 × 63 leaves: none \(sizes[0]), f16 \(sizes[1]), i8 \(sizes[2]) bytes (JSON header \(json)); none/i8 \(Double(sizes[0]) / Double(sizes[2]))")
        #expect(Double(sizes[0]) / Double(sizes[2]) >= 3.8)
        #expect(sizes[2] < sizes[1] && sizes[1] < sizes[0])
        let mapped = try MappedModel(bytes: try CompactModelFile.encode(model, quantization: .i8))
        let rows = (0..<64 * 28).map { Double($0 % 97) / 9.7 - 5 }
        let quantized = try ModelQuantization.quantize(model, mode: .i8)
        #expect(Self.worst(try mapped.rawScores(features: rows), try quantized.ensemble.rawScores(features: rows, threads: 1)) <= 1e-12)
    }

    @Test func modelsBeyondTheFormatAreRefused() throws {
        var tree = Tree()
        let node = tree.appendNumericNode(feature: 0, threshold: 0, defaultLeft: true, gain: 1, hessian: 1, count: 1)
        tree.leftChild[node] = tree.appendLeaf(value: 70_000, hessian: 1, count: 1)
        tree.rightChild[node] = tree.appendLeaf(value: 1, hessian: 1, count: 1)
        let ensemble = try TreeEnsemble(trees: [tree], scoresPerRow: 1, baseScore: [0], link: .identity, featureKinds: [.numeric])
        let model = Model(
            task: .regression, objective: "regression", target: "y", classes: [],
            schema: try FeatureSchema(features: [Feature(name: "x", kind: .numeric)]), ensemble: ensemble, parameters: [:],
            training: TrainingSummary(rows: 1, roundsTrained: 1, bestRound: 1, apusVersion: "test"))
        do {
            _ = try CompactModelFile.encode(model, quantization: .f16)
            Issue.record("a leaf beyond float16 was written")
        } catch {
            #expect(error.description.contains("beyond float16's range"))
        }
        // i8 holds it.
        let i8 = try MappedModel(bytes: try CompactModelFile.encode(model, quantization: .i8))
        let expected = try ModelQuantization.quantize(model, mode: .i8).ensemble.rawScores(features: [-1], threads: 1)
        #expect(try i8.rawScores(features: [-1]) == expected && abs(expected[0] - 70_000) < 70_000 / 254)
    }
}
