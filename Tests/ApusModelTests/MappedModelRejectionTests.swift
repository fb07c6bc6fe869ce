import Testing
@testable import ApusModel

/// Damaged and hostile compact files are refused with an error naming the field, section
/// or node and the byte offset; none crashes.
@Suite("Mapped model: damaged and hostile files")
struct MappedModelRejectionTests {
    let bytes = CompactFileBuilder.fixture.bytes()

    /// Where `section` starts in `bytes`.
    func start(of section: CompactLayout.Section) -> Int {
        bytes.withUnsafeBytes { Int($0.littleEndian(UInt64.self, at: 40 + 16 * section.rawValue)) }
    }

    /// The error a file's bytes give, with the field and reason of a corrupt one.
    func corruption(_ file: [UInt8]) -> (field: String, reason: String)? {
        guard case .corrupt(let field, let reason) = modelError({ _ = try MappedModel(bytes: file) }) else { return nil }
        return (field, reason)
    }

    func expectCorrupt(_ file: [UInt8], _ field: String, _ reason: String, sourceLocation: SourceLocation = #_sourceLocation) {
        guard let (found, message) = corruption(file) else {
            Issue.record("not refused as corrupt (expected \(field))", sourceLocation: sourceLocation)
            return
        }
        #expect(found == field && message.contains(reason), "\(found): \(message)", sourceLocation: sourceLocation)
    }

