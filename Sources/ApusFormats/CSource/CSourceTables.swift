import ApusModel

/// The `static const` tables of a C export, and the C expressions that read them.
///
/// Every tree's internal nodes follow one another in the node tables; a child `c >= 0` is
/// node `c` of the same tree, `c < 0` leaf `~c` (as in ``Tree``). A tree with `n` nodes has
/// `n + 1` leaves, so tree `t`'s leaves start at its first node's index plus `t`. Integer
/// tables take the smallest type that holds their values.
struct CSourceTables {
    /// How numeric thresholds are stored.
    enum ThresholdLayout: Equatable {
        /// One `float` per node (a union with the level-set index when there are categorical splits).
        case direct
        /// Per feature, a sorted table of its distinct thresholds; one small index per node.
        case indexed
    }

    /// The tables, in the order they are defined.
    private(set) var arrays: [CArray] = []
    /// The layout chosen for thresholds.
    let layout: ThresholdLayout
    let treeCount: Int
    let nodeCount: Int
    let hasNumericSplits: Bool
    let hasCategoricalSplits: Bool
    /// `float` literals of the base scores.
    let baseScores: [String]
    /// C expressions for a numeric node's threshold, a categorical node's level-set index
    /// and a leaf value, in terms of the node `n`, its `flags` (feature << 3 | flags), the
    /// tree `t` and the leaf index `LEAF`.
    let thresholdExpression: String
    let levelSetExpression: String
    let leafExpression: String

    /// The bytes of every table.
    var dataBytes: Int { arrays.reduce(0) { $0 + $1.byteCount } }

    /// The tables of `model`, whose leaves are stored as `mode` says; `quantized` is
    /// `model` quantized by ``ModelQuantization`` (its f16 leaves are taken as they are).
    ///
    /// - Throws: ``ImportError`` when a leaf, base score or scale does not fit a `float`.
    init(model: Model, quantized: Model, mode: QuantizationMode, prefix: String, layout requested: ThresholdLayout?) throws(ImportError) {
        let trees = quantized.ensemble.trees
        let featureCount = model.ensemble.featureKinds.count
        var nodes = NodeColumns()
        var treeStarts = [0]
        for tree in trees {
            nodes.append(tree)
            treeStarts.append(nodes.features.count)
        }
        treeCount = trees.count
        nodeCount = nodes.features.count
        hasCategoricalSplits = nodes.levelSets.contains { $0 != nil }
        hasNumericSplits = nodes.thresholds.contains { $0 != nil }
        baseScores = try model.ensemble.baseScore.enumerated().map { (index, value) throws(ImportError) in
            try Self.float(value, "baseScore[\(index)]")
        }

        if nodeCount > 0 {
            arrays.append(CArray("tree_start", .unsigned(holding: nodeCount), integers: treeStarts))
            // The feature index times 8 plus the flags: one table instead of two, never larger
            // but for more than 8,192 features.
            let keys = zip(nodes.features, nodes.flags).map { $0 << 3 | $1 }
            arrays.append(CArray("node_feature_flags", .unsigned(holding: max(0, featureCount - 1) << 3 | 7), integers: keys))
            let children = nodes.left + nodes.right
            let childType = CType.signed(holding: children.min() ?? 0, children.max() ?? 0)
            arrays.append(CArray("node_left", childType, integers: nodes.left))
            arrays.append(CArray("node_right", childType, integers: nodes.right))
        }
        let splits = Self.splitTables(nodes, featureCount: featureCount, requested: requested, prefix: prefix)
        layout = splits.layout
        arrays += splits.arrays
        thresholdExpression = splits.threshold
        levelSetExpression = splits.levelSet
        if hasCategoricalSplits {
            arrays.append(CArray("set_start", .unsigned(holding: nodes.setWords.count), integers: nodes.setStarts))
            arrays.append(CArray("set_words", .uint32, literals: nodes.setWords.map(CLiteral.word)))
        }
        let leaves = try Self.leafTables(original: model.ensemble.trees, stored: trees, mode: mode, prefix: prefix)
        arrays += leaves.arrays
        leafExpression = leaves.expression
    }

