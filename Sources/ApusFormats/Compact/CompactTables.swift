import ApusModel

/// The shared tables of a compact file: distinct `Float32` thresholds (packed nodes index
/// them) and distinct level sets with their words (categorical nodes index them).
struct CompactTables {
    /// The distinct numeric thresholds, ascending (by value, then bits).
    private(set) var thresholds: [Float] = []
    private var thresholdIndex: [UInt32: Int] = [:]
    /// Each level set's first word and word count.
    private(set) var levelSets: [(start: UInt32, count: UInt32)] = []
    private(set) var levelWords: [UInt32] = []
    private var setIndex: [ArraySlice<UInt32>: Int] = [:]

    /// The tables of `trees`; thresholds only when `packed` (wide nodes hold theirs).
    init(trees: [Tree], packed: Bool) {
        var seen = Set<UInt32>()
        for tree in trees {
            for node in 0..<tree.internalNodeCount {
                if tree.isCategorical(node) {
                    let start = Int(tree.categoryStart[node])
                    let words = tree.categoryWords[start..<start + Int(tree.categoryWordCount[node])]
                    if setIndex[words] == nil {
                        setIndex[words] = levelSets.count
                        levelSets.append((UInt32(levelWords.count), UInt32(words.count)))
                        levelWords.append(contentsOf: words)
                    }
                } else if packed {
                    seen.insert(Float(tree.threshold[node]).bitPattern)
                }
            }
        }
        thresholds = seen.map(Float.init(bitPattern:)).sorted { $0 < $1 || ($0 == $1 && $0.bitPattern < $1.bitPattern) }
        for (index, value) in thresholds.enumerated() { thresholdIndex[value.bitPattern] = index }
    }

    /// The index of `threshold` (a quantized model's threshold: a `Float`) in ``thresholds``.
    func index(ofThreshold threshold: Double) -> Int { thresholdIndex[Float(threshold).bitPattern] ?? 0 }

    /// The index of node `node`'s level set.
    func index(ofLevelSetOf node: Int, in tree: Tree) -> Int {
        let start = Int(tree.categoryStart[node])
        return setIndex[tree.categoryWords[start..<start + Int(tree.categoryWordCount[node])]] ?? 0
    }
}
