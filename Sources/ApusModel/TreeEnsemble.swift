/// A boosted ensemble of trees: the raw score of class `c` for a row is
/// `baseScore[c]` plus the leaf values of trees `c, c + k, c + 2k, ...` (`k` =
/// ``scoresPerRow``), and ``link`` turns raw scores into predictions.
///
/// Making an ensemble validates every tree against the feature kinds, so an ensemble
/// read from a damaged or hostile file is rejected with an error instead of crashing a
/// prediction: indices out of range, cycles, unreachable nodes, non-finite outputs.
public struct TreeEnsemble: Sendable {
    /// The trees, in boosting order; tree `t` adds to score `t % scoresPerRow`.
    public let trees: [Tree]
    /// Raw scores per row: 1, or the class count for multiclass.
    public let scoresPerRow: Int
    /// The score each row starts from, one per score.
    public let baseScore: [Double]
    /// Raw scores to predictions.
    public let link: OutputLink
    /// The kind of each feature (matrix column).
    public let featureKinds: [FeatureKind]
    let forest: PackedForest

    /// Makes an ensemble after validating it.
    ///
    /// - Throws: ``ModelError/corrupt(field:reason:)`` naming the first inconsistency.
    public init(
        trees: [Tree], scoresPerRow: Int, baseScore: [Double], link: OutputLink, featureKinds: [FeatureKind]
    ) throws(ModelError) {
        guard scoresPerRow >= 1 else { throw .corrupt(field: "ensemble.scoresPerRow", reason: "must be at least 1, found \(scoresPerRow)") }
        guard baseScore.count == scoresPerRow else {
            throw .corrupt(field: "ensemble.baseScore", reason: "has \(baseScore.count) values for \(scoresPerRow) scores per row")
        }
        guard baseScore.allSatisfy(\.isFinite) else { throw .corrupt(field: "ensemble.baseScore", reason: "is not finite") }
        guard trees.count % scoresPerRow == 0 else {
            throw .corrupt(field: "ensemble.trees", reason: "\(trees.count) trees are not a whole number of rounds of \(scoresPerRow)")
        }
        guard (link == .softmax) == (scoresPerRow > 1) else {
            throw .corrupt(field: "ensemble.link", reason: "`\(link.rawValue)` does not fit \(scoresPerRow) scores per row")
        }
        for (index, tree) in trees.enumerated() {
            try TreeValidation.check(tree, index: index, featureKinds: featureKinds)
        }
        self.trees = trees
        self.scoresPerRow = scoresPerRow
        self.baseScore = baseScore
        self.link = link
        self.featureKinds = featureKinds
        self.forest = PackedForest(trees: trees)
    }

    /// The number of boosting rounds (trees per score).
    public var rounds: Int { trees.count / scoresPerRow }

    /// The ensemble of the first `rounds` rounds.
    public func prefix(rounds: Int) -> TreeEnsemble {
        let kept = Array(trees.prefix(max(0, min(rounds, self.rounds)) * scoresPerRow))
        // The trees were validated already; a prefix of valid trees is valid.
        return try! TreeEnsemble(trees: kept, scoresPerRow: scoresPerRow, baseScore: baseScore, link: link, featureKinds: featureKinds)
    }
}

