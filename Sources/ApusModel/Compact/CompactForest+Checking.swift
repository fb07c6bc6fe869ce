extension CompactForest {
    /// Checks a compact file in one pass over its fixed-layout sections and returns them
    /// in place: nothing is parsed or copied, and nothing is allocated but a stack as deep
    /// as the deepest tree.
    ///
    /// The magic is checked first, then the version (so a newer file says so), the
    /// length, the checksum, the header's fields, the section table (every section where
    /// it must be and inside the file), and the contents (finite numbers, every index in
    /// range, every tree a tree in preorder: ``checkTree(_:scratch:)``).
    ///
    /// - Throws: ``ModelError/notAModelFile(reason:)``,
    ///   ``ModelError/unsupportedVersion(found:supported:)``, or
    ///   ``ModelError/corrupt(field:reason:)`` naming the field or section and the byte offset.
    init(checking bytes: UnsafeRawBufferPointer) throws(ModelError) {
        try Self.checkPreamble(bytes)
        let header = try Header(bytes)
        let spans = try Self.sections(of: bytes, header: header)
        guard let base = bytes.baseAddress else { throw .notAModelFile(reason: "the file is empty") }
        func start(_ section: CompactLayout.Section) -> UnsafeRawPointer { base + spans[section.rawValue].offset }
        self.init(
            nodeFormat: header.nodeFormat, quantization: header.quantization, link: header.link,
            featureCount: header.featureCount, scoresPerRow: header.scoresPerRow, treeCount: header.treeCount, base: base,
            header: UnsafeRawBufferPointer(start: start(.header), count: spans[CompactLayout.Section.header.rawValue].count),
            baseScores: start(.baseScores), treeStarts: start(.treeStarts), leafScales: start(.leafScales),
            nodes: start(.nodes), leaves: start(.leaves), thresholds: start(.thresholds),
            levelSets: start(.levelSets), levelWords: start(.levelWords),
            thresholdCount: spans[CompactLayout.Section.thresholds.rawValue].count,
            levelSetCount: spans[CompactLayout.Section.levelSets.rawValue].count,
            levelWordCount: spans[CompactLayout.Section.levelWords.rawValue].count,
            fields: PackedFields(featureBits: header.featureBits, indexBits: header.indexBits))
        try checkTables(nodeCount: spans[CompactLayout.Section.nodes.rawValue].count)
        var scratch: [Int] = []
        for tree in 0..<treeCount { try checkTree(tree, scratch: &scratch) }
    }

    /// The magic, the version, the length and the checksum.
    private static func checkPreamble(_ bytes: UnsafeRawBufferPointer) throws(ModelError) {
        let magic = CompactLayout.magic
        guard bytes.count >= magic.count, bytes.prefix(magic.count).elementsEqual(magic) else {
            if bytes.count < magic.count, magic.starts(with: bytes) {
                throw .notAModelFile(reason: "the file is \(bytes.count) bytes long, shorter than the 8-byte magic")
            }
            if bytes.starts(with: ModelFile.magic) {
                throw .notAModelFile(reason: "it is an `.apus` model file (`APUSMODL`), not a compact one: read it with ModelFile")
            }
            throw .notAModelFile(reason: "it does not start with `APUSCMPT`")
        }
        guard bytes.count >= CompactLayout.Field.version + 4 else {
            throw .corrupt(field: "version", reason: "the file is \(bytes.count) bytes long, too short for the version at byte 8 (truncated)")
        }
        let version = bytes.littleEndian(UInt32.self, at: CompactLayout.Field.version)
        guard version == CompactLayout.formatVersion else {
            throw .unsupportedVersion(found: version, supported: CompactLayout.formatVersion)
        }
        let minimum = CompactLayout.sectionsStart + 4
        guard bytes.count >= minimum else {
            throw .corrupt(field: "header", reason: "the file is \(bytes.count) bytes long, shorter than the \(minimum) bytes of header, section table and checksum (truncated)")
        }
        let length = bytes.littleEndian(UInt64.self, at: CompactLayout.Field.fileLength)
        guard length == UInt64(bytes.count) else {
            let extra = UInt64(bytes.count) &- length
            let detail = length > UInt64(bytes.count) ? "truncated" : extra == 1 ? "1 byte too many" : "\(extra) bytes too many"
            throw .corrupt(field: "length", reason: "the header (byte 32) says the file is \(length) bytes long, but it is \(bytes.count) (\(detail))")
        }
        let end = bytes.count - 4
        let stored = bytes.littleEndian(UInt32.self, at: end)
        let computed = CompactLayout.checksum(bytes[..<end])
        guard stored == computed else {
            throw .corrupt(field: "checksum", reason: "stored \(hex(stored)) at byte \(end), computed \(hex(computed)): the file is damaged")
        }
    }

    private static func hex(_ value: UInt32) -> String {
        let digits = String(value, radix: 16)
        return "0x" + String(repeating: "0", count: 8 - digits.count) + digits
    }

    /// The section table's spans: each section starts at the first multiple of 8 after the
    /// previous one, the padding is zero, and the checksum follows the last one the same way.
    private static func sections(of bytes: UnsafeRawBufferPointer, header: Header) throws(ModelError) -> [(offset: Int, count: Int)] {
        let checksumOffset = bytes.count - 4
        var spans: [(offset: Int, count: Int)] = []
        var end = CompactLayout.sectionsStart
        for section in CompactLayout.Section.allCases {
            let field = "sections.\(section.name)"
            let entry = CompactLayout.headerSize + section.rawValue * CompactLayout.sectionEntrySize
            let offset = bytes.littleEndian(UInt64.self, at: entry), count = bytes.littleEndian(UInt64.self, at: entry + 8)
            let expected = CompactLayout.aligned(end)
            guard offset == UInt64(expected) else {
                throw .corrupt(field: field, reason: "starts at byte \(offset) (table entry at byte \(entry)), expected \(expected): sections follow each other, 8-aligned")
            }
            try checkPadding(bytes, from: end, to: expected, field: field)
            let size = section.elementSize(nodes: header.nodeFormat, leaves: header.quantization)
            guard expected <= checksumOffset, count <= UInt64((checksumOffset - expected) / size) else {
                throw .corrupt(field: field, reason: "\(count) elements of \(size) bytes at byte \(expected) run past the checksum at byte \(checksumOffset)")
            }
            spans.append((expected, Int(count)))
            end = expected + Int(count) * size
        }
        guard CompactLayout.aligned(end) == checksumOffset else {
            throw .corrupt(field: "sections", reason: "the last section ends at byte \(end), but the checksum is at byte \(checksumOffset)")
        }
        try checkPadding(bytes, from: end, to: checksumOffset, field: "sections")
        try header.checkCounts(spans.map(\.count))
        return spans
    }

    private static func checkPadding(_ bytes: UnsafeRawBufferPointer, from start: Int, to end: Int, field: String) throws(ModelError) {
        for offset in start..<end where bytes[offset] != 0 {
            throw .corrupt(field: field, reason: "padding byte \(offset) is \(bytes[offset]), not 0")
        }
    }
}

extension UnsafeRawBufferPointer {
    /// The little-endian integer at `offset`, which the caller has checked is in range.
    func littleEndian<T: FixedWidthInteger>(_: T.Type, at offset: Int) -> T {
        T(littleEndian: loadUnaligned(fromByteOffset: offset, as: T.self))
    }
}
