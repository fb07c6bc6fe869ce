import Foundation
import Testing
@testable import ApusModel

@Suite("Model file: round trip and determinism")
struct ModelFileRoundTripTests {
    /// Whether two models have the same contents, doubles compared bit for bit.
    func expectSame(_ a: Model, _ b: Model, sourceLocation: SourceLocation = #_sourceLocation) {
        #expect(a.task == b.task && a.objective == b.objective && a.target == b.target, sourceLocation: sourceLocation)
        #expect(a.classes == b.classes, sourceLocation: sourceLocation)
        #expect(a.schema == b.schema, sourceLocation: sourceLocation)
        #expect(a.parameters == b.parameters, sourceLocation: sourceLocation)
        #expect(a.training.validationHistory.map(\.bitPattern) == b.training.validationHistory.map(\.bitPattern), sourceLocation: sourceLocation)
        #expect(a.training == b.training, sourceLocation: sourceLocation)
        #expect(a.ensemble.trees == b.ensemble.trees, sourceLocation: sourceLocation)
        #expect(a.ensemble.trees.map(\.leafValue).joined().map(\.bitPattern) == b.ensemble.trees.map(\.leafValue).joined().map(\.bitPattern), sourceLocation: sourceLocation)
        #expect(a.ensemble.baseScore.map(\.bitPattern) == b.ensemble.baseScore.map(\.bitPattern), sourceLocation: sourceLocation)
        #expect(a.ensemble.scoresPerRow == b.ensemble.scoresPerRow && a.ensemble.link == b.ensemble.link, sourceLocation: sourceLocation)
        #expect(a.ensemble.featureKinds == b.ensemble.featureKinds, sourceLocation: sourceLocation)
    }

    @Test("encode, decode: the same model, the same predictions, the same bytes again")
    func roundTrip() throws {
        let model = Fixtures.model
        let bytes = ModelFile.encode(model)
        let decoded = try ModelFile.decode(bytes)
        expectSame(model, decoded)
        var random = SplitMix64(seed: 1)
        let rows = Fixtures.randomRows(500, kinds: model.ensemble.featureKinds, levels: 3, random: &random)
        #expect(try decoded.ensemble.predict(features: rows) == model.ensemble.predict(features: rows))
        #expect(ModelFile.encode(decoded) == bytes)
        #expect(ModelFile.encode(model) == bytes)
    }

    @Test("multiclass and regression models with odd doubles round-trip bit for bit")
    func otherTasks() throws {
        var random = SplitMix64(seed: 9)
        let kinds: [FeatureKind] = [.categorical, .numeric, .numeric]
        let schema = try FeatureSchema(features: [
            Feature(name: "plan", kind: .categorical, levels: (0..<70).map { "p\($0)" }),
            Feature(name: "tenure", kind: .numeric),
            Feature(name: "é/\"quoted\"", kind: .numeric),
        ])
        var trees = (0..<9).map { _ in Fixtures.randomTree(depth: 5, kinds: kinds, levels: 70, random: &random) }
        // Negative zero, the smallest subnormal and an infinite threshold.
        var odd = Tree()
        let root = odd.appendNumericNode(feature: 1, threshold: -.infinity, defaultLeft: true, gain: 0x1p-1074, hessian: 2, count: .max)
        odd.leftChild[root] = odd.appendLeaf(value: -0.0, hessian: 1, count: 1)
        odd.rightChild[root] = odd.appendLeaf(value: 0x1p-1074, hessian: 0, count: 0)
        trees[0] = odd
        let training = TrainingSummary(rows: 10, roundsTrained: 3, bestRound: 3, apusVersion: "0.1.0")
        let multiclass = Model(
            task: .multiclass, objective: "multiclass", target: "churn", classes: ["a", "b", "c"], schema: schema,
            ensemble: try TreeEnsemble(trees: trees, scoresPerRow: 3, baseScore: [0.1, -0.2, 1e-300], link: .softmax, featureKinds: kinds),
            parameters: [:], training: training)
        let regression = Model(
            task: .regression, objective: "poisson", target: "claims", classes: [], schema: schema,
            ensemble: try TreeEnsemble(trees: trees, scoresPerRow: 1, baseScore: [.pi], link: .exp, featureKinds: kinds),
            parameters: ["objective": "poisson"], training: training)
        for model in [multiclass, regression] {
            let bytes = ModelFile.encode(model)
            let decoded = try ModelFile.decode(bytes)
            expectSame(model, decoded)
            #expect(ModelFile.encode(decoded) == bytes)
            #expect(decoded.ensemble.trees.map(\.threshold).joined().map(\.bitPattern) == trees.map(\.threshold).joined().map(\.bitPattern))
        }
    }

