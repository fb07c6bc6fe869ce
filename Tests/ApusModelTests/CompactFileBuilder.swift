@testable import ApusModel

/// Builds compact model files by hand, from the layout in docs/formats.md, independently
/// of ApusFormats' writer: the runtime's tests check the documented format, not a mirror
/// of one implementation.
struct CompactFileBuilder {
    var nodeFormat: CompactLayout.NodeFormat = .wide
    var quantization: CompactQuantization = .none
    var link: OutputLink = .sigmoid
    var featureBits = 0
    var indexBits = 0
    var featureCount = 2
    var scoresPerRow = 1
    var header: [UInt8] = CompactLayout.headerJSON(for: Fixtures.model)
    var baseScores: [Double] = [0.1]
    var treeStarts: [UInt32] = [0]
    var leafScales: [Float] = []
    /// Node bytes and count.
    var nodes: [UInt8] = []
    var nodeCount = 0
    /// Leaf bytes and count.
    var leaves: [UInt8] = []
    var leafCount = 0
    var thresholds: [Float] = []
    /// Pairs: first word, word count.
    var levelSets: [UInt32] = []
    var levelWords: [UInt32] = []

    /// ``Fixtures/model`` (trees 0 and 1), written out node by node (see the trees' documentation).
    static var fixture: CompactFileBuilder {
        var builder = CompactFileBuilder()
        // Tree 0: x <= 0.5 (missing left; left is leaf 1.0), then color in {green} (unseen left).
        builder.addWide(threshold: 0.5, skip: 1, feature: 0, flags: 1 | 8)
        builder.addWide(set: 0, skip: 1, feature: 1, flags: 2 | 4 | 8 | 16)
        // Tree 1: color in {red, blue} (missing left; left is leaf 0.3), then x <= 2.
        builder.addWide(set: 1, skip: 1, feature: 1, flags: 1 | 2 | 8)
        builder.addWide(threshold: 2, skip: 1, feature: 0, flags: 8 | 16)
        builder.treeStarts = [0, 2, 4]
        builder.addLeaves([1.0, -0.5, 0.25, 0.3, -0.2, 0.6])
        builder.levelSets = [0, 1, 1, 1]
        builder.levelWords = [0b10, 0b101]
        return builder
    }

    /// Appends a wide numeric node.
    mutating func addWide(threshold: Double, skip: UInt32, feature: UInt16, flags: UInt8) {
        addWide(payload: threshold.bitPattern, skip: skip, feature: feature, flags: flags)
    }

    /// Appends a wide categorical node.
    mutating func addWide(set: UInt64, skip: UInt32, feature: UInt16, flags: UInt8) {
        addWide(payload: set, skip: skip, feature: feature, flags: flags)
    }

    mutating func addWide(payload: UInt64, skip: UInt32, feature: UInt16, flags: UInt8) {
        nodes += Self.littleEndian(payload) + Self.littleEndian(skip) + Self.littleEndian(feature) + [flags, 0]
        nodeCount += 1
    }

    /// Appends a packed 32-bit node.
    mutating func addPacked(flags: UInt32, feature: UInt32, index: UInt32, skip: UInt32) {
        let word = flags | feature << 5 | index << UInt32(5 + featureBits) | skip << UInt32(5 + featureBits + indexBits)
        nodes += Self.littleEndian(word)
        nodeCount += 1
    }

    /// Appends `Float64` leaves.
    mutating func addLeaves(_ values: [Double]) {
        for value in values { leaves += Self.littleEndian(value.bitPattern) }
        leafCount += values.count
    }

    /// The file's bytes, checksum included.
    func bytes() -> [UInt8] {
        let sections: [([UInt8], Int)] = [
            (header, header.count),
            (baseScores.flatMap { Self.littleEndian($0.bitPattern) }, baseScores.count),
            (treeStarts.flatMap(Self.littleEndian), treeStarts.count),
            (leafScales.flatMap { Self.littleEndian($0.bitPattern) }, leafScales.count),
            (nodes, nodeCount),
            (leaves, leafCount),
            (thresholds.flatMap { Self.littleEndian($0.bitPattern) }, thresholds.count),
            (levelSets.flatMap(Self.littleEndian), levelSets.count / 2),
            (levelWords.flatMap(Self.littleEndian), levelWords.count),
        ]
        var offsets: [Int] = [], end = 184
        for (bytes, _) in sections {
            offsets.append((end + 7) / 8 * 8)
            end = offsets.last! + bytes.count
        }
        let length = (end + 7) / 8 * 8 + 4
        var file = Array("APUSCMPT".utf8) + Self.littleEndian(UInt32(1))
        file += [nodeFormat.rawValue, quantization.rawValue, CompactLayout.linkCode(link), 0, UInt8(featureBits), UInt8(indexBits), 0, 0]
        file += Self.littleEndian(UInt32(featureCount)) + Self.littleEndian(UInt32(scoresPerRow))
        file += Self.littleEndian(UInt32(treeStarts.count - 1)) + Self.littleEndian(UInt64(length))
        for (offset, (_, count)) in zip(offsets, sections) {
            file += Self.littleEndian(UInt64(offset)) + Self.littleEndian(UInt64(count))
        }
        for (offset, (bytes, _)) in zip(offsets, sections) {
            file += [UInt8](repeating: 0, count: offset - file.count) + bytes
        }
        file += [UInt8](repeating: 0, count: length - 4 - file.count)
        return Self.withChecksum(file)
    }

    /// `body` followed by its CRC-32.
    static func withChecksum(_ body: [UInt8]) -> [UInt8] { body + littleEndian(CRC32.checksum(body)) }

    /// `file` with `value` written at `offset` and the checksum recomputed.
    static func patched<T: FixedWidthInteger>(_ file: [UInt8], at offset: Int, _ value: T) -> [UInt8] {
        var body = Array(file.dropLast(4))
        body.replaceSubrange(offset..<offset + MemoryLayout<T>.size, with: littleEndian(value))
        return withChecksum(body)
    }

    static func littleEndian<T: FixedWidthInteger>(_ value: T) -> [UInt8] {
        withUnsafeBytes(of: value.littleEndian, Array.init)
    }
}
