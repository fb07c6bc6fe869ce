/// One regression tree, as flat arrays: internal nodes `0..<internalNodeCount` (node 0 is the
/// root) and leaves `0..<leafCount`. A tree with no internal nodes is a single leaf.
///
/// A child index `c >= 0` is an internal node; `c < 0` is leaf `~c` (so leaf 0 is −1),
/// as in LightGBM. A row goes left at a numeric node when its value is `<= threshold`;
/// at a categorical node when its level's code is in the node's level set. A missing
/// value follows ``defaultLeft``; an unseen level (code −1) follows ``unseenLeft``.
///
/// Node and leaf covers (hessian sums and row counts of the training rows that reached
/// them) are kept for TreeSHAP and for reporting.
public struct Tree: Sendable, Equatable {
    /// The feature (matrix column) each internal node splits on.
    public var splitFeature: [Int32] = []
    /// Numeric nodes: go left when `value <= threshold`. Categorical nodes: 0.
    public var threshold: [Double] = []
    /// Bits per node: ``Flags``.
    public var flags: [UInt8] = []
    /// Categorical nodes: the start of the node's level set in ``categoryWords``.
    public var categoryStart: [UInt32] = []
    /// Categorical nodes: the number of 32-bit words of the node's level set (0 for numeric).
    public var categoryWordCount: [UInt32] = []
    /// Level sets of categorical nodes: bit `c % 32` of word `c / 32` is set when level
    /// code `c` goes left.
    public var categoryWords: [UInt32] = []
    /// Left and right children (see the type's documentation for the encoding).
    public var leftChild: [Int32] = []
    public var rightChild: [Int32] = []
    /// The loss reduction of each split.
    public var splitGain: [Double] = []
    /// Sum of hessians and row count of the training rows at each internal node.
    public var nodeHessian: [Double] = []
    public var nodeRowCount: [UInt64] = []
    /// Each leaf's output, learning rate included.
    public var leafValue: [Double] = []
    /// Sum of hessians and row count of the training rows at each leaf.
    public var leafHessian: [Double] = []
    public var leafRowCount: [UInt64] = []

    /// Bits of ``flags``.
    public struct Flags: OptionSet, Sendable {
        /// The flag bits.
        public let rawValue: UInt8
        /// Flags from their bits.
        public init(rawValue: UInt8) { self.rawValue = rawValue }
        /// Missing values go left.
        public static let defaultLeft = Flags(rawValue: 1)
        /// The split is on a categorical feature's level set.
        public static let categorical = Flags(rawValue: 2)
        /// Levels unseen in training go left.
        public static let unseenLeft = Flags(rawValue: 4)
        /// Every bit a valid file may set.
        public static let all: Flags = [.defaultLeft, .categorical, .unseenLeft]
    }

    /// A tree with no nodes and no leaves yet (append them; a valid tree has a leaf).
    public init() {}

    /// A tree that is one leaf.
    public init(leafValue: Double, hessian: Double, count: UInt64) {
        self.leafValue = [leafValue]
        self.leafHessian = [hessian]
        self.leafRowCount = [count]
    }

    /// The number of internal nodes.
    public var internalNodeCount: Int { splitFeature.count }
    /// The number of leaves.
    public var leafCount: Int { leafValue.count }

    /// Whether missing values go left at `node`.
    public func defaultLeft(_ node: Int) -> Bool { Flags(rawValue: flags[node]).contains(.defaultLeft) }
    /// Whether `node` splits a categorical feature.
    public func isCategorical(_ node: Int) -> Bool { Flags(rawValue: flags[node]).contains(.categorical) }
    /// Whether unseen levels go left at `node`.
    public func unseenLeft(_ node: Int) -> Bool { Flags(rawValue: flags[node]).contains(.unseenLeft) }

    /// The level codes that go left at categorical `node`, ascending.
    public func leftLevels(_ node: Int) -> [Int] {
        var codes: [Int] = []
        let start = Int(categoryStart[node])
        for word in 0..<Int(categoryWordCount[node]) {
            let bits = categoryWords[start + word]
            for bit in 0..<32 where bits & (1 << UInt32(bit)) != 0 { codes.append(word * 32 + bit) }
        }
        return codes
    }

    /// Whether a row whose value of the split feature is `value` goes left at `node`.
    public func goesLeft(_ node: Int, value: Double) -> Bool {
        let flags = Flags(rawValue: self.flags[node])
        if value.isNaN { return flags.contains(.defaultLeft) }
        guard flags.contains(.categorical) else { return value <= threshold[node] }
        guard value >= 0 else { return flags.contains(.unseenLeft) }
        // Beyond every level set (and beyond `Int`, for infinity): right, as in PackedForest.
        guard value < 4_294_967_296 else { return false }
        let code = Int(value)
        let word = code >> 5
        guard word < Int(categoryWordCount[node]) else { return false }
        return categoryWords[Int(categoryStart[node]) + word] & (1 << UInt32(code & 31)) != 0
    }

    /// The leaf a feature-matrix row lands in (a reference path, not the fast one).
    public func leaf(for row: UnsafeBufferPointer<Double>) -> Int {
        guard !splitFeature.isEmpty else { return 0 }
        var node: Int32 = 0
        while node >= 0 {
            let index = Int(node)
            node = goesLeft(index, value: row[Int(splitFeature[index])]) ? leftChild[index] : rightChild[index]
        }
        return Int(~node)
    }

    /// Appends a numeric split node; returns its index. Children are set later.
    public mutating func appendNumericNode(
        feature: Int, threshold: Double, defaultLeft: Bool, gain: Double, hessian: Double, count: UInt64
    ) -> Int {
        appendNode(feature: feature, threshold: threshold, flags: defaultLeft ? .defaultLeft : [],
                   words: [], gain: gain, hessian: hessian, count: count)
    }

    /// Appends a categorical split node sending `leftCodes` left; returns its index.
    public mutating func appendCategoricalNode(
        feature: Int, leftCodes: [Int], defaultLeft: Bool, unseenLeft: Bool, gain: Double, hessian: Double, count: UInt64
    ) -> Int {
        var words = [UInt32](repeating: 0, count: (leftCodes.max() ?? 0) / 32 + 1)
        for code in leftCodes { words[code >> 5] |= 1 << UInt32(code & 31) }
        var flags: Flags = .categorical
        if defaultLeft { flags.insert(.defaultLeft) }
        if unseenLeft { flags.insert(.unseenLeft) }
        return appendNode(feature: feature, threshold: 0, flags: flags, words: words, gain: gain, hessian: hessian, count: count)
    }

    private mutating func appendNode(
        feature: Int, threshold: Double, flags: Flags, words: [UInt32], gain: Double, hessian: Double, count: UInt64
    ) -> Int {
        splitFeature.append(Int32(feature))
        self.threshold.append(threshold)
        self.flags.append(flags.rawValue)
        categoryStart.append(UInt32(categoryWords.count))
        categoryWordCount.append(UInt32(words.count))
        categoryWords.append(contentsOf: words)
        leftChild.append(0)
        rightChild.append(0)
        splitGain.append(gain)
        nodeHessian.append(hessian)
        nodeRowCount.append(count)
        return splitFeature.count - 1
    }

    /// Appends a leaf; returns its child encoding (`~leafIndex`).
    public mutating func appendLeaf(value: Double, hessian: Double, count: UInt64) -> Int32 {
        leafValue.append(value)
        leafHessian.append(hessian)
        leafRowCount.append(count)
        return ~Int32(leafValue.count - 1)
    }
}
