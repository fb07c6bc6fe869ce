/// The layout of the compact model file (`docs/formats.md`, "Compact binary"), shared by
/// ``MappedModel``, which reads it, and ApusFormats' writer.
///
/// A file is a fixed 40-byte header, a table of nine sections (offset and element count,
/// 16 bytes each), the sections in that order, each starting at the first multiple of 8
/// after the previous one (zero padding), and a CRC-32 of everything before it. Every
/// number is little-endian. The sections are arrays a reader uses in place.
public enum CompactLayout {
    /// The first 8 bytes of every compact file: `APUSCMPT`.
    public static let magic: [UInt8] = Array("APUSCMPT".utf8)
    /// The format version this build writes, and the only one it reads.
    public static let formatVersion: UInt32 = 1

    /// Byte offsets of the fixed header's fields.
    public enum Field {
        /// The format version, `UInt32`.
        public static let version = 8
        /// The ``NodeFormat``, one byte.
        public static let nodeFormat = 12
        /// The ``CompactQuantization`` (how leaves are stored), one byte.
        public static let quantization = 13
        /// The link, one byte (``linkCode(_:)``).
        public static let link = 14
        /// The bits of a packed node's feature field, one byte (0 for wide nodes).
        public static let featureBits = 16
        /// The bits of a packed node's threshold or level-set index, one byte (0 for wide nodes).
        public static let indexBits = 17
        /// The number of features, `UInt32`.
        public static let featureCount = 20
        /// Raw scores per row, `UInt32`.
        public static let scoresPerRow = 24
        /// The number of trees, `UInt32`.
        public static let treeCount = 28
        /// The file's length in bytes, checksum included, `UInt64`.
        public static let fileLength = 32
    }

    /// The bytes of the fixed header.
    public static let headerSize = 40
    /// The bytes of one section table entry: offset and element count, `UInt64` each.
    public static let sectionEntrySize = 16
    /// Where the first section (the JSON header) starts.
    public static let sectionsStart = headerSize + Section.allCases.count * sectionEntrySize
    /// The alignment of every section.
    public static let alignment = 8

    /// The sections, in file order.
    public enum Section: Int, CaseIterable, Sendable {
        /// The model's description as UTF-8 JSON (the `.apus` file's header), bytes.
        case header
        /// The base score of each raw score, `Float64`.
        case baseScores
        /// Each tree's first node in ``nodes``, `UInt32`, and the node count after the last tree.
        case treeStarts
        /// Each tree's leaf scale, `Float32` (``CompactQuantization/i8`` only; empty otherwise).
        case leafScales
        /// Every tree's internal nodes, in preorder (``NodeFormat``).
        case nodes
        /// Every tree's leaves, left to right (a tree of `n` nodes has `n + 1`).
        case leaves
        /// The distinct numeric thresholds, `Float32` (packed nodes only; empty otherwise).
        case thresholds
        /// The level sets of categorical splits: first word and word count, `UInt32` each.
        case levelSets
        /// The words of the level sets, `UInt32`: bit `c % 32` of word `c / 32` sends code `c` left.
        case levelWords

        /// The section's name in error messages.
        public var name: String {
            switch self {
            case .header: "header"
            case .baseScores: "baseScores"
            case .treeStarts: "treeStarts"
            case .leafScales: "leafScales"
            case .nodes: "nodes"
            case .leaves: "leaves"
            case .thresholds: "thresholds"
            case .levelSets: "levelSets"
            case .levelWords: "levelWords"
            }
        }

        /// The bytes of one element, for a file whose nodes and leaves are stored as given.
        public func elementSize(nodes: NodeFormat, leaves: CompactQuantization) -> Int {
            switch self {
            case .header: 1
            case .baseScores, .levelSets: 8
            case .treeStarts, .leafScales, .thresholds, .levelWords: 4
            case .nodes: nodes.size
            case .leaves: leaves.leafSize
            }
        }
    }

    /// How internal nodes are stored.
    public enum NodeFormat: UInt8, Sendable {
        /// 16 bytes: threshold `Float64` (a categorical node: its level set's index as
        /// `UInt64`), skip `UInt32`, feature `UInt16`, flags `UInt8`, a zero byte.
        case wide = 0
        /// One `UInt32`: flags in bits 0–4, then the feature, the threshold or level-set
        /// index, and the skip in the remaining high bits (widths in the header).
        case packed32 = 1
        /// As ``packed32``, in a `UInt64`.
        case packed64 = 2

        /// The bytes of one node.
        public var size: Int {
            switch self {
            case .wide: 16
            case .packed32: 4
            case .packed64: 8
            }
        }
    }

    /// Bits of a node's flags (the low three are ``Tree/Flags``).
    public enum NodeFlag {
        /// Missing values go left.
        public static let defaultLeft: UInt8 = 1
        /// The split is on a categorical feature's level set.
        public static let categorical: UInt8 = 2
        /// Unseen levels (negative codes) go left.
        public static let unseenLeft: UInt8 = 4
        /// The left child is a leaf (else it is the next node).
        public static let leftIsLeaf: UInt8 = 8
        /// The right child is a leaf (else it is the node `skip` places on).
        public static let rightIsLeaf: UInt8 = 16
        /// Every bit a valid node may set.
        public static let all: UInt8 = 31
        /// The bits a packed node spends on flags.
        public static let bitCount = 5
    }

    /// The byte code of `link`.
    public static func linkCode(_ link: OutputLink) -> UInt8 {
        switch link {
        case .identity: 0
        case .sigmoid: 1
        case .softmax: 2
        case .exp: 3
        }
    }

    /// The link of a byte code, if it is one.
    public static func link(code: UInt8) -> OutputLink? {
        switch code {
        case 0: .identity
        case 1: .sigmoid
        case 2: .softmax
        case 3: .exp
        default: nil
        }
    }

    /// `offset` rounded up to the next multiple of ``alignment``.
    public static func aligned(_ offset: Int) -> Int { (offset + alignment - 1) / alignment * alignment }

    /// The JSON header section of `model`: the `.apus` file's header (task, objective,
    /// target, classes, schema, parameters, training, ensemble shape), deterministic bytes.
    public static func headerJSON(for model: Model) -> [UInt8] { ModelFileHeader(model: model).json() }

    /// The CRC-32 (IEEE) of `bytes`, which the file's last 4 bytes hold for what precedes them.
    public static func checksum(_ bytes: some Collection<UInt8>) -> UInt32 { CRC32.checksum(bytes) }
}

/// How a compact file stores leaf values (and thresholds): the modes of ApusFormats'
/// `QuantizationMode`, by the same names.
public enum CompactQuantization: UInt8, Sendable, Equatable, CaseIterable {
    /// Leaves as `Float64` and thresholds as `Float64` in wide nodes: nothing is rounded.
    case none = 0
    /// Leaves as IEEE binary16 bits; thresholds as `Float32` in a shared table.
    case f16 = 1
    /// Leaves as `Int8` codes times a per-tree `Float32` scale; thresholds as `Float32`.
    case i8 = 2

    /// The mode's name: `none`, `f16` or `i8`.
    public var name: String {
        switch self {
        case .none: "none"
        case .f16: "f16"
        case .i8: "i8"
        }
    }

    /// The bytes of one leaf.
    public var leafSize: Int {
        switch self {
        case .none: 8
        case .f16: 2
        case .i8: 1
        }
    }
}
