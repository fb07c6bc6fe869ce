import ApusModel

/// The compact binary model file (issue #6): a fixed-layout form of a model that
/// ``MappedModel`` memory-maps and predicts from without parsing. `docs/formats.md`
/// ("Compact binary") describes the layout byte by byte.
public enum CompactModelFile {
    /// The file's bytes for `model`, its leaves (and, quantized, its thresholds) stored as
    /// `quantization` says. The same model and mode always give the same bytes.
    ///
    /// The model is first rounded by ``ModelQuantization/quantize(_:mode:)``, so a
    /// ``MappedModel`` of the file predicts what Apus predicts for the quantized model
    /// (with ``QuantizationMode/none``, exactly what it predicts for `model`).
    ///
    /// Unquantized models get 16-byte nodes with their `Float64` thresholds; quantized ones
    /// get nodes packed into 32 bits (64 when the fields do not fit) that index a table of
    /// the distinct `Float32` thresholds.
    ///
    /// - Throws: ``ImportError`` when quantizing fails (a leaf beyond float16's range) or
    ///   the model exceeds the format's limits (65,536 features, 2^32 nodes).
    public static func encode(_ model: Model, quantization: QuantizationMode) throws(ImportError) -> [UInt8] {
        let quantized = try ModelQuantization.quantize(model, mode: quantization)
        let ensemble = quantized.ensemble
        guard ensemble.featureKinds.count <= 1 << 16 else {
            throw ImportError("compact files hold at most 65,536 features; the model has \(ensemble.featureKinds.count)")
        }
        let preorders = ensemble.trees.map(PreorderTree.init)
        let nodeCount = preorders.reduce(0) { $0 + $1.nodes.count }
        guard nodeCount + ensemble.trees.count <= Int(UInt32.max) else {
            throw ImportError("compact files hold at most 2^32 nodes and leaves; the model has \(nodeCount) nodes")
        }
        let packed = quantization != .none
        let tables = CompactTables(trees: ensemble.trees, packed: packed)
        let format = try NodeEncoding(
            packed: packed, featureCount: ensemble.featureKinds.count,
            indexCount: max(tables.thresholds.count, tables.levelSets.count),
            largestSkip: preorders.lazy.flatMap(\.nodes).map(\.skip).max() ?? 0)
        let storage = compactQuantization(quantization)

        var sections = [[UInt8]](repeating: [], count: CompactLayout.Section.allCases.count)
        var counts = [Int](repeating: 0, count: sections.count)
        func set(_ section: CompactLayout.Section, _ bytes: LittleEndianBytes, count: Int) {
            sections[section.rawValue] = bytes.bytes
            counts[section.rawValue] = count
        }
        let header = CompactLayout.headerJSON(for: quantized)
        set(.header, LittleEndianBytes(header), count: header.count)
        set(.baseScores, LittleEndianBytes(ensemble.baseScore.map(\.bitPattern)), count: ensemble.scoresPerRow)
        var starts: [UInt32] = [0]
        for preorder in preorders { starts.append(starts[starts.count - 1] + UInt32(preorder.nodes.count)) }
        set(.treeStarts, LittleEndianBytes(starts), count: starts.count)
        var nodes = LittleEndianBytes(), leaves = LittleEndianBytes(), scales = LittleEndianBytes()
        for (index, tree) in ensemble.trees.enumerated() {
            let preorder = preorders[index]
            for node in preorder.nodes { format.append(node, of: tree, tables: tables, to: &nodes) }
            let original = model.ensemble.trees[index]
            switch quantization {
            case .none:
                for leaf in preorder.leaves { leaves.append(tree.leafValue[leaf].bitPattern) }
            case .f16:
                for leaf in preorder.leaves { leaves.append(ModelQuantization.halfBits(tree.leafValue[leaf])) }
            case .i8:
                // Codes and scale from the unrounded leaves, as the quantization made them.
                let scale = ModelQuantization.leafScale(of: original)
                scales.append(Float(scale).bitPattern)
                for leaf in preorder.leaves { leaves.append(ModelQuantization.leafCode(original.leafValue[leaf], scale: scale)) }
            }
        }
        set(.leafScales, scales, count: quantization == .i8 ? ensemble.trees.count : 0)
        set(.nodes, nodes, count: nodeCount)
        set(.leaves, leaves, count: nodeCount + ensemble.trees.count)
        set(.thresholds, LittleEndianBytes(tables.thresholds.map(\.bitPattern)), count: tables.thresholds.count)
        set(.levelSets, LittleEndianBytes(tables.levelSets.flatMap { [$0.start, $0.count] }), count: tables.levelSets.count)
        set(.levelWords, LittleEndianBytes(tables.levelWords), count: tables.levelWords.count)

        let fixed = FixedHeader(
            nodeFormat: format.nodeFormat, quantization: storage, link: ensemble.link,
            featureBits: format.featureBits, indexBits: format.indexBits, featureCount: ensemble.featureKinds.count,
            scoresPerRow: ensemble.scoresPerRow, treeCount: ensemble.trees.count)
        return assemble(fixed, sections: sections, counts: counts)
    }

    /// The runtime's name for a quantization mode.
    static func compactQuantization(_ mode: QuantizationMode) -> CompactQuantization {
        switch mode {
        case .none: .none
        case .f16: .f16
        case .i8: .i8
        }
    }

    /// The fixed header's fields.
    struct FixedHeader {
        var nodeFormat: CompactLayout.NodeFormat
        var quantization: CompactQuantization
        var link: OutputLink
        var featureBits: Int
        var indexBits: Int
        var featureCount: Int
        var scoresPerRow: Int
        var treeCount: Int
    }

    /// The header, the section table, the sections (each 8-aligned, zero padding) and the checksum.
    static func assemble(_ header: FixedHeader, sections: [[UInt8]], counts: [Int]) -> [UInt8] {
        var offsets: [Int] = []
        var end = CompactLayout.sectionsStart
        for section in sections {
            offsets.append(CompactLayout.aligned(end))
            end = offsets[offsets.count - 1] + section.count
        }
        let length = CompactLayout.aligned(end) + 4
        var file = LittleEndianBytes()
        file.bytes.reserveCapacity(length)
        file.bytes.append(contentsOf: CompactLayout.magic)
        file.append(CompactLayout.formatVersion)
        file.bytes.append(contentsOf: [header.nodeFormat.rawValue, header.quantization.rawValue, CompactLayout.linkCode(header.link), 0])
        file.bytes.append(contentsOf: [UInt8(header.featureBits), UInt8(header.indexBits), 0, 0])
        file.append(UInt32(header.featureCount))
        file.append(UInt32(header.scoresPerRow))
        file.append(UInt32(header.treeCount))
        file.append(UInt64(length))
        for (offset, count) in zip(offsets, counts) {
            file.append(UInt64(offset))
            file.append(UInt64(count))
        }
        for (offset, section) in zip(offsets, sections) {
            file.bytes.append(contentsOf: repeatElement(0, count: offset - file.bytes.count))
            file.bytes.append(contentsOf: section)
        }
        file.bytes.append(contentsOf: repeatElement(0, count: length - 4 - file.bytes.count))
        file.append(CompactLayout.checksum(file.bytes))
        return file.bytes
    }
}
