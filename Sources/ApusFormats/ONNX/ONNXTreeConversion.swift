import ApusModel

/// Turns an ONNX forest into Apus trees: one tree per (file tree, score) pair, in rounds.
enum ONNXTreeConversion {
    static func trees(of forest: ONNXSourceForest, shape: ONNXOutputShape, kinds: ONNXFeatureKinds) throws(ImportError) -> [Tree] {
        var perScore = [[Tree]](repeating: [], count: shape.scoresPerRow)
        for (index, source) in forest.trees.enumerated() {
            var scores = Set<Int>()
            for node in source.nodes where node.mode == .leaf {
                for (target, _) in node.weights {
                    guard let score = shape.scoreOfTarget[target] else {
                        throw ImportError("tree \(index): a leaf feeds target \(target), which the model does not have")
                    }
                    scores.insert(score)
                }
            }
            // A tree whose leaves carry no weight adds nothing; it still counts toward its score.
            if scores.isEmpty { scores.insert(perScore.indices.min { perScore[$0].count < perScore[$1].count } ?? 0) }
            for score in scores.sorted() {
                perScore[score].append(try tree(source, index: index, score: score, shape: shape, kinds: kinds))
            }
        }
        // Rounds: tree r of every score, padded with zero leaves where a score has fewer.
        let rounds = perScore.map(\.count).max() ?? 0
        // Padding copies nothing, but a hostile file can ask for many classes of few trees.
        guard rounds * shape.scoresPerRow <= max(4 * forest.trees.count, 1 << 16) else {
            throw ImportError("\(forest.trees.count) trees over \(shape.scoresPerRow) classes would need \(rounds * shape.scoresPerRow) trees in rounds")
        }
        var trees: [Tree] = []
        trees.reserveCapacity(rounds * shape.scoresPerRow)
        for round in 0..<rounds {
            for score in perScore.indices {
                trees.append(round < perScore[score].count ? perScore[score][round] : Tree(leafValue: 0, hessian: 0, count: 0))
            }
        }
        return trees
    }

    /// One Apus tree of `source`'s weights for `score`, built depth first without recursion.
    /// A node reached from several parents (a shared subtree) is copied for each, up to
    /// ``ONNXImport/expansionLimit`` times the file's nodes (a cycle reaches that limit too).
    static func tree(_ source: ONNXSourceForest.SourceTree, index: Int, score: Int, shape: ONNXOutputShape, kinds: ONNXFeatureKinds) throws(ImportError) -> Tree {
        let place = "tree \(index)"
        let leafValue = { (node: ONNXSourceForest.Node) -> Double in
            var value = 0.0
            for (target, weight) in node.weights where shape.scoreOfTarget[target] == score { value += weight }
            return value * shape.leafScale
        }
        let rootNode = source.nodes[source.root]
        if rootNode.mode == .leaf {
            let value = leafValue(rootNode)
            guard value.isFinite else { throw ImportError("\(place): leaf value \(value) is not finite") }
            return Tree(leafValue: value, hessian: 0, count: 0)
        }
        var tree = Tree()
        let limit = ONNXImport.expansionLimit * source.nodes.count + 16
        // (source node, Apus parent, goes left of it); the root has no parent.
        var stack: [(node: Int, parent: Int, left: Bool)] = [(source.root, -1, true)]
        var made = 0
        while let (sourceIndex, parent, isLeft) = stack.popLast() {
            made += 1
            guard made <= limit else {
                throw ImportError("\(place): its branches reach more than \(limit) nodes (a cycle, or shared subtrees copied too often)")
            }
            let node = source.nodes[sourceIndex]
            var child: Int32
            if node.mode == .leaf {
                let value = leafValue(node)
                guard value.isFinite else { throw ImportError("\(place): leaf value \(value) is not finite") }
                child = tree.appendLeaf(value: value, hessian: 0, count: 0)
            } else {
                guard node.feature >= 0, node.feature < kinds.kinds.count else {
                    throw ImportError("\(place): a split reads feature \(node.feature) of \(kinds.kinds.count)")
                }
                let split = try self.split(node, in: source, place: place)
                let created: Int
                if kinds.kinds[node.feature] == .categorical {
                    let codes = split.codes.filter { $0 >= 0 }
                    created = tree.appendCategoricalNode(
                        feature: node.feature, leftCodes: codes, defaultLeft: split.missingLeft, unseenLeft: split.codes.contains(-1),
                        gain: 0, hessian: 0, count: 0)
                } else {
                    guard let threshold = split.threshold else {
                        throw ImportError("\(place): numeric feature \(node.feature) is split by equality")
                    }
                    created = tree.appendNumericNode(feature: node.feature, threshold: threshold, defaultLeft: split.missingLeft, gain: 0, hessian: 0, count: 0)
                }
                child = Int32(created)
                stack.append((split.right, created, false))
                stack.append((split.left, created, true))
            }
            if parent >= 0 {
                if isLeft { tree.leftChild[parent] = child } else { tree.rightChild[parent] = child }
            }
        }
        return tree
    }

