import ApusModel

/// How a compact file's writer stores internal nodes (``CompactLayout/NodeFormat``): wide
/// 16-byte nodes for unquantized models, else the fewest bits that hold every field.
struct NodeEncoding {
    let nodeFormat: CompactLayout.NodeFormat
    /// The bits of a packed node's feature and index fields (0 for wide nodes).
    let featureBits: Int
    let indexBits: Int

    /// Chooses the encoding for `featureCount` features, `indexCount` thresholds or level
    /// sets (whichever is more), and skips up to `largestSkip`.
    ///
    /// - Throws: ``ImportError`` when the fields do not fit 64 bits.
    init(packed: Bool, featureCount: Int, indexCount: Int, largestSkip: Int) throws(ImportError) {
        guard packed else {
            nodeFormat = .wide
            featureBits = 0
            indexBits = 0
            return
        }
        featureBits = Self.bits(for: featureCount - 1)
        indexBits = Self.bits(for: indexCount - 1)
        let fixed = CompactLayout.NodeFlag.bitCount + featureBits + indexBits
        let total = fixed + Self.bits(for: largestSkip)
        // The skip takes the bits above the other fields, and the reader wants at least one.
        if total <= 32, fixed < 32 {
            nodeFormat = .packed32
        } else if total <= 64, fixed < 64, indexBits <= 32 {
            nodeFormat = .packed64
        } else {
            throw ImportError("the model's nodes need \(total) bits (\(featureBits) for features, \(indexBits) for thresholds, the rest for tree sizes), more than 64")
        }
    }

    /// The bits that hold every value up to `largest` (0 for 0).
    static func bits(for largest: Int) -> Int { largest <= 0 ? 0 : Int.bitWidth - largest.leadingZeroBitCount }

    /// Appends `node` of `tree` (a quantized model's tree).
    func append(_ node: PreorderTree.Node, of tree: Tree, tables: CompactTables, to bytes: inout LittleEndianBytes) {
        let original = node.original
        let categorical = tree.isCategorical(original)
        let feature = UInt64(tree.splitFeature[original])
        switch nodeFormat {
        case .wide:
            let payload = categorical ? UInt64(tables.index(ofLevelSetOf: original, in: tree)) : tree.threshold[original].bitPattern
            bytes.append(payload)
            bytes.append(UInt32(node.skip))
            bytes.append(UInt16(feature))
            bytes.bytes.append(contentsOf: [node.flags, 0])
        case .packed32, .packed64:
            let index = categorical
                ? tables.index(ofLevelSetOf: original, in: tree) : tables.index(ofThreshold: tree.threshold[original])
            let indexShift = UInt64(CompactLayout.NodeFlag.bitCount + featureBits)
            let word = UInt64(node.flags) | feature << 5 | UInt64(index) << indexShift
                | UInt64(node.skip) << (indexShift + UInt64(indexBits))
            if nodeFormat == .packed32 { bytes.append(UInt32(word)) } else { bytes.append(word) }
        }
    }
}

/// Little-endian bytes under construction.
struct LittleEndianBytes {
    var bytes: [UInt8] = []

    init() {}

    /// `values`, back to back.
    init<T: FixedWidthInteger>(_ values: [T]) {
        bytes.reserveCapacity(values.count * MemoryLayout<T>.size)
        for value in values { append(value) }
    }

    /// Appends an integer, least significant byte first.
    mutating func append<T: FixedWidthInteger>(_ value: T) {
        withUnsafeBytes(of: value.littleEndian) { bytes.append(contentsOf: $0) }
    }
}
