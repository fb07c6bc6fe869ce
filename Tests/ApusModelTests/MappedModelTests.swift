import Testing
@testable import ApusModel

/// The compact runtime predicts from hand-built files (docs/formats.md's layout) what the
/// ensemble predicts, bit for bit, and what the trees give by hand.
@Suite("Mapped model: prediction")
struct MappedModelTests {
    /// Rows of (x, color) with their raw scores by hand (base 0.1 + tree 0 + tree 1).
    static let handRows: [(x: Double, color: Double, raw: Double)] = [
        (0.2, 1, 0.1 + 1.0 - 0.2),          // left at x; green goes right at tree 1, x <= 2
        (.nan, -1, 0.1 + 1.0 + 0.6),        // missing x left; unseen right, missing x right
        (3, 1, 0.1 - 0.5 + 0.6),            // green left at tree 0's level set
        (3, -1, 0.1 - 0.5 + 0.6),           // unseen left at tree 0, right at tree 1
        (3, .nan, 0.1 + 0.25 + 0.3),        // missing level: right at tree 0, left at tree 1
        (3, 40, 0.1 + 0.25 + 0.6),          // a code beyond both level sets goes right
        (3, 2, 0.1 + 0.25 + 0.3),           // blue: right, then left
        (3, 5e9, 0.1 + 0.25 + 0.6),         // beyond 2^32
        (-.infinity, .infinity, 0.1 + 1.0 - 0.2),  // an infinite code is beyond every level set
        (0.5, 0.99, 0.1 + 1.0 + 0.3),       // x at the threshold goes left; code 0.99 is red
    ]