    /// The thresholds and level-set indices of the nodes: one `float` (or split union) per
    /// node, or per-feature tables of distinct floats and a small index per node, whichever
    /// is smaller unless `requested`.
    private static func splitTables(
        _ nodes: NodeColumns, featureCount: Int, requested: ThresholdLayout?, prefix: String
    ) -> (layout: ThresholdLayout, arrays: [CArray], threshold: String, levelSet: String) {
        let nodeCount = nodes.features.count
        let hasNumericSplits = nodes.thresholds.contains { $0 != nil }
        var distinct = [[Float]](repeating: [], count: featureCount)
        for (node, threshold) in nodes.thresholds.enumerated() {
            if let threshold { distinct[nodes.features[node]].append(threshold) }
        }
        distinct = distinct.map { Array(Set($0)).sorted() }
        let tableSize = distinct.reduce(0) { $0 + $1.count }
        let largestIndex = max(distinct.map(\.count).max() ?? 0, nodes.setStarts.count - 1) - 1
        let indexType = CType.unsigned(holding: max(0, largestIndex))
        let offsetType = CType.unsigned(holding: tableSize)
        let indexedBytes = indexType.size * nodeCount + 4 * tableSize + (hasNumericSplits ? offsetType.size * (featureCount + 1) : 0)
        let layout = requested ?? (indexedBytes < 4 * nodeCount ? .indexed : .direct)
        guard nodeCount > 0 else { return (layout, [], "", "") }

        switch layout {
        case .direct where nodes.levelSets.contains(where: { $0 != nil }):
            let splits = zip(nodes.thresholds, nodes.levelSets).map { threshold, set in
                threshold.map { "{ .threshold = \(CLiteral.float($0)) }" } ?? "{ .set = \(set ?? 0)u }"
            }
            return (layout, [CArray("node_split", .split, literals: splits)], "\(prefix)_node_split[n].threshold", "\(prefix)_node_split[n].set")
        case .direct:
            let thresholds = CArray("node_threshold", .float, literals: nodes.thresholds.map { CLiteral.float($0 ?? 0) })
            return (layout, [thresholds], "\(prefix)_node_threshold[n]", "")
        case .indexed:
            let positions = distinct.map { Dictionary($0.enumerated().map { ($1, $0) }, uniquingKeysWith: { first, _ in first }) }
            let indices = nodes.thresholds.enumerated().map { node, threshold in
                threshold.flatMap { positions[nodes.features[node]][$0] } ?? nodes.levelSets[node] ?? 0
            }
            var arrays = [CArray("node_split", indexType, integers: indices)]
            if hasNumericSplits {
                var offsets = [0]
                for table in distinct { offsets.append(offsets[offsets.count - 1] + table.count) }
                arrays.append(CArray("feature_thresholds", offsetType, integers: offsets))
                arrays.append(CArray("thresholds", .float, literals: distinct.flatMap { $0.map(CLiteral.float) }))
            }
            let threshold = "\(prefix)_thresholds[\(prefix)_feature_thresholds[flags >> 3] + \(prefix)_node_split[n]]"
            return (layout, arrays, threshold, "\(prefix)_node_split[n]")
        }
    }

    /// The leaf tables: `stored` are the leaves as quantized (their values as C computes
    /// them must be finite); i8 codes and scales come from the `original` leaves, exactly as
    /// ``ModelQuantization`` rounds them.
    private static func leafTables(
        original: [Tree], stored: [Tree], mode: QuantizationMode, prefix: String
    ) throws(ImportError) -> (arrays: [CArray], expression: String) {
        guard !stored.isEmpty else { return ([], "") }
        for (index, tree) in stored.enumerated() {
            for (leaf, value) in tree.leafValue.enumerated() { _ = try Self.float(value, "trees[\(index)].leaf[\(leaf)]") }
        }
        switch mode {
        case .none:
            let values = stored.flatMap { $0.leafValue.map { CLiteral.float(Float($0)) } }
            return ([CArray("leaf_value", .float, literals: values)], "\(prefix)_leaf_value[LEAF]")
        case .f16:
            let bits = stored.flatMap { $0.leafValue.map { Int(ModelQuantization.halfBits($0)) } }
            return ([CArray("leaf_half", .uint16, integers: bits)], "\(prefix)_half(\(prefix)_leaf_half[LEAF])")
        case .i8:
            var codes: [Int] = [], scales: [String] = []
            for (index, tree) in original.enumerated() {
                let scale = ModelQuantization.leafScale(of: tree)
                scales.append(try Self.float(scale, "trees[\(index)] leaf scale"))
                codes += tree.leafValue.map { Int(ModelQuantization.leafCode($0, scale: scale)) }
            }
            return ([CArray("leaf_code", .int8, integers: codes), CArray("tree_scale", .float, literals: scales)],
                    "(float)\(prefix)_leaf_code[LEAF] * \(prefix)_tree_scale[t]")
        }
    }

    /// `value` as a `float` literal, refusing values beyond `float`'s range.
    private static func float(_ value: Double, _ place: String) throws(ImportError) -> String {
        let single = Float(value)
        guard single.isFinite else { throw ImportError("\(place): value \(value) is beyond float's range (±3.4e38); C exports compute in float") }
        return CLiteral.float(single)
    }
}

/// The node tables of every tree, appended tree by tree, with level sets deduplicated.
private struct NodeColumns {
    var features: [Int] = []
    var flags: [Int] = []
    var left: [Int] = []
    var right: [Int] = []
    /// Numeric nodes: the largest float not above the threshold; nil at categorical nodes.
    var thresholds: [Float?] = []
    /// Categorical nodes: the index of their level set; nil at numeric nodes.
    var levelSets: [Int?] = []
    var setStarts = [0]
    var setWords: [UInt32] = []
    private var setIndex: [[UInt32]: Int] = [:]

    mutating func append(_ tree: Tree) {
        for node in 0..<tree.internalNodeCount {
            features.append(Int(tree.splitFeature[node]))
            flags.append(Int(tree.flags[node] & Tree.Flags.all.rawValue))
            left.append(Int(tree.leftChild[node]))
            right.append(Int(tree.rightChild[node]))
            guard tree.isCategorical(node) else {
                thresholds.append(ModelQuantization.floatAtOrBelow(tree.threshold[node]))
                levelSets.append(nil)
                continue
            }
            let start = Int(tree.categoryStart[node])
            var words = Array(tree.categoryWords[start..<start + Int(tree.categoryWordCount[node])])
            // Codes in trailing zero words go right, as codes beyond the set do: drop them (keep one word).
            while words.count > 1, words[words.count - 1] == 0 { words.removeLast() }
            thresholds.append(nil)
            levelSets.append(levelSet(words))
        }
    }

    private mutating func levelSet(_ words: [UInt32]) -> Int {
        if let index = setIndex[words] { return index }
        let index = setStarts.count - 1
        setIndex[words] = index
        setWords += words
        setStarts.append(setWords.count)
        return index
    }
}