    @Test func otherFilesAreNotCompactModels() {
        var other = bytes
        other[7] = UInt8(ascii: "X")
        #expect(modelError { _ = try MappedModel(bytes: other) } == .notAModelFile(reason: "it does not start with `APUSCMPT`"))
        #expect(modelError { _ = try MappedModel(bytes: Array("APUS".utf8)) }
            == .notAModelFile(reason: "the file is 4 bytes long, shorter than the 8-byte magic"))
        guard case .notAModelFile(let reason) = modelError({ _ = try MappedModel(bytes: ModelFile.encode(Fixtures.model)) }) else {
            Issue.record("an .apus file was not refused")
            return
        }
        #expect(reason.contains("read it with ModelFile"))
        #expect(modelError { _ = try MappedModel(bytes: []) } == .notAModelFile(reason: "the file is 0 bytes long, shorter than the 8-byte magic"))
    }

    @Test func otherVersionsSaySo() {
        for version: UInt32 in [0, 2, .max] {
            #expect(modelError { _ = try MappedModel(bytes: CompactFileBuilder.patched(bytes, at: 8, version)) }
                == .unsupportedVersion(found: version, supported: 1))
        }
    }

    @Test func everyTruncationIsRefused() {
        for length in 0..<bytes.count {
            let error = modelError { _ = try MappedModel(bytes: Array(bytes.prefix(length))) }
            switch (length, error) {
            case (0..<12, .notAModelFile?), (8..<12, .corrupt("version", _)?): continue
            case (12..<188, .corrupt("header", _)?), (188..., .corrupt("length", _)?): continue
            default: Issue.record("length \(length): \(String(describing: error))")
            }
        }
        expectCorrupt(bytes + [0], "length", "1 byte too many")
    }

    @Test func everyChangedByteIsCaughtByTheChecksum() {
        for offset in 12..<bytes.count {
            var damaged = bytes
            damaged[offset] ^= 0x5A
            let expected = (32..<40).contains(offset) ? "length" : "checksum"
            #expect(corruption(damaged)?.field == expected, "offset \(offset)")
        }
        // Eight more bytes before the checksum, the length updated: the sections end early.
        let longer = CompactFileBuilder.patched(
            CompactFileBuilder.withChecksum(Array(bytes.dropLast(4)) + [UInt8](repeating: 0, count: 8)), at: 32, UInt64(bytes.count + 8))
        expectCorrupt(longer, "sections", "but the checksum is at byte \(bytes.count + 4)")
    }

    @Test func headerFieldsAreChecked() {
        expectCorrupt(CompactFileBuilder.patched(bytes, at: 12, UInt8(7)), "nodeFormat", "unknown node format 7 at byte 12")
        expectCorrupt(CompactFileBuilder.patched(bytes, at: 13, UInt8(9)), "quantization", "unknown leaf storage 9")
        expectCorrupt(CompactFileBuilder.patched(bytes, at: 13, UInt8(2)), "nodeFormat", "do not go with `i8` leaves")
        expectCorrupt(CompactFileBuilder.patched(bytes, at: 14, UInt8(4)), "link", "unknown link 4 at byte 14")
        expectCorrupt(CompactFileBuilder.patched(bytes, at: 14, UInt8(2)), "link", "`softmax` does not fit 1 scores per row")
        expectCorrupt(CompactFileBuilder.patched(bytes, at: 15, UInt8(1)), "reserved", "byte 15 is 1")
        expectCorrupt(CompactFileBuilder.patched(bytes, at: 16, UInt8(3)), "featureBits", "wide nodes have no packed fields")
        expectCorrupt(CompactFileBuilder.patched(bytes, at: 24, UInt32(0)), "scoresPerRow", "must be at least 1")
        expectCorrupt(CompactFileBuilder.patched(bytes, at: 24, UInt32(3)), "treeCount", "2 trees are not a whole number of rounds of 3")
        var packed = MappedModelTests.packedI8()
        packed.featureBits = 16
        packed.indexBits = 12
        expectCorrupt(packed.bytes(), "featureBits", "leave no room for the skip in a 32-bit node")
    }

    @Test func absurdCountsAndOffsetsAreRefusedBeforeAnyRead() {
        let table = { (section: CompactLayout.Section) in 40 + 16 * section.rawValue }
        for value: UInt64 in [.max, UInt64(Int.max), 1 << 40, UInt64(bytes.count)] {
            expectCorrupt(CompactFileBuilder.patched(bytes, at: table(.nodes) + 8, value), "sections.nodes", "run past the checksum")
            expectCorrupt(CompactFileBuilder.patched(bytes, at: table(.levelWords) + 8, value), "sections.levelWords", "run past the checksum")
            expectCorrupt(CompactFileBuilder.patched(bytes, at: table(.leaves), value), "sections.leaves", "starts at byte \(value)")
        }
        expectCorrupt(CompactFileBuilder.patched(bytes, at: table(.header) + 8, UInt64(3)), "sections.baseScores", "starts at byte")
        expectCorrupt(CompactFileBuilder.patched(bytes, at: 28, UInt32.max), "sections.treeStarts", "expected 4294967296")
        // A count that moves the next section is caught there; the last section's, by the checksum's place.
        expectCorrupt(CompactFileBuilder.patched(bytes, at: table(.nodes) + 8, UInt64(3)), "sections.leaves", "starts at byte")
        expectCorrupt(CompactFileBuilder.patched(bytes, at: table(.levelWords) + 8, UInt64(0)), "sections", "the last section ends")
        var counts = CompactFileBuilder.fixture
        counts.addLeaves([0])
        expectCorrupt(counts.bytes(), "sections.leaves", "has 7 elements, expected 6")
        counts = CompactFileBuilder.fixture
        counts.baseScores = [0.1, 0.2]
        expectCorrupt(counts.bytes(), "sections.baseScores", "has 2 elements, expected 1")
        var wide = CompactFileBuilder.fixture
        wide.thresholds = [1]
        expectCorrupt(wide.bytes(), "sections.thresholds", "wide nodes hold their thresholds")
        // Padding between sections is zero.
        let padding = start(of: .baseScores) - 1
        if padding >= start(of: .header) + CompactLayout.headerJSON(for: Fixtures.model).count {
            expectCorrupt(CompactFileBuilder.patched(bytes, at: padding, UInt8(1)), "sections.baseScores", "padding byte \(padding)")
        }
    }

    @Test func tablesAreChecked() {
        expectCorrupt(CompactFileBuilder.patched(bytes, at: start(of: .baseScores), Double.nan.bitPattern), "baseScores[0]", "not finite")
        expectCorrupt(CompactFileBuilder.patched(bytes, at: start(of: .treeStarts), UInt32(1)), "treeStarts[0]", "is 1, not 0")
        expectCorrupt(CompactFileBuilder.patched(bytes, at: start(of: .treeStarts) + 4, UInt32(5)), "treeStarts[2]", "gives tree 1 -1 nodes")
        expectCorrupt(CompactFileBuilder.patched(bytes, at: start(of: .treeStarts) + 8, UInt32(3)), "treeStarts[2]", "nodes section has 4 nodes")
        expectCorrupt(CompactFileBuilder.patched(bytes, at: start(of: .leaves) + 16, Double.infinity.bitPattern), "leaves[2]", "is not finite")
        expectCorrupt(CompactFileBuilder.patched(bytes, at: start(of: .levelSets) + 4, UInt32(0)), "levelSets[0]", "outside the 2 level words")
        expectCorrupt(CompactFileBuilder.patched(bytes, at: start(of: .levelSets) + 8, UInt32(2)), "levelSets[1]", "words 2+1")
        var i8 = MappedModelTests.packedI8()
        i8.leaves = [0x80, 1]
        expectCorrupt(i8.bytes(), "leaves[0]", "code −128")
        i8 = MappedModelTests.packedI8()
        i8.leafScales = [-1]
        expectCorrupt(i8.bytes(), "leafScales[0]", "not a positive finite scale")
        i8 = MappedModelTests.packedI8()
        i8.thresholds = [.nan]
        expectCorrupt(i8.bytes(), "thresholds[0]", "is NaN")
        var half = MappedModelTests.packedI8()
        half.quantization = .f16
        half.leafScales = []
        half.leaves = [0, 0x7C, 0, 0]
        expectCorrupt(half.bytes(), "leaves[0]", "not finite")
    }

    @Test func nodesAreChecked() {
        let nodes = start(of: .nodes)
        // Tree 0's second node: feature at +12, flags at +14.
        expectCorrupt(CompactFileBuilder.patched(bytes, at: nodes + 16 + 12, UInt16(2)), "trees[0].node[1]", "splits feature 2, but the model has 2 features")
        expectCorrupt(CompactFileBuilder.patched(bytes, at: nodes + 16 + 14, UInt8(0x40 | 30)), "trees[0].node[1]", "unknown flag bits")
        expectCorrupt(CompactFileBuilder.patched(bytes, at: nodes + 16 + 15, UInt8(1)), "trees[0].node[1]", "byte 15 is not 0")
        expectCorrupt(CompactFileBuilder.patched(bytes, at: nodes + 16, UInt64(2)), "trees[0].node[1]", "level set 2 is out of range 0..<2")
        expectCorrupt(CompactFileBuilder.patched(bytes, at: nodes, Double.nan.bitPattern), "trees[0].node[0]", "threshold is NaN (byte \(nodes))")
        var i8 = MappedModelTests.packedI8()
        i8.nodes = []
        i8.nodeCount = 0
        i8.addPacked(flags: 8 | 16, feature: 0, index: 1, skip: 1)
        expectCorrupt(i8.bytes(), "trees[0].node[0]", "threshold 1 is out of range 0..<1")
    }

    @Test func skipsThatDoNotMakeATreeAreRefused() {
        let nodes = start(of: .nodes)
        // A skip of 0 would be a node that is its own child.
        expectCorrupt(CompactFileBuilder.patched(bytes, at: nodes + 8, UInt32(0)), "trees[0].node[0]", "its left child is a leaf, so its skip must be 1, found 0")
        // Right child past the tree's end.
        var builder = CompactFileBuilder.fixture
        builder.nodes.replaceSubrange(14..<15, with: [1])  // tree 0's root: left is now a node
        expectCorrupt(builder.bytes(), "trees[0].node[0]", "skip must be at least 2, found 1")
        builder = CompactFileBuilder.fixture
        builder.nodes.replaceSubrange(16 + 14..<16 + 15, with: [2 | 4 | 8])  // node 1's right is a node: beyond the tree
        expectCorrupt(builder.bytes(), "trees[0].node[1]", "has a child beyond the tree's 2 nodes")
        // A root whose subtree ends before the tree does (two roots).
        builder = CompactFileBuilder.fixture
        builder.nodes.replaceSubrange(14..<15, with: [1 | 8 | 16])
        expectCorrupt(builder.bytes(), "trees[0]", "the root's subtree ends at node 1, but the tree has 2 nodes")
        // A skip that does not match the left subtree: root → left node 1 (a leaf pair),
        // right said to be 3 nodes on, in a 3-node tree.
        builder = CompactFileBuilder()
        builder.addWide(threshold: 0, skip: 3, feature: 0, flags: 0)
        builder.addWide(threshold: 0, skip: 1, feature: 0, flags: 8 | 16)
        builder.addWide(threshold: 0, skip: 1, feature: 0, flags: 8 | 16)
        builder.treeStarts = [0, 3]
        builder.addLeaves([1, 2, 3, 4])
        expectCorrupt(builder.bytes(), "trees[0].node[0]", "its skip 3 says its left subtree ends at node 3, but it ends at node 2")
        // The same tree with the right skip is accepted.
        builder.nodes.replaceSubrange(8..<12, with: CompactFileBuilder.littleEndian(UInt32(2)))
        #expect(corruption(builder.bytes()) == nil)
    }
}
