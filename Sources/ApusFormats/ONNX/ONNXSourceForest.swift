import FormatProtos

/// The trees of an ONNX tree-ensemble node, in one shape whichever operator wrote them:
/// per tree, an array of nodes whose branches are indices into it.
struct ONNXSourceForest {
    enum Mode: Equatable {
        case lessOrEqual, less, greaterOrEqual, greater, equal, notEqual, member, leaf
    }

    struct Node {
        var mode: Mode
        var feature: Int = 0
        var value: Double = 0
        var members: [Double] = []
        var ifTrue = 0
        var ifFalse = 0
        var missingTracksTrue = false
        /// Leaves: (target, weight) pairs.
        var weights: [(target: Int, weight: Double)] = []
    }

    struct SourceTree {
        var nodes: [Node]
        var root: Int
    }

    var trees: [SourceTree]

    static func mode(named name: String, place: String) throws(ImportError) -> Mode {
        switch name {
        case "BRANCH_LEQ": return .lessOrEqual
        case "BRANCH_LT": return .less
        case "BRANCH_GTE": return .greaterOrEqual
        case "BRANCH_GT": return .greater
        case "BRANCH_EQ": return .equal
        case "BRANCH_NEQ": return .notEqual
        case "BRANCH_MEMBER": return .member
        case "LEAF": return .leaf
        default: throw ImportError("\(place): unknown node mode `\(name)`")
        }
    }

