import Testing
@testable import ApusModel

@Suite("Model file: damaged, hostile and foreign files")
struct ModelFileRejectionTests {
    let bytes = ModelFile.encode(Fixtures.model)
    /// The offset of the binary section (the base scores).
    var binaryStart: Int { bytes.count - 4 - FileCrafting.parts(of: bytes).binary.count }

    @Test("a file with another magic is not a model file")
    func wrongMagic() {
        var other = bytes
        other[7] = UInt8(ascii: "X")
        #expect(throws: ModelError.notAModelFile(reason: "it does not start with `APUSMODL`")) { try ModelFile.decode(other) }
        #expect(throws: ModelError.notAModelFile(reason: "it does not start with `APUSMODL`")) {
            try ModelFile.decode(Array("x,y,color\n1,2,red\n".utf8))
        }
    }

    @Test("a newer or zero version says so, before the checksum is looked at")
    func versions() {
        for version: UInt32 in [2, 0, .max] {
            var other = bytes
            other.replaceSubrange(8..<12, with: withUnsafeBytes(of: version.littleEndian, Array.init))
            #expect(throws: ModelError.unsupportedVersion(found: version, supported: 1)) { try ModelFile.decode(other) }
        }
        #expect("\(ModelError.unsupportedVersion(found: 2, supported: 1))".contains("version 2 is not supported"))
    }

    @Test("every truncation throws, none crashes")
    func truncations() {
        for length in 0..<bytes.count {
            let error = modelError { _ = try ModelFile.decode(Array(bytes.prefix(length))) }
            #expect(error != nil, "length \(length)")
            if length >= 12, case .corrupt = error {} else if length >= 12 {
                Issue.record("length \(length): \(String(describing: error))")
            }
        }
        #expect(throws: Never.self) { try ModelFile.decode(bytes) }
    }

    @Test("every single-byte change is rejected; past the version, as a checksum mismatch")
    func byteFlips() {
        for offset in bytes.indices {
            for mask: UInt8 in [0xFF, 0x01] {
                var damaged = bytes
                damaged[offset] ^= mask
                let error = modelError { _ = try ModelFile.decode(damaged) }
                #expect(error != nil, "offset \(offset)")
                if offset >= 12 {
                    guard case .corrupt("checksum", _) = error else {
                        Issue.record("offset \(offset), mask \(mask): \(String(describing: error))")
                        continue
                    }
                }
            }
        }
    }

    @Test("absurd counts are rejected before anything is allocated for them")
    func absurdCounts() {
        let treeStart = binaryStart + 8
        // The first tree's node count, leaf count and word count.
        for (offset, field) in [(treeStart, "trees[0]"), (treeStart + 4, "trees[0]"), (treeStart + 8, "trees[0]")] {
            let crafted = FileCrafting.patched(bytes, at: offset, UInt32.max)
            #expect(corruptField { _ = try ModelFile.decode(crafted) } == field)
        }
        // The header length.
        let parts = FileCrafting.parts(of: bytes)
        for length: UInt64 in [.max, UInt64(Int.max), UInt64(bytes.count)] {
            let crafted = FileCrafting.file(header: parts.header, binary: parts.binary, headerLength: length)
            #expect(corruptField { _ = try ModelFile.decode(crafted) } == "header", "length \(length)")
        }
        // The tree count and the scores per row in the header.
        for (original, replacement, field) in [
            ("\"treeCount\":2", "\"treeCount\":9223372036854775807", "ensemble.treeCount"),
            ("\"treeCount\":2", "\"treeCount\":-1", "ensemble.treeCount"),
            ("\"scoresPerRow\":1", "\"scoresPerRow\":4611686018427387904", "ensemble.baseScore"),
            ("\"scoresPerRow\":1", "\"scoresPerRow\":0", "ensemble.scoresPerRow"),
        ] {
            let header = Array(String(decoding: parts.header, as: UTF8.self).replacingOccurrences(original, replacement).utf8)
            let crafted = FileCrafting.file(header: header, binary: parts.binary)
            #expect(corruptField { _ = try ModelFile.decode(crafted) } == field, "\(replacement)")
        }
    }

    @Test("a header that is not the expected JSON is corrupt, with the gist")
    func badHeaders() {
        let binary = FileCrafting.parts(of: bytes).binary
        let header = String(decoding: FileCrafting.parts(of: bytes).header, as: UTF8.self)
        let cases: [(String, String)] = [
            ("not json at all", "not valid JSON"),
            ("", "not valid JSON"),
            ("[1,2,3]", "expected"),
            (String(repeating: "[", count: 10_000) + String(repeating: "]", count: 10_000), "not valid JSON"),
            (header.replacingOccurrences("\"task\":\"binary\"", "\"task\":\"ranking\""), "task"),
            (header.replacingOccurrences("\"target\":\"default\",", ""), "missing key `target`"),
            (header.replacingOccurrences("\"kind\":\"numeric\"", "\"kind\":7"), "schema.features[0].kind"),
        ]
        for (text, gist) in cases {
            let crafted = FileCrafting.file(header: Array(text.utf8), binary: binary)
            guard case .corrupt("header", let reason) = modelError({ _ = try ModelFile.decode(crafted) }) else {
                Issue.record("header \(text.prefix(40)) was not rejected as a corrupt header")
                continue
            }
            #expect(reason.contains(gist), "\(reason)")
        }
        // The schema's own checks name the feature.
        let duplicate = header.replacingOccurrences("\"name\":\"color\"", "\"name\":\"x\"")
        #expect(corruptField { _ = try ModelFile.decode(FileCrafting.file(header: Array(duplicate.utf8), binary: binary)) }
            == "schema.features[1]")
    }

    @Test("classes, scores and link must fit the task; schema kinds must fit the trees")
    func consistency() {
        let parts = FileCrafting.parts(of: bytes)
        let header = String(decoding: parts.header, as: UTF8.self)
        let cases: [(String, String, String)] = [
            ("\"classes\":[\"no\",\"yes\"]", "\"classes\":[\"no\",\"yes\",\"maybe\"]", "classes"),
            ("\"classes\":[\"no\",\"yes\"]", "\"classes\":[\"no\",\"no\"]", "classes"),
            ("\"task\":\"binary\"", "\"task\":\"regression\"", "classes"),
            ("\"task\":\"binary\"", "\"task\":\"multiclass\"", "classes"),
            ("\"link\":\"sigmoid\"", "\"link\":\"identity\"", "ensemble"),
            ("\"kind\":\"numeric\"", "\"kind\":\"categorical\"", "trees[0].node[0]"),
        ]
        for (original, replacement, field) in cases {
            let crafted = FileCrafting.file(header: Array(header.replacingOccurrences(original, replacement).utf8), binary: parts.binary)
            #expect(corruptField { _ = try ModelFile.decode(crafted) } == field, "\(replacement)")
        }
        // Trees that reference a feature the schema does not have.
        let oneFeature = header.replacingOccurrences(
            ",{\"kind\":\"categorical\",\"levels\":[\"red\",\"green\",\"blue\"],\"name\":\"color\"}", "")
        #expect(corruptField { _ = try ModelFile.decode(FileCrafting.file(header: Array(oneFeature.utf8), binary: parts.binary)) }
            == "trees[0].node[1]")
    }

    @Test("a crafted tree with a valid checksum meets the structural checks")
    func craftedTree() {
        // The first tree's root left child (after splitFeature, threshold, flags,
        // categoryStart, categoryWordCount and categoryWords of 2 nodes and 1 word).
        let leftChild = binaryStart + 8 + 12 + 2 * (4 + 8 + 1 + 4 + 4) + 4
        #expect(corruptField { _ = try ModelFile.decode(FileCrafting.patched(bytes, at: leftChild, Int32(5))) } == "trees[0].node[0]")
        #expect(corruptField { _ = try ModelFile.decode(FileCrafting.patched(bytes, at: leftChild, Int32(1))) } == "trees[0].node[1]")
    }

    @Test("random damage to the trees with a valid checksum is rejected or gives a model that predicts; it never crashes")
    func randomDamageWithValidChecksum() {
        var random = SplitMix64(seed: 5)
        let body = Array(bytes.dropLast(4))
        let rows = Fixtures.randomRows(50, kinds: [.numeric, .categorical], levels: 3, random: &random)
        var rejected = 0
        for _ in 0..<1000 {
            var damaged = body
            for _ in 0...random.below(3) {
                let offset = binaryStart + random.below(body.count - binaryStart)
                switch random.below(3) {
                case 0: damaged[offset] ^= UInt8(1 << random.below(8))
                case 1: damaged[offset] = UInt8(random.below(256))
                default: damaged[offset] = [0, 1, 2, 0x7F, 0x80, 0xFF][random.below(6)]
                }
            }
            do {
                let model = try ModelFile.decode(FileCrafting.withChecksum(damaged))
                #expect(try model.ensemble.rawScores(features: rows, threads: 2) == Fixtures.referenceScores(model.ensemble, features: rows))
            } catch {
                rejected += 1
            }
        }
        #expect(rejected > 100, "most structural damage is caught")
    }

    @Test("bytes after the checksum are rejected")
    func trailingBytes() {
        for extra in [[UInt8(0)], [1, 2, 3], Array(repeating: 0, count: 100)] {
            #expect(corruptField { _ = try ModelFile.decode(bytes + extra) } == "end")
            // With a checksum recomputed over everything, the trees still end too early.
            let crafted = FileCrafting.withChecksum(Array(bytes.dropLast(4)) + extra)
            #expect(corruptField { _ = try ModelFile.decode(crafted) } == "end")
        }
    }
}

extension String {
    /// `self` with every `target` replaced (without Foundation).
    func replacingOccurrences(_ target: String, _ replacement: String) -> String {
        var result = "", rest = self[...]
        while let range = rest.firstRange(of: target) {
            result += rest[..<range.lowerBound] + replacement
            rest = rest[range.upperBound...]
        }
        return result + rest
    }
}