    /// A source split as Apus sees it: go left at `threshold` (`value <= threshold`) or for
    /// `codes`; the source nodes to the left and right; where missing values go.
    struct Split {
        var threshold: Double?
        var codes: [Int]
        var left: Int
        var right: Int
        var missingLeft: Bool
    }

    static func split(_ node: ONNXSourceForest.Node, in source: ONNXSourceForest.SourceTree, place: String) throws(ImportError) -> Split {
        switch node.mode {
        case .lessOrEqual:
            return Split(threshold: node.value, codes: [], left: node.ifTrue, right: node.ifFalse, missingLeft: node.missingTracksTrue)
        case .less:
            // x < t is x <= the next double below t.
            return Split(threshold: node.value.nextDown, codes: [], left: node.ifTrue, right: node.ifFalse, missingLeft: node.missingTracksTrue)
        case .greater:
            // x > t is not (x <= t): the true branch goes right.
            return Split(threshold: node.value, codes: [], left: node.ifFalse, right: node.ifTrue, missingLeft: !node.missingTracksTrue)
        case .greaterOrEqual:
            return Split(threshold: node.value.nextDown, codes: [], left: node.ifFalse, right: node.ifTrue, missingLeft: !node.missingTracksTrue)
        case .member:
            return Split(threshold: nil, codes: try codes(node.members, place: place), left: node.ifTrue, right: node.ifFalse, missingLeft: node.missingTracksTrue)
        case .equal:
            // A chain of equality tests on one feature sharing their true branch is one set.
            var values = [node.value], missing = node.missingTracksTrue, next = node.ifFalse, steps = 0
            while source.nodes[next].mode == .equal, source.nodes[next].feature == node.feature,
                  source.nodes[next].ifTrue == node.ifTrue, steps < source.nodes.count {
                values.append(source.nodes[next].value)
                missing = missing || source.nodes[next].missingTracksTrue
                next = source.nodes[next].ifFalse
                steps += 1
            }
            return Split(threshold: nil, codes: try codes(values, place: place), left: node.ifTrue, right: next, missingLeft: missing)
        case .notEqual, .leaf:
            throw ImportError("\(place): a \(node.mode) node cannot split")
        }
    }

    /// Level codes from set values (NaN, which nothing equals, is dropped).
    static func codes(_ values: [Double], place: String) throws(ImportError) -> [Int] {
        var codes: [Int] = []
        for value in values where !value.isNaN {
            guard value == value.rounded(), value >= -1, value < Double(ONNXFeatureKinds.largestCode) else {
                throw ImportError("\(place): set value \(value) is not a level code")
            }
            codes.append(Int(value))
        }
        return Array(Set(codes)).sorted()
    }
}