    /// The forest of a classic `TreeEnsembleClassifier`/`TreeEnsembleRegressor` node:
    /// nodes named by (tree id, node id), leaf weights listed apart.
    static func classic(_ attributes: ONNXAttributes, classifier: Bool) throws(ImportError) -> ONNXSourceForest {
        let op = attributes.node
        let treeIDs = try attributes.ints("nodes_treeids"), nodeIDs = try attributes.ints("nodes_nodeids")
        let features = try attributes.ints("nodes_featureids"), values = try attributes.reals("nodes_values")
        let modes = attributes.strings("nodes_modes")
        let trueIDs = try attributes.ints("nodes_truenodeids"), falseIDs = try attributes.ints("nodes_falsenodeids")
        let missing = try attributes.ints("nodes_missing_value_tracks_true", required: false)
        let count = treeIDs.count
        for (name, length) in [("nodes_nodeids", nodeIDs.count), ("nodes_featureids", features.count), ("nodes_values", values.count),
                               ("nodes_modes", modes.count), ("nodes_truenodeids", trueIDs.count), ("nodes_falsenodeids", falseIDs.count)]
        where length != count {
            throw ImportError("\(op).\(name) has \(length) entries for \(count) nodes")
        }
        guard missing.isEmpty || missing.count == count else {
            throw ImportError("\(op).nodes_missing_value_tracks_true has \(missing.count) entries for \(count) nodes")
        }
        // Trees in order of their ids; a node's place in its tree by its id.
        var treeIndex: [Int64: Int] = [:], treeOrder: [Int64] = []
        var places: [Int64: [Int64: Int]] = [:]
        var trees: [SourceTree] = []
        for index in 0..<count {
            let tree = treeIDs[index]
            if treeIndex[tree] == nil {
                treeIndex[tree] = trees.count
                treeOrder.append(tree)
                trees.append(SourceTree(nodes: [], root: 0))
            }
            let slot = treeIndex[tree]!
            guard places[tree, default: [:]].updateValue(trees[slot].nodes.count, forKey: nodeIDs[index]) == nil else {
                throw ImportError("\(op): tree \(tree) lists node \(nodeIDs[index]) twice")
            }
            let mode = try Self.mode(named: modes[index], place: "\(op) tree \(tree) node \(nodeIDs[index])")
            trees[slot].nodes.append(Node(
                mode: mode, feature: Int(clamping: features[index]), value: values[index],
                ifTrue: 0, ifFalse: 0, missingTracksTrue: !missing.isEmpty && missing[index] != 0))
        }
        // Branches from ids to places, and the root: the one node no branch reaches.
        for index in 0..<count {
            let tree = treeIDs[index], slot = treeIndex[tree]!, place = places[tree]![nodeIDs[index]]!
            guard trees[slot].nodes[place].mode != .leaf else { continue }
            guard let ifTrue = places[tree]![trueIDs[index]], let ifFalse = places[tree]![falseIDs[index]] else {
                throw ImportError("\(op): tree \(tree) node \(nodeIDs[index]) branches to a node the tree does not have (\(trueIDs[index]) or \(falseIDs[index]))")
            }
            trees[slot].nodes[place].ifTrue = ifTrue
            trees[slot].nodes[place].ifFalse = ifFalse
        }
        for slot in trees.indices {
            var reached = [Bool](repeating: false, count: trees[slot].nodes.count)
            for node in trees[slot].nodes where node.mode != .leaf {
                reached[node.ifTrue] = true
                reached[node.ifFalse] = true
            }
            let roots = reached.indices.filter { !reached[$0] }
            guard roots.count == 1 else {
                throw ImportError("\(op): tree \(treeOrder[slot]) has \(roots.count) nodes that no branch reaches (expected one root)")
            }
            trees[slot].root = roots[0]
            // Every node must hang from that root; those that do not sit on a cycle.
            var seen = [Bool](repeating: false, count: trees[slot].nodes.count), stack = [roots[0]], seenCount = 0
            while let place = stack.popLast() {
                guard !seen[place] else { continue }
                seen[place] = true
                seenCount += 1
                let node = trees[slot].nodes[place]
                if node.mode != .leaf { stack += [node.ifTrue, node.ifFalse] }
            }
            guard seenCount == trees[slot].nodes.count else {
                throw ImportError("\(op): tree \(treeOrder[slot]) has \(trees[slot].nodes.count - seenCount) nodes its root does not reach (a cycle)")
            }
        }
        // Leaf weights.
        let prefix = classifier ? "class" : "target"
        let weightTrees = try attributes.ints("\(prefix)_treeids"), weightNodes = try attributes.ints("\(prefix)_nodeids")
        let weightTargets = try attributes.ints("\(prefix)_ids"), weights = try attributes.reals("\(prefix)_weights")
        guard weightNodes.count == weightTrees.count, weightTargets.count == weightTrees.count, weights.count == weightTrees.count else {
            throw ImportError("\(op): the \(prefix)_treeids, _nodeids, _ids and _weights lists differ in length")
        }
        for index in weightTrees.indices {
            let tree = weightTrees[index]
            guard let slot = treeIndex[tree], let place = places[tree]?[weightNodes[index]] else {
                throw ImportError("\(op): \(prefix) weight \(index) names tree \(tree) node \(weightNodes[index]), which does not exist")
            }
            guard trees[slot].nodes[place].mode == .leaf else {
                throw ImportError("\(op): \(prefix) weight \(index) is on tree \(tree) node \(weightNodes[index]), which is not a leaf")
            }
            guard weightTargets[index] >= 0, weightTargets[index] < 1 << 20 else {
                throw ImportError("\(op): \(prefix) weight \(index) names target \(weightTargets[index])")
            }
            trees[slot].nodes[place].weights.append((Int(weightTargets[index]), weights[index]))
        }
        return ONNXSourceForest(trees: trees)
    }