    @Test("the header is JSON with sorted keys, the ensemble's scalars and the importance")
    func header() throws {
        let model = Fixtures.model
        let bytes = ModelFile.encode(model)
        #expect(Array(bytes.prefix(12)) == Array("APUSMODL".utf8) + [1, 0, 0, 0])
        let length = Int(bytes[12..<20].reversed().reduce(UInt64(0)) { $0 << 8 | UInt64($1) })
        let json = Array(bytes[20..<20 + length])
        let text = String(decoding: json, as: UTF8.self)
        #expect(text.contains(#""parameters":{"learning_rate":"0.1","num_leaves":"31","seed":"7"}"#))
        #expect(text.contains(#""ensemble":{"link":"sigmoid","scoresPerRow":1,"treeCount":2}"#))
        #expect(text.contains(#""validationHistory":[0.5,0.30000000000000004,"Infinity","#))
        let object = try #require(try JSONSerialization.jsonObject(with: Data(json)) as? [String: Any])
        #expect(object.keys.sorted() == ["classes", "ensemble", "importance", "objective", "parameters", "schema", "target", "task", "training"])
        let importance = try #require(object["importance"] as? [String: Any])
        #expect(importance["splits"] as? [Int] == [2, 2])
        #expect(importance["gain"] as? [Double] == [4 + 1, 2 + 3])
        // 12 + 8 + header + one base score + two trees of 2 nodes, 3 leaves, 1 word each + checksum.
        #expect(bytes.count == 20 + length + 8 + 2 * (12 + 2 * 53 + 4 + 3 * 24) + 4)
    }

    @Test("the importance in the header is ignored when reading")
    func importanceIgnored() throws {
        let bytes = ModelFile.encode(Fixtures.model)
        let parts = FileCrafting.parts(of: bytes)
        var text = String(decoding: parts.header, as: UTF8.self)
        let range = try #require(text.range(of: #""importance":{"gain":[5,5],"splits":[2,2]}"#))
        text.replaceSubrange(range, with: #""importance":"whatever""#)
        #expect(throws: Never.self) { try ModelFile.decode(FileCrafting.file(header: Array(text.utf8), binary: parts.binary)) }
    }

    @Test("write and read through a path; the temporary file is gone")
    func writeAndRead() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("apus-model-file-\(UInt64.random(in: 0...UInt64.max))")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let path = directory.appendingPathComponent("model.apus").path
        try ModelFile.write(Fixtures.model, to: path)
        try ModelFile.write(Fixtures.model, to: path) // replaces
        #expect(try FileManager.default.contentsOfDirectory(atPath: directory.path) == ["model.apus"])
        #expect(try Array(Data(contentsOf: URL(fileURLWithPath: path))) == ModelFile.encode(Fixtures.model))
        expectSame(try ModelFile.read(path: path), Fixtures.model)
    }

    @Test("missing paths and unwritable places are io errors naming the path")
    func ioErrors() {
        let missing = "/nonexistent-apus-dir/model.apus"
        guard case .io(let path, let reason) = modelError({ _ = try ModelFile.read(path: missing) }) else {
            Issue.record("expected an io error")
            return
        }
        #expect(path == missing)
        #expect(reason.contains("No such file"))
        #expect("\(ModelError.io(path: path, reason: reason))".hasPrefix(missing))
        guard case .io(let written, _) = modelError({ try ModelFile.write(Fixtures.model, to: missing) }) else {
            Issue.record("expected an io error")
            return
        }
        #expect(written == missing)
        guard case .io(_, let directoryReason) = modelError({ _ = try ModelFile.read(path: "/") }) else {
            Issue.record("expected an io error for a directory")
            return
        }
        #expect(directoryReason.contains("directory"))
    }

    @Test("a model the reader would reject is not written")
    func inconsistentModelNotWritten() {
        var model = Fixtures.model
        model.classes = ["only"]
        guard case .io(_, let reason) = modelError({ try ModelFile.write(model, to: "/tmp/apus-never-written.apus") }) else {
            Issue.record("expected an io error")
            return
        }
        #expect(reason.contains("classes"))
        #expect(!FileManager.default.fileExists(atPath: "/tmp/apus-never-written.apus"))
    }

    @Test("CRC-32 is the IEEE one")
    func crc() {
        #expect(CRC32.checksum(Array("123456789".utf8)) == 0xCBF4_3926)
        #expect(CRC32.checksum([UInt8]()) == 0)
    }
}

/// Builds files from parts, with a valid checksum, to test what the checksum cannot catch.
enum FileCrafting {
    /// The header JSON and the binary section (base scores and trees) of a file.
    static func parts(of bytes: [UInt8]) -> (header: [UInt8], binary: [UInt8]) {
        let length = Int(bytes[12..<20].reversed().reduce(UInt64(0)) { $0 << 8 | UInt64($1) })
        return (Array(bytes[20..<20 + length]), Array(bytes[(20 + length)..<(bytes.count - 4)]))
    }

    /// A file with magic, `version`, `header` and `binary`, and a valid checksum.
    static func file(version: UInt32 = 1, header: [UInt8], binary: [UInt8], headerLength: UInt64? = nil) -> [UInt8] {
        var writer = ByteWriter()
        writer.append(bytes: Array("APUSMODL".utf8))
        writer.append(version)
        writer.append(headerLength ?? UInt64(header.count))
        writer.append(bytes: header)
        writer.append(bytes: binary)
        return withChecksum(writer.bytes)
    }

    /// `bytes` followed by their CRC-32.
    static func withChecksum(_ bytes: [UInt8]) -> [UInt8] {
        var writer = ByteWriter()
        writer.append(bytes: bytes)
        writer.append(CRC32.checksum(bytes))
        return writer.bytes
    }

    /// `bytes` without their checksum, with `value` written little-endian at `offset`,
    /// and a new checksum.
    static func patched<T: FixedWidthInteger>(_ bytes: [UInt8], at offset: Int, _ value: T) -> [UInt8] {
        var body = Array(bytes.dropLast(4))
        withUnsafeBytes(of: value.littleEndian) { body.replaceSubrange(offset..<offset + $0.count, with: $0) }
        return withChecksum(body)
    }
}
