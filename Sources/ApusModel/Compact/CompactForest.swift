/// A checked compact file's sections, read in place: pointers into the file's bytes and
/// the header's scalars. Made only by ``init(checking:)``, which proves every read the
/// walk and ``MappedModel/model()`` make stays inside the bytes.
///
/// A walk's position in a tree is one `Int64`: the node index in bits 0–31, the number
/// of leaves before that node (in the tree's left-to-right order) in bits 32–62, and bit 63
/// set once it has reached a leaf, whose index is then bits 32–62. Going left moves to the
/// next node and passes no leaf; going right moves `skip` nodes on and passes `skip`
/// leaves (the left subtree's), so either move is one addition.
struct CompactForest {
    let nodeFormat: CompactLayout.NodeFormat
    let quantization: CompactQuantization
    let link: OutputLink
    let featureCount: Int
    let scoresPerRow: Int
    let treeCount: Int
    /// The file's first byte (for the byte offsets in error messages).
    let base: UnsafeRawPointer
    /// The JSON header section.
    let header: UnsafeRawBufferPointer
    /// `scoresPerRow` `Float64`s.
    let baseScores: UnsafeRawPointer
    /// `treeCount + 1` `UInt32`s.
    let treeStarts: UnsafeRawPointer
    /// `treeCount` `Float32`s (i8 only).
    let leafScales: UnsafeRawPointer
    let nodes: UnsafeRawPointer
    let leaves: UnsafeRawPointer
    /// `Float32`s (packed nodes only).
    let thresholds: UnsafeRawPointer
    /// Pairs of `UInt32`: first word, word count.
    let levelSets: UnsafeRawPointer
    let levelWords: UnsafeRawPointer
    /// The number of thresholds and of level sets and their words.
    let thresholdCount: Int
    let levelSetCount: Int
    let levelWordCount: Int
    /// Where packed nodes keep their fields.
    let fields: PackedFields

    /// Where a packed node's fields sit: flags in bits 0–4, the feature from bit 5, the
    /// index from ``indexShift``, the skip in the bits from ``skipShift`` up.
    struct PackedFields {
        let featureMask: UInt64
        let indexShift: UInt64
        let indexMask: UInt64
        let skipShift: UInt64

        init(featureBits: Int, indexBits: Int) {
            featureMask = (1 << UInt64(featureBits)) - 1
            indexShift = UInt64(CompactLayout.NodeFlag.bitCount + featureBits)
            indexMask = (1 << UInt64(indexBits)) - 1
            skipShift = indexShift + UInt64(indexBits)
        }
    }

    /// The index of tree `tree`'s first node (`tree == treeCount`: the node count).
    @inline(__always)
    func treeStart(_ tree: Int) -> Int {
        Int(UInt32(littleEndian: treeStarts.load(fromByteOffset: tree &* 4, as: UInt32.self)))
    }

    /// Node `index` (of the whole nodes section).
    func node(_ index: Int) -> CompactNode {
        switch nodeFormat {
        case .wide: WideNodes.node(index, at: nodes, fields)
        case .packed32: Packed32Nodes.node(index, at: nodes, fields)
        case .packed64: Packed64Nodes.node(index, at: nodes, fields)
        }
    }

    /// The threshold of a numeric node.
    func threshold(of node: CompactNode) -> Double {
        nodeFormat == .wide ? WideNodes.threshold(node.payload, thresholds) : Packed32Nodes.threshold(node.payload, thresholds)
    }

    /// Leaf `leaf` (of the whole leaves section), which belongs to tree `tree`.
    func leafValue(_ leaf: Int, tree: Int) -> Double {
        switch quantization {
        case .none: Float64Leaves.value(leaf, tree: tree, leaves, leafScales)
        case .f16: Float16Leaves.value(leaf, tree: tree, leaves, leafScales)
        case .i8: Int8Leaves.value(leaf, tree: tree, leaves, leafScales)
        }
    }

    /// The first word and the word count of level set `set`.
    @inline(__always)
    func levelSet(_ set: Int) -> (start: Int, count: Int) {
        (Int(UInt32(littleEndian: levelSets.load(fromByteOffset: set &* 8, as: UInt32.self))),
         Int(UInt32(littleEndian: levelSets.load(fromByteOffset: set &* 8 &+ 4, as: UInt32.self))))
    }

    /// Level word `index`.
    func levelWord(_ index: Int) -> UInt32 {
        UInt32(littleEndian: levelWords.load(fromByteOffset: index &* 4, as: UInt32.self))
    }

    /// The byte offset of `pointer` in the file.
    func offset(of pointer: UnsafeRawPointer) -> Int { pointer - base }

    /// Base score `index`.
    func baseScore(_ index: Int) -> Double {
        Double(bitPattern: UInt64(littleEndian: baseScores.load(fromByteOffset: index &* 8, as: UInt64.self)))
    }

    /// Whether a row whose value of a categorical node's feature is `value` goes left
    /// (1) or right (0): NaN follows the missing flag, a negative code the unseen flag, a
    /// code outside the level set goes right. Reads one word, without branching on `value`
    /// beyond the final selection.
    @inline(__always)
    func levelSetLeft(_ value: Double, flags: Int, set: Int) -> Int {
        let (start, wordCount) = levelSet(set)
        let inRange = value >= 0 && value < Double(wordCount &* 32)
        let code = inRange ? Int(value) : 0
        let word = UInt32(littleEndian: levelWords.load(fromByteOffset: (start &+ code &>> 5) &* 4, as: UInt32.self))
        let bit = Int(word &>> UInt32(code & 31)) & (inRange ? 1 : 0)
        return value.isNaN ? flags & 1 : value < 0 ? (flags &>> 2) & 1 : bit
    }
}

