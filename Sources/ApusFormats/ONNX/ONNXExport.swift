import ApusModel
import FormatProtos
import Foundation
import SwiftProtobuf

/// Writes a model as ONNX (issue #6), in one of two forms:
///
/// - ``Operator/classic``: `ai.onnx.ml` opset 3's `TreeEnsembleClassifier` or
///   `TreeEnsembleRegressor`, which every ONNX runtime of the last years runs. Thresholds and
///   leaves are float32: each threshold is the largest float not above Apus's, so a float32
///   input takes exactly Apus's branch; leaves and base scores are rounded to float. A
///   categorical split becomes a chain of `BRANCH_EQ` nodes, one per level going left, that
///   share their true child (onnxruntime merges such chains back into one set test).
/// - ``Operator/treeEnsemble``: `ai.onnx.ml` opset 5's `TreeEnsemble`, in double precision
///   (the float32 input is cast to double first), with categorical splits as `BRANCH_MEMBER`
///   sets: importing it back gives the same model, number for number.
///
/// Both take one float32 input `input` of shape `[N, F]`, the features in the model's order,
/// categorical features as their level codes (−1 for a level the model never saw), missing
/// values as NaN. Classifiers answer `probabilities` `[N, classes]` (float; the classic
/// classifier also answers `label`, the most probable class's name); regressors answer
/// `prediction` `[N, 1]`. The Apus model's description (feature names and levels, task,
/// classes, objective, lineage) travels in `metadata_props` under `apus.model`.
public enum ONNXExport {
    /// Which ONNX operator the trees become.
    public enum Operator: String, CaseIterable, Sendable {
        /// `TreeEnsembleClassifier`/`TreeEnsembleRegressor` (`ai.onnx.ml` opset 3, float32).
        case classic
        /// `TreeEnsemble` (`ai.onnx.ml` opset 5, double precision, set-membership splits).
        case treeEnsemble = "tree-ensemble"
    }

    /// The serialized ONNX model of `model`.
    ///
    /// - Parameters:
    ///   - producerVersion: Written as the file's `producer_version` (the Apus version).
    /// - Throws: ``ImportError`` when the model cannot be written in this form.
    public static func bytes(for model: Model, operator: Operator, producerVersion: String = "") throws(ImportError) -> [UInt8] {
        let proto = modelProto(for: model, operator: `operator`, producerVersion: producerVersion)
        do {
            return try proto.serializedBytes()
        } catch {
            throw ImportError("the ONNX model could not be serialized: \(error)")
        }
    }

    static func modelProto(for model: Model, operator: Operator, producerVersion: String) -> Onnx_ModelProto {
        var graph = Onnx_GraphProto()
        graph.name = model.target.isEmpty ? "apus" : "apus_\(model.target)"
        let features = model.schema.count
        graph.input = [ONNXBuilding.value(
            "input", elementType: .float, dims: [.named("N"), .fixed(features)],
            doc: "features in model order: " + model.schema.features.map(\.name).joined(separator: ", "))]
        let isClassifier = model.task != .regression
        let classes = model.ensemble.scoresPerRow == 1 && isClassifier ? 2 : model.ensemble.scoresPerRow
        switch `operator` {
        case .classic:
            graph.node = ONNXClassicGraph.nodes(for: model)
            graph.output = isClassifier
                ? [ONNXBuilding.value("label", elementType: .string, dims: [.named("N")]),
                   ONNXBuilding.value("probabilities", elementType: .float, dims: [.named("N"), .fixed(classes)])]
                : [ONNXBuilding.value("prediction", elementType: .float, dims: [.named("N"), .fixed(1)])]
        case .treeEnsemble:
            let (nodes, initializers) = ONNXTreeEnsembleGraph.nodes(for: model)
            graph.node = nodes
            graph.initializer = initializers
            graph.output = isClassifier
                ? [ONNXBuilding.value("probabilities", elementType: .float, dims: [.named("N"), .fixed(classes)])]
                : [ONNXBuilding.value("prediction", elementType: .float, dims: [.named("N"), .fixed(1)])]
        }
        var proto = Onnx_ModelProto()
        switch `operator` {
        case .classic:
            proto.irVersion = 8
            proto.opsetImport = [ONNXBuilding.opset("", 17), ONNXBuilding.opset(ONNXBuilding.mlDomain, 3)]
        case .treeEnsemble:
            proto.irVersion = 10
            proto.opsetImport = [ONNXBuilding.opset("", 21), ONNXBuilding.opset(ONNXBuilding.mlDomain, 5)]
        }
        proto.producerName = "apus"
        proto.producerVersion = producerVersion
        proto.docString = "Apus \(model.task.rawValue) model of `\(model.target)` (\(model.ensemble.trees.count) trees, objective \(model.objective))"
        var description = Onnx_StringStringEntryProto()
        description.key = EmbeddedModelDescription.key
        description.value = EmbeddedModelDescription(model: model).json()
        proto.metadataProps = [description]
        proto.graph = graph
        return proto
    }
}

/// The values sending a row left at categorical `node` of `tree`, as ONNX compares them:
/// the level codes of the node's set, and −1 (an unseen level) when unseen levels go left.
func leftCodes(_ tree: Tree, node: Int) -> [Double] {
    (tree.unseenLeft(node) ? [-1] : []) + tree.leftLevels(node).map(Double.init)
}

/// `tree`'s internal nodes in depth-first preorder, left (true) subtree first. Iterative: an
/// imported tree may be a long chain.
func preorder(_ tree: Tree) -> [Int] {
    guard tree.internalNodeCount > 0 else { return [] }
    var order: [Int] = []
    order.reserveCapacity(tree.internalNodeCount)
    var stack: [Int32] = [0]
    while let node = stack.popLast() {
        order.append(Int(node))
        if tree.rightChild[Int(node)] >= 0 { stack.append(tree.rightChild[Int(node)]) }
        if tree.leftChild[Int(node)] >= 0 { stack.append(tree.leftChild[Int(node)]) }
    }
    return order
}