    @Test func aHandBuiltFilePredictsTheHandComputedScores() throws {
        let model = try MappedModel(bytes: CompactFileBuilder.fixture.bytes())
        // Three times over, so the eight-row walk and the single-row walk both run.
        let rows = Array(repeating: Self.handRows, count: 3).joined()
        let features = rows.flatMap { [$0.x, $0.color] }
        let raw = try model.rawScores(features: features)
        for (got, row) in zip(raw, rows) { #expect(abs(got - row.raw) < 1e-15, "\(row)") }
        #expect(raw == (try Fixtures.ensemble.rawScores(features: features, threads: 1)), "bit for bit")
        let probabilities = try model.predict(features: features)
        #expect(probabilities == (try Fixtures.ensemble.predict(features: features, threads: 1)))
    }

    @Test func randomRowsMatchTheEnsembleBitForBit() throws {
        let model = try MappedModel(bytes: CompactFileBuilder.fixture.bytes())
        var random = SplitMix64(seed: 11)
        let features = Fixtures.randomRows(500, kinds: [.numeric, .categorical], levels: 3, random: &random)
        #expect(try model.rawScores(features: features) == Fixtures.ensemble.rawScores(features: features, threads: 1))
        // The buffer form writes into the caller's memory.
        var scores = [Double](repeating: .nan, count: 500)
        try features.withUnsafeBufferPointer { features in
            try scores.withUnsafeMutableBufferPointer { try model.rawScores(features: features, rows: 500, into: $0) }
        }
        #expect(scores == (try model.rawScores(features: features)))
    }

    @Test func metadataAndModelComeBack() throws {
        let model = try MappedModel(bytes: CompactFileBuilder.fixture.bytes())
        #expect(model.featureCount == 2 && model.scoresPerRow == 1 && model.treeCount == 2 && model.link == .sigmoid)
        #expect(model.quantization == .none)
        let metadata = try model.metadata
        #expect(metadata.task == .binary && metadata.target == "default" && metadata.classes == ["no", "yes"])
        #expect(metadata.schema == Fixtures.schema && metadata.schema.features[1].levels == ["red", "green", "blue"])
        #expect(metadata.baseScores == [0.1] && metadata.parameters["seed"] == "7")
        let rebuilt = try model.model()
        var random = SplitMix64(seed: 3)
        let features = Fixtures.randomRows(200, kinds: [.numeric, .categorical], levels: 3, random: &random)
        #expect(try rebuilt.ensemble.rawScores(features: features, threads: 1) == Fixtures.ensemble.rawScores(features: features, threads: 1))
        #expect(rebuilt.ensemble.trees[0].leafValue == [1.0, -0.5, 0.25])
        #expect(rebuilt.ensemble.trees[1].leftLevels(0) == [0, 2])
        #expect(rebuilt.ensemble.trees[0].nodeHessian == [0, 0], "covers are not kept")
        #expect(rebuilt.training == Fixtures.model.training)
    }

    /// One packed tree: `x <= 0.5` with i8 leaves 127 × 0.01 and −64 × 0.01.
    static func packedI8() -> CompactFileBuilder {
        var builder = CompactFileBuilder()
        builder.nodeFormat = .packed32
        builder.quantization = .i8
        builder.featureBits = 1
        builder.indexBits = 1
        builder.thresholds = [0.5]
        builder.addPacked(flags: 1 | 8 | 16, feature: 0, index: 0, skip: 1)
        builder.treeStarts = [0, 1]
        builder.leafScales = [0.01]
        builder.leaves = [127, UInt8(bitPattern: -64)]
        builder.leafCount = 2
        builder.baseScores = [0]
        return builder
    }

    @Test func packedNodesWithInt8AndHalfLeaves() throws {
        let i8 = try MappedModel(bytes: Self.packedI8().bytes())
        let features: [Double] = [0.5, 0, 0.50001, 0, .nan, 0, -1, 0]
        let scale = Double(Float(0.01))
        #expect(try i8.rawScores(features: features) == [127 * scale, -64 * scale, 127 * scale, 127 * scale])
        var half = Self.packedI8()
        half.quantization = .f16
        half.leafScales = []
        half.leaves = CompactFileBuilder.littleEndian(UInt16(0x3E00)) + CompactFileBuilder.littleEndian(UInt16(0xB400))
        #expect(try MappedModel(bytes: half.bytes()).rawScores(features: features) == [1.5, -0.25, 1.5, 1.5])
        // The fixture's JSON header describes two trees, this file one.
        guard case .corrupt("header", let reason) = modelError({ _ = try i8.metadata }) else {
            Issue.record("a header that disagrees with the trees was accepted")
            return
        }
        #expect(reason.contains("treeCount is 2, the binary header's 1"))
    }

    @Test func aRealFileIsMapped() throws {
        let path = "/tmp/apus-mapped-\(UInt64.random(in: 0...UInt64.max)).apuc"
        try FileIO.store(CompactFileBuilder.fixture.bytes(), path: path)
        defer { _ = path.withCString { unlink($0) } }
        let model = try MappedModel(path: path)
        let features = Self.handRows.flatMap { [$0.x, $0.color] }
        #expect(try model.rawScores(features: features) == Fixtures.ensemble.rawScores(features: features, threads: 1))
        #expect(model.byteCount == CompactFileBuilder.fixture.bytes().count)
        guard case .io(let failed, _) = modelError({ _ = try MappedModel(path: path + ".missing") }) else {
            Issue.record("a missing file did not fail with an I/O error")
            return
        }
        #expect(failed == path + ".missing")
        #expect(modelError { _ = try MappedModel(path: "/tmp") } == .notAModelFile(reason: "/tmp is not a regular file"))
        try FileIO.store([], path: path)
        #expect(modelError { _ = try MappedModel(path: path) } == .notAModelFile(reason: "\(path) is empty"))
    }

    @Test func oneModelServesManyTasks() async throws {
        let model = try MappedModel(bytes: CompactFileBuilder.fixture.bytes())
        var random = SplitMix64(seed: 8)
        let features = Fixtures.randomRows(300, kinds: [.numeric, .categorical], levels: 3, random: &random)
        let expected = try Fixtures.ensemble.rawScores(features: features, threads: 1)
        let results = await withTaskGroup(of: [Double].self) { group in
            for _ in 0..<8 { group.addTask { (try? model.rawScores(features: features)) ?? [] } }
            return await group.reduce(into: []) { $0.append($1) }
        }
        #expect(results.allSatisfy { $0 == expected })
    }

    @Test func shapesAreChecked() throws {
        let model = try MappedModel(bytes: CompactFileBuilder.fixture.bytes())
        #expect(modelError { _ = try model.rawScores(features: [1, 2, 3]) } == .shapeMismatch(expected: "rows of 2 features", found: "3 values"))
        var scores = [Double](repeating: 0, count: 1)
        let error = modelError {
            try [1.0, 2, 3, 4].withUnsafeBufferPointer { features in
                try scores.withUnsafeMutableBufferPointer { try model.rawScores(features: features, rows: 2, into: $0) }
            }
        }
        #expect(error == .shapeMismatch(expected: "room for 2 rows of 1 scores", found: "1"))
        #expect(try model.rawScores(features: []) == [])
    }
}

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