    /// The forest of an opset-5 `TreeEnsemble` node: nodes and leaves by index, trees by their roots.
    static func treeEnsemble(_ attributes: ONNXAttributes) throws(ImportError) -> ONNXSourceForest {
        let op = attributes.node
        let modes = try attributes.bytes("nodes_modes")
        let features = try attributes.ints("nodes_featureids"), splits = try attributes.reals("nodes_splits")
        let trueIDs = try attributes.ints("nodes_truenodeids"), falseIDs = try attributes.ints("nodes_falsenodeids")
        let trueLeaf = try attributes.ints("nodes_trueleafs"), falseLeaf = try attributes.ints("nodes_falseleafs")
        let missing = try attributes.ints("nodes_missing_value_tracks_true", required: false)
        let roots = try attributes.ints("tree_roots")
        let leafTargets = try attributes.ints("leaf_targetids"), leafWeights = try attributes.reals("leaf_weights")
        let membership = try attributes.reals("membership_values", required: false)
        let count = modes.count
        for (name, length) in [("nodes_featureids", features.count), ("nodes_splits", splits.count), ("nodes_truenodeids", trueIDs.count),
                               ("nodes_falsenodeids", falseIDs.count), ("nodes_trueleafs", trueLeaf.count), ("nodes_falseleafs", falseLeaf.count)]
        where length != count {
            throw ImportError("\(op).\(name) has \(length) entries for \(count) nodes")
        }
        guard missing.isEmpty || missing.count == count else {
            throw ImportError("\(op).nodes_missing_value_tracks_true has \(missing.count) entries for \(count) nodes")
        }
        guard leafTargets.count == leafWeights.count else {
            throw ImportError("\(op): leaf_targetids has \(leafTargets.count) entries, leaf_weights \(leafWeights.count)")
        }
        // Sets, in the order their nodes appear, separated by NaN.
        var sets: [Int: [Double]] = [:]
        var members = membership[...]
        for index in 0..<count where modes[index] == 6 {
            guard let end = members.firstIndex(where: \.isNaN) else {
                throw ImportError("\(op).membership_values has fewer sets than the \(modes.filter { $0 == 6 }.count) BRANCH_MEMBER nodes")
            }
            sets[index] = Array(members[..<end])
            members = members[(end + 1)...]
        }
        let modeNames: [Mode] = [.lessOrEqual, .less, .greaterOrEqual, .greater, .equal, .notEqual, .member]
        var trees: [SourceTree] = []
        for (treeNumber, root) in roots.enumerated() {
            guard root >= 0, root < count else { throw ImportError("\(op).tree_roots[\(treeNumber)] = \(root) is not a node (0..<\(count))") }
            // The nodes this tree reaches, each copied once; leaves become leaf nodes.
            var nodes: [Node] = [], placeOfNode: [Int: Int] = [:], placeOfLeaf: [Int: Int] = [:]
            var pending: [Int] = []
            func place(_ id: Int64, leaf: Bool, from index: Int) throws(ImportError) -> Int {
                if leaf {
                    guard id >= 0, id < leafWeights.count else { throw ImportError("\(op): node \(index) branches to leaf \(id), beyond \(leafWeights.count) leaves") }
                    if let known = placeOfLeaf[Int(id)] { return known }
                    guard leafTargets[Int(id)] >= 0, leafTargets[Int(id)] < 1 << 20 else {
                        throw ImportError("\(op): leaf \(id) names target \(leafTargets[Int(id)])")
                    }
                    nodes.append(Node(mode: .leaf, weights: [(Int(leafTargets[Int(id)]), leafWeights[Int(id)])]))
                    placeOfLeaf[Int(id)] = nodes.count - 1
                    return nodes.count - 1
                }
                guard id >= 0, id < count else { throw ImportError("\(op): node \(index) branches to node \(id), beyond \(count) nodes") }
                if let known = placeOfNode[Int(id)] { return known }
                guard Int(modes[Int(id)]) < modeNames.count else { throw ImportError("\(op): node \(id) has unknown mode \(modes[Int(id)])") }
                nodes.append(Node(
                    mode: modeNames[Int(modes[Int(id)])], feature: Int(clamping: features[Int(id)]), value: splits[Int(id)],
                    members: sets[Int(id)] ?? [], missingTracksTrue: !missing.isEmpty && missing[Int(id)] != 0))
                placeOfNode[Int(id)] = nodes.count - 1
                pending.append(Int(id))
                return nodes.count - 1
            }
            let index = Int(root)
            if trueLeaf[index] != 0, falseLeaf[index] != 0, trueIDs[index] == falseIDs[index] {
                // A tree that is one leaf.
                let leaf = try place(trueIDs[index], leaf: true, from: index)
                trees.append(SourceTree(nodes: nodes, root: leaf))
                continue
            }
            _ = try place(roots[treeNumber], leaf: false, from: index)
            while let id = pending.popLast() {
                let ifTrue = try place(trueIDs[id], leaf: trueLeaf[id] != 0, from: id)
                let ifFalse = try place(falseIDs[id], leaf: falseLeaf[id] != 0, from: id)
                let at = placeOfNode[id]!
                nodes[at].ifTrue = ifTrue
                nodes[at].ifFalse = ifFalse
            }
            trees.append(SourceTree(nodes: nodes, root: 0))
        }
        return ONNXSourceForest(trees: trees)
    }
}
