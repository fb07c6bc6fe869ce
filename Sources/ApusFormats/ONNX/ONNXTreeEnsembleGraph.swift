import ApusModel
import FormatProtos

/// The opset-5 export: `Cast` to double, one `TreeEnsemble` node (`ai.onnx.ml` opset 5)
/// giving the trees' sums, `Add` of the base scores, the link, and `Cast` back to float.
enum ONNXTreeEnsembleGraph {
    /// `TreeEnsemble`'s `nodes_modes` values.
    enum Mode: UInt8 {
        case lessOrEqual = 0, member = 6
    }

    static func nodes(for model: Model) -> (nodes: [Onnx_NodeProto], initializers: [Onnx_TensorProto]) {
        var modes: [UInt8] = [], features: [Int64] = [], splits: [Double] = []
        var trueIDs: [Int64] = [], trueLeaf: [Int64] = [], falseIDs: [Int64] = [], falseLeaf: [Int64] = []
        var missingTrue: [Int64] = [], members: [Double] = [], roots: [Int64] = []
        var leafTargets: [Int64] = [], leafWeights: [Double] = []
        let scores = model.ensemble.scoresPerRow
        for (index, tree) in model.ensemble.trees.enumerated() {
            let nodeBase = modes.count, leafBase = leafWeights.count
            roots.append(Int64(nodeBase))
            leafWeights += tree.leafValue
            leafTargets += [Int64](repeating: Int64(index % scores), count: tree.leafCount)
            guard tree.internalNodeCount > 0 else {
                // A one-leaf tree: a node whose branches are both that leaf.
                modes.append(Mode.lessOrEqual.rawValue)
                features.append(0)
                splits.append(0)
                trueIDs.append(Int64(leafBase))
                falseIDs.append(Int64(leafBase))
                trueLeaf.append(1)
                falseLeaf.append(1)
                missingTrue.append(0)
                continue
            }
            // Nodes in preorder (so sets are listed in the order nodes appear, whichever way a
            // reader walks them); `position[node]` is a node's index among them.
            let order = preorder(tree)
            var position = [Int](repeating: 0, count: tree.internalNodeCount)
            for (place, node) in order.enumerated() { position[node] = nodeBase + place }
            for node in order {
                features.append(Int64(tree.splitFeature[node]))
                missingTrue.append(tree.defaultLeft(node) ? 1 : 0)
                if tree.isCategorical(node) {
                    modes.append(Mode.member.rawValue)
                    splits.append(0)
                    members += leftCodes(tree, node: node) + [.nan]
                } else {
                    modes.append(Mode.lessOrEqual.rawValue)
                    splits.append(tree.threshold[node])
                }
                let target = { (child: Int32) -> (id: Int64, isLeaf: Int64) in
                    child < 0 ? (Int64(leafBase + Int(~child)), 1) : (Int64(position[Int(child)]), 0)
                }
                let left = target(tree.leftChild[node]), right = target(tree.rightChild[node])
                trueIDs.append(left.id)
                trueLeaf.append(left.isLeaf)
                falseIDs.append(right.id)
                falseLeaf.append(right.isLeaf)
            }
        }
        var attributes = [
            ONNXBuilding.attribute("n_targets", int: Int64(scores)),
            ONNXBuilding.attribute("aggregate_function", int: 1),  // SUM
            ONNXBuilding.attribute("post_transform", int: 0),  // NONE: the link follows as its own node
            ONNXBuilding.attribute("tree_roots", ints: roots),
            ONNXBuilding.attribute("nodes_modes", tensor: ONNXBuilding.tensor(bytes: modes)),
            ONNXBuilding.attribute("nodes_featureids", ints: features),
            ONNXBuilding.attribute("nodes_splits", tensor: ONNXBuilding.tensor(doubles: splits)),
            ONNXBuilding.attribute("nodes_truenodeids", ints: trueIDs),
            ONNXBuilding.attribute("nodes_trueleafs", ints: trueLeaf),
            ONNXBuilding.attribute("nodes_falsenodeids", ints: falseIDs),
            ONNXBuilding.attribute("nodes_falseleafs", ints: falseLeaf),
            ONNXBuilding.attribute("nodes_missing_value_tracks_true", ints: missingTrue),
            ONNXBuilding.attribute("leaf_targetids", ints: leafTargets),
            ONNXBuilding.attribute("leaf_weights", tensor: ONNXBuilding.tensor(doubles: leafWeights)),
        ]
        if !members.isEmpty {
            attributes.append(ONNXBuilding.attribute("membership_values", tensor: ONNXBuilding.tensor(doubles: members)))
        }
        var nodes = [
            ONNXBuilding.node("Cast", inputs: ["input"], outputs: ["input_double"], name: "to_double",
                              attributes: [ONNXBuilding.attribute("to", int: Int64(Onnx_TensorProto.DataType.double.rawValue))]),
            ONNXBuilding.node("TreeEnsemble", inputs: ["input_double"], outputs: ["tree_sums"], name: "trees",
                              domain: ONNXBuilding.mlDomain, attributes: attributes),
            ONNXBuilding.node("Add", inputs: ["tree_sums", "base_score"], outputs: ["raw_score"], name: "base"),
        ]
        var initializers = [ONNXBuilding.tensor("base_score", doubles: model.ensemble.baseScore, dims: [Int64(scores)])]
        let toFloat = { (input: String, output: String) in
            ONNXBuilding.node("Cast", inputs: [input], outputs: [output], name: "to_float",
                              attributes: [ONNXBuilding.attribute("to", int: Int64(Onnx_TensorProto.DataType.float.rawValue))])
        }
        switch model.ensemble.link {
        case .identity:
            nodes.append(toFloat("raw_score", "prediction"))
        case .exp:
            nodes.append(ONNXBuilding.node("Exp", inputs: ["raw_score"], outputs: ["prediction_double"], name: "link"))
            nodes.append(toFloat("prediction_double", "prediction"))
        case .softmax:
            nodes.append(ONNXBuilding.node("Softmax", inputs: ["raw_score"], outputs: ["probabilities_double"], name: "link",
                                           attributes: [ONNXBuilding.attribute("axis", int: 1)]))
            nodes.append(toFloat("probabilities_double", "probabilities"))
        case .sigmoid:
            // Two columns, as classifiers answer: [1 − σ(s), σ(s)].
            initializers.append(ONNXBuilding.tensor("one", doubles: [1], dims: []))
            nodes += [
                ONNXBuilding.node("Sigmoid", inputs: ["raw_score"], outputs: ["positive"], name: "link"),
                ONNXBuilding.node("Sub", inputs: ["one", "positive"], outputs: ["negative"], name: "complement"),
                ONNXBuilding.node("Concat", inputs: ["negative", "positive"], outputs: ["probabilities_double"], name: "columns",
                                  attributes: [ONNXBuilding.attribute("axis", int: 1)]),
                toFloat("probabilities_double", "probabilities"),
            ]
        }
        return (nodes, initializers)
    }
}
