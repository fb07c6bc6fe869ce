import ApusModel
import FormatProtos

/// The classic export: one `TreeEnsembleClassifier` or `TreeEnsembleRegressor` node
/// (`ai.onnx.ml` opset 3), followed by `Exp` for a log-link regressor.
enum ONNXClassicGraph {
    /// The node attributes of every tree, flattened as the classic operators list them.
    struct Table {
        var treeIDs: [Int64] = []
        var nodeIDs: [Int64] = []
        var featureIDs: [Int64] = []
        var values: [Float] = []
        var modes: [String] = []
        var trueIDs: [Int64] = []
        var falseIDs: [Int64] = []
        var missingTracksTrue: [Int64] = []
        /// Leaves: tree, node, class (target) and weight.
        var weightTreeIDs: [Int64] = []
        var weightNodeIDs: [Int64] = []
        var weightClassIDs: [Int64] = []
        var weights: [Float] = []

        mutating func appendNode(tree: Int, id: Int, feature: Int, value: Float, mode: String, ifTrue: Int, ifFalse: Int, missingTrue: Bool) {
            treeIDs.append(Int64(tree))
            nodeIDs.append(Int64(id))
            featureIDs.append(Int64(feature))
            values.append(value)
            modes.append(mode)
            trueIDs.append(Int64(ifTrue))
            falseIDs.append(Int64(ifFalse))
            missingTracksTrue.append(missingTrue ? 1 : 0)
        }
    }

    /// The table of `model`'s trees. Internal node `i` of a tree is node id `i`, leaf `l` is
    /// `internalNodeCount + l`, and the extra equality nodes of categorical chains follow.
    static func table(for model: Model) -> Table {
        var table = Table()
        let scores = model.ensemble.scoresPerRow
        for (index, tree) in model.ensemble.trees.enumerated() {
            let internalCount = tree.internalNodeCount
            var nextID = internalCount + tree.leafCount
            let id = { (child: Int32) -> Int in child >= 0 ? Int(child) : internalCount + Int(~child) }
            for node in 0..<internalCount {
                let feature = Int(tree.splitFeature[node])
                let left = id(tree.leftChild[node]), right = id(tree.rightChild[node])
                guard tree.isCategorical(node) else {
                    table.appendNode(
                        tree: index, id: node, feature: feature,
                        value: ModelQuantization.floatAtOrBelow(tree.threshold[node]), mode: "BRANCH_LEQ",
                        ifTrue: left, ifFalse: right, missingTrue: tree.defaultLeft(node))
                    continue
                }
                // One equality test per code going left, chained on their false branches;
                // an empty set compares with NaN, which nothing equals.
                let codes = leftCodes(tree, node: node)
                let values = codes.isEmpty ? [Float.nan] : codes.map(Float.init)
                var current = node
                for (position, value) in values.enumerated() {
                    let last = position == values.count - 1
                    let following = last ? right : nextID
                    table.appendNode(
                        tree: index, id: current, feature: feature, value: value, mode: "BRANCH_EQ",
                        ifTrue: left, ifFalse: following, missingTrue: position == 0 && tree.defaultLeft(node))
                    if !last {
                        current = nextID
                        nextID += 1
                    }
                }
            }
            for leaf in 0..<tree.leafCount {
                table.appendNode(tree: index, id: internalCount + leaf, feature: 0, value: 0, mode: "LEAF", ifTrue: 0, ifFalse: 0, missingTrue: false)
                table.weightTreeIDs.append(Int64(index))
                table.weightNodeIDs.append(Int64(internalCount + leaf))
                table.weightClassIDs.append(Int64(index % scores))
                table.weights.append(Float(tree.leafValue[leaf]))
            }
        }
        return table
    }

    static func nodes(for model: Model) -> [Onnx_NodeProto] {
        let table = table(for: model)
        var attributes = [
            ONNXBuilding.attribute("nodes_treeids", ints: table.treeIDs),
            ONNXBuilding.attribute("nodes_nodeids", ints: table.nodeIDs),
            ONNXBuilding.attribute("nodes_featureids", ints: table.featureIDs),
            ONNXBuilding.attribute("nodes_values", floats: table.values),
            ONNXBuilding.attribute("nodes_modes", strings: table.modes),
            ONNXBuilding.attribute("nodes_truenodeids", ints: table.trueIDs),
            ONNXBuilding.attribute("nodes_falsenodeids", ints: table.falseIDs),
            ONNXBuilding.attribute("nodes_missing_value_tracks_true", ints: table.missingTracksTrue),
            ONNXBuilding.attribute("base_values", floats: model.ensemble.baseScore.map(Float.init)),
        ]
        switch model.task {
        case .binary, .multiclass:
            attributes += [
                ONNXBuilding.attribute("class_treeids", ints: table.weightTreeIDs),
                ONNXBuilding.attribute("class_nodeids", ints: table.weightNodeIDs),
                ONNXBuilding.attribute("class_ids", ints: table.weightClassIDs),
                ONNXBuilding.attribute("class_weights", floats: table.weights),
                ONNXBuilding.attribute("classlabels_strings", strings: model.classes),
                // One score column and two labels: onnxruntime's binary case, [1 − σ(s), σ(s)].
                ONNXBuilding.attribute("post_transform", string: model.task == .binary ? "LOGISTIC" : "SOFTMAX"),
            ]
            return [ONNXBuilding.node(
                "TreeEnsembleClassifier", inputs: ["input"], outputs: ["label", "probabilities"], name: "trees",
                domain: ONNXBuilding.mlDomain, attributes: attributes)]
        case .regression:
            attributes += [
                ONNXBuilding.attribute("target_treeids", ints: table.weightTreeIDs),
                ONNXBuilding.attribute("target_nodeids", ints: table.weightNodeIDs),
                ONNXBuilding.attribute("target_ids", ints: table.weightClassIDs),
                ONNXBuilding.attribute("target_weights", floats: table.weights),
                ONNXBuilding.attribute("n_targets", int: 1),
                ONNXBuilding.attribute("post_transform", string: "NONE"),
            ]
            let exp = model.ensemble.link == .exp
            var nodes = [ONNXBuilding.node(
                "TreeEnsembleRegressor", inputs: ["input"], outputs: [exp ? "raw_score" : "prediction"], name: "trees",
                domain: ONNXBuilding.mlDomain, attributes: attributes)]
            if exp { nodes.append(ONNXBuilding.node("Exp", inputs: ["raw_score"], outputs: ["prediction"], name: "link")) }
            return nodes
        }
    }
}