/// One internal node's fields.
struct CompactNode {
    var flags: Int
    var feature: Int
    /// The internal nodes of the left subtree, plus one.
    var skip: Int
    /// Wide nodes: the threshold's bits, or the level set's index. Packed nodes: the
    /// threshold's or the level set's index.
    var payload: UInt64
}

/// Reads nodes of one ``CompactLayout/NodeFormat``.
protocol CompactNodeReading {
    /// The bytes of one node.
    static var size: Int { get }
    /// Node `index` of the nodes starting at `nodes`.
    static func node(_ index: Int, at nodes: UnsafeRawPointer, _ fields: CompactForest.PackedFields) -> CompactNode
    /// The threshold of a numeric node's payload.
    static func threshold(_ payload: UInt64, _ thresholds: UnsafeRawPointer) -> Double
}

/// 16-byte nodes with their `Float64` thresholds inline.
enum WideNodes: CompactNodeReading {
    static var size: Int { 16 }

    @inline(__always)
    static func node(_ index: Int, at nodes: UnsafeRawPointer, _ fields: CompactForest.PackedFields) -> CompactNode {
        let offset = index &* 16
        let payload = UInt64(littleEndian: nodes.load(fromByteOffset: offset, as: UInt64.self))
        let rest = UInt64(littleEndian: nodes.load(fromByteOffset: offset &+ 8, as: UInt64.self))
        return CompactNode(
            flags: Int(rest &>> 48 & 0xFF), feature: Int(rest &>> 32 & 0xFFFF), skip: Int(rest & 0xFFFF_FFFF), payload: payload)
    }

    @inline(__always)
    static func threshold(_ payload: UInt64, _ thresholds: UnsafeRawPointer) -> Double { Double(bitPattern: payload) }
}

/// Bit-packed 32-bit nodes indexing the `Float32` threshold table.
enum Packed32Nodes: CompactNodeReading {
    static var size: Int { 4 }

    @inline(__always)
    static func node(_ index: Int, at nodes: UnsafeRawPointer, _ fields: CompactForest.PackedFields) -> CompactNode {
        unpack(UInt64(UInt32(littleEndian: nodes.load(fromByteOffset: index &* 4, as: UInt32.self))), fields)
    }

    @inline(__always)
    static func threshold(_ payload: UInt64, _ thresholds: UnsafeRawPointer) -> Double {
        Double(Float(bitPattern: UInt32(littleEndian: thresholds.load(fromByteOffset: Int(payload) &* 4, as: UInt32.self))))
    }
}

/// Bit-packed 64-bit nodes (for models whose fields do not fit 32 bits).
enum Packed64Nodes: CompactNodeReading {
    static var size: Int { 8 }

    @inline(__always)
    static func node(_ index: Int, at nodes: UnsafeRawPointer, _ fields: CompactForest.PackedFields) -> CompactNode {
        unpack(UInt64(littleEndian: nodes.load(fromByteOffset: index &* 8, as: UInt64.self)), fields)
    }

    @inline(__always)
    static func threshold(_ payload: UInt64, _ thresholds: UnsafeRawPointer) -> Double {
        Packed32Nodes.threshold(payload, thresholds)
    }
}

/// The fields of a packed node's word.
@inline(__always)
private func unpack(_ word: UInt64, _ fields: CompactForest.PackedFields) -> CompactNode {
    CompactNode(
        flags: Int(word & 31), feature: Int(word &>> 5 & fields.featureMask),
        skip: Int(word &>> fields.skipShift), payload: word &>> fields.indexShift & fields.indexMask)
}

/// Reads leaves of one ``CompactQuantization``.
protocol CompactLeafReading {
    /// Leaf `leaf` (an index into the whole leaves section) of tree `tree`.
    static func value(_ leaf: Int, tree: Int, _ leaves: UnsafeRawPointer, _ scales: UnsafeRawPointer) -> Double
}

/// `Float64` leaves.
enum Float64Leaves: CompactLeafReading {
    @inline(__always)
    static func value(_ leaf: Int, tree: Int, _ leaves: UnsafeRawPointer, _ scales: UnsafeRawPointer) -> Double {
        Double(bitPattern: UInt64(littleEndian: leaves.load(fromByteOffset: leaf &* 8, as: UInt64.self)))
    }
}

/// Binary16 leaves.
enum Float16Leaves: CompactLeafReading {
    @inline(__always)
    static func value(_ leaf: Int, tree: Int, _ leaves: UnsafeRawPointer, _ scales: UnsafeRawPointer) -> Double {
        Float16Bits.value(UInt16(littleEndian: leaves.load(fromByteOffset: leaf &* 2, as: UInt16.self)))
    }
}

/// `Int8` codes times the tree's scale.
enum Int8Leaves: CompactLeafReading {
    @inline(__always)
    static func value(_ leaf: Int, tree: Int, _ leaves: UnsafeRawPointer, _ scales: UnsafeRawPointer) -> Double {
        let scale = Float(bitPattern: UInt32(littleEndian: scales.load(fromByteOffset: tree &* 4, as: UInt32.self)))
        return Double(leaves.load(fromByteOffset: leaf, as: Int8.self)) * Double(scale)
    }
}