/// The structural checks of one tree.
enum TreeValidation {
    static func check(_ tree: Tree, index: Int, featureKinds: [FeatureKind]) throws(ModelError) {
        let field = "trees[\(index)]"
        let nodes = tree.splitFeature.count
        let perNode: [(String, Int)] = [
            ("threshold", tree.threshold.count), ("flags", tree.flags.count),
            ("categoryStart", tree.categoryStart.count), ("categoryWordCount", tree.categoryWordCount.count),
            ("leftChild", tree.leftChild.count), ("rightChild", tree.rightChild.count),
            ("splitGain", tree.splitGain.count), ("nodeHessian", tree.nodeHessian.count),
            ("nodeRowCount", tree.nodeRowCount.count),
        ]
        for (name, count) in perNode where count != nodes {
            throw .corrupt(field: "\(field).\(name)", reason: "has \(count) entries for \(nodes) nodes")
        }
        let leaves = tree.leafValue.count
        guard leaves == nodes + 1 else {
            throw .corrupt(field: "\(field).leafValue", reason: "has \(leaves) leaves for \(nodes) internal nodes (expected \(nodes + 1))")
        }
        guard tree.leafHessian.count == leaves, tree.leafRowCount.count == leaves else {
            throw .corrupt(field: "\(field).leafHessian", reason: "leaf covers do not match \(leaves) leaves")
        }
        for leaf in 0..<leaves {
            guard tree.leafValue[leaf].isFinite else { throw .corrupt(field: "\(field).leafValue[\(leaf)]", reason: "is not finite") }
            guard tree.leafHessian[leaf].isFinite, tree.leafHessian[leaf] >= 0 else {
                throw .corrupt(field: "\(field).leafHessian[\(leaf)]", reason: "is negative or not finite")
            }
        }
        var parents = [Int32](repeating: 0, count: nodes)
        var leafParents = [Int32](repeating: 0, count: leaves)
        for node in 0..<nodes {
            let place = "\(field).node[\(node)]"
            let feature = Int(tree.splitFeature[node])
            guard feature >= 0, feature < featureKinds.count else {
                throw .corrupt(field: place, reason: "splits feature \(feature), but the model has \(featureKinds.count) features")
            }
            let flags = Tree.Flags(rawValue: tree.flags[node])
            guard Tree.Flags.all.isSuperset(of: flags) else { throw .corrupt(field: place, reason: "unknown flag bits \(tree.flags[node])") }
            let categorical = flags.contains(.categorical)
            guard categorical == (featureKinds[feature] == .categorical) else {
                throw .corrupt(field: place, reason: "split kind does not match the kind of feature \(feature)")
            }
            if categorical {
                let start = Int(tree.categoryStart[node]), words = Int(tree.categoryWordCount[node])
                guard words >= 1, start <= tree.categoryWords.count, words <= tree.categoryWords.count - start else {
                    throw .corrupt(field: place, reason: "level set \(start)+\(words) lies outside \(tree.categoryWords.count) words")
                }
            } else {
                guard !tree.threshold[node].isNaN else { throw .corrupt(field: place, reason: "threshold is NaN") }
                guard tree.categoryWordCount[node] == 0 else { throw .corrupt(field: place, reason: "numeric split has a level set") }
            }
            guard tree.splitGain[node].isFinite, tree.nodeHessian[node].isFinite else {
                throw .corrupt(field: place, reason: "gain or hessian is not finite")
            }
            for child in [tree.leftChild[node], tree.rightChild[node]] {
                if child >= 0 {
                    guard Int(child) < nodes, child != 0 else {
                        throw .corrupt(field: place, reason: "child node \(child) is out of range 1..<\(nodes)")
                    }
                    parents[Int(child)] += 1
                } else {
                    guard Int(~child) < leaves else { throw .corrupt(field: place, reason: "child leaf \(~child) is out of range 0..<\(leaves)") }
                    leafParents[Int(~child)] += 1
                }
            }
        }
        if nodes > 0 {
            for node in 1..<nodes where parents[node] != 1 {
                throw .corrupt(field: "\(field).node[\(node)]", reason: "has \(parents[node]) parents (expected 1)")
            }
            for leaf in 0..<leaves where leafParents[leaf] != 1 {
                throw .corrupt(field: "\(field).leaf[\(leaf)]", reason: "has \(leafParents[leaf]) parents (expected 1)")
            }
            // Every node has one parent; the nodes reachable from the root must be all of
            // them, or some form a cycle apart from the root.
            var stack: [Int32] = [0], reached = 0
            while let node = stack.popLast() {
                reached += 1
                for child in [tree.leftChild[Int(node)], tree.rightChild[Int(node)]] where child >= 0 { stack.append(child) }
                guard reached <= nodes else { break }
            }
            guard reached == nodes else {
                throw .corrupt(field: field, reason: "\(nodes - reached) nodes are not reachable from the root (a cycle)")
            }
        }
    }
}
