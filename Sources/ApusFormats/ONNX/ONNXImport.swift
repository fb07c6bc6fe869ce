import ApusModel
import FormatProtos
import Foundation
import SwiftProtobuf

/// Reads an ONNX model whose work is one `ai.onnx.ml` tree ensemble (issue #6):
/// `TreeEnsembleClassifier` or `TreeEnsembleRegressor` (opsets 1 and 3) or opset 5's
/// `TreeEnsemble`, as Apus, skl2onnx, onnxmltools and others write them.
///
/// - Splits: `BRANCH_LEQ`, `_LT`, `_GTE` and `_GT` on numeric features (a strict comparison
///   becomes `<=` the next double below); `BRANCH_MEMBER` and chains of `BRANCH_EQ` sharing
///   their true branch on categorical features (a feature every split of which is such a set
///   test on whole numbers; −1 in a set sends unseen levels that way). `BRANCH_NEQ`, and
///   equality on a feature also split by thresholds, are refused.
/// - Outputs: a classifier with `LOGISTIC` (binary: one score column) or `SOFTMAX`, a
///   regressor with `NONE`, optionally followed by `Exp`; opset 5 followed by `Add` of a
///   constant (the base scores) and `Sigmoid`, `Softmax` or `Exp`. `SUM` and `AVERAGE`
///   aggregation. A tree whose leaves feed several classes becomes one tree per class.
/// - Names: the file's `apus.model` metadata (written by ``ONNXExport``) gives feature names,
///   levels, classes, target and lineage; without it features are `f0`, `f1`, …, a
///   categorical feature's levels are its codes, and classes are the file's class labels.
public enum ONNXImport {
    /// The most nodes an import may make per node of the file: shared subtrees are copied
    /// per parent, and a hostile file could make that exponential.
    static let expansionLimit = 64

    /// The model in an ONNX file's bytes.
    ///
    /// - Parameter target: The target column's name, when the file does not say it.
    /// - Throws: ``ImportError`` naming the node, attribute or tree that cannot be read.
    public static func model(bytes: [UInt8], target: String? = nil) throws(ImportError) -> Model {
        let proto: Onnx_ModelProto
        do {
            proto = try Onnx_ModelProto(serializedBytes: bytes)
        } catch {
            throw ImportError("not an ONNX model (the protobuf does not decode: \(error))")
        }
        let graph = proto.graph
        let treeOps = ["TreeEnsembleClassifier", "TreeEnsembleRegressor", "TreeEnsemble"]
        let treeNodes = graph.node.filter { treeOps.contains($0.opType) && $0.domain == "ai.onnx.ml" }
        guard treeNodes.count == 1, let treeNode = treeNodes.first else {
            throw ImportError(treeNodes.isEmpty
                ? "the ONNX graph has no ai.onnx.ml TreeEnsembleClassifier, TreeEnsembleRegressor or TreeEnsemble node"
                : "the ONNX graph has \(treeNodes.count) tree-ensemble nodes; Apus imports one")
        }
        let attributes = ONNXAttributes(treeNode)
        var description: EmbeddedModelDescription?
        if let entry = proto.metadataProps.first(where: { $0.key == EmbeddedModelDescription.key }) {
            description = try EmbeddedModelDescription.decode(json: entry.value)
        }
        let shape = try ONNXOutputShape.read(treeNode, attributes: attributes, graph: graph)
        let forest: ONNXSourceForest
        switch treeNode.opType {
        case "TreeEnsemble": forest = try ONNXSourceForest.treeEnsemble(attributes)
        default: forest = try ONNXSourceForest.classic(attributes, classifier: treeNode.opType == "TreeEnsembleClassifier")
        }
        let featureCount = try Self.featureCount(graph: graph, forest: forest, description: description)
        let kinds = try ONNXFeatureKinds.infer(forest: forest, featureCount: featureCount, description: description)
        let trees = try ONNXTreeConversion.trees(of: forest, shape: shape, kinds: kinds)
        let ensemble: TreeEnsemble
        do {
            ensemble = try TreeEnsemble(trees: trees, scoresPerRow: shape.scoresPerRow, baseScore: shape.baseScore, link: shape.link, featureKinds: kinds.kinds)
        } catch {
            throw ImportError("the ONNX trees do not make a valid ensemble: \(error)")
        }
        let producer = [proto.producerName, proto.producerVersion].filter { !$0.isEmpty }.joined(separator: " ")
        let source = "onnx" + (producer.isEmpty ? "" : " (\(producer))")
        let model: Model
        if let description {
            guard description.link == shape.link, description.scoresPerRow == shape.scoresPerRow, description.features.count == featureCount else {
                throw ImportError("metadata `\(EmbeddedModelDescription.key)` describes a different model than the graph (link, scores or feature count)")
            }
            var parameters = description.parameters
            parameters["imported_from"] = source
            model = Model(
                task: description.task, objective: description.objective, target: target ?? description.target, classes: description.classes,
                schema: try schema(description.features), ensemble: ensemble, parameters: parameters, training: description.training)
        } else {
            let features = (0..<featureCount).map { index in
                Feature(name: "f\(index)", kind: kinds.kinds[index], levels: kinds.kinds[index] == .categorical ? (0..<kinds.levelCounts[index]).map(String.init) : [])
            }
            let task: ModelTask = shape.link == .sigmoid ? .binary : shape.link == .softmax ? .multiclass : .regression
            let objective = task == .binary ? "binary" : task == .multiclass ? "multiclass" : shape.link == .exp ? "poisson" : "regression"
            model = Model(
                task: task, objective: objective, target: target ?? "target", classes: shape.classes, schema: try schema(features),
                ensemble: ensemble, parameters: ["imported_from": source],
                training: TrainingSummary(rows: 0, roundsTrained: ensemble.rounds, bestRound: ensemble.rounds, apusVersion: "imported"))
        }
        do {
            try ModelFile.checkConsistency(model)
        } catch {
            throw ImportError("the imported model is inconsistent: \(error)")
        }
        return model
    }

    private static func schema(_ features: [Feature]) throws(ImportError) -> FeatureSchema {
        do {
            return try FeatureSchema(features: features)
        } catch {
            throw ImportError("the features cannot be named: \(error)")
        }
    }

    /// The feature count: the input's second dimension when declared, else one past the
    /// largest feature a split reads; the metadata's when it has one.
    static func featureCount(graph: Onnx_GraphProto, forest: ONNXSourceForest, description: EmbeddedModelDescription?) throws(ImportError) -> Int {
        var used = -1
        for tree in forest.trees {
            for node in tree.nodes where node.mode != .leaf { used = max(used, node.feature) }
        }
        let declared = graph.input.first?.type.tensorType.shape.dim.dropFirst().first.flatMap { $0.dimValue > 0 ? Int(clamping: $0.dimValue) : nil }
        let count = description?.features.count ?? declared ?? used + 1
        guard used < count else { throw ImportError("a split reads feature \(used), but the model has \(count) features") }
        guard count <= 1 << 20 else { throw ImportError("the model declares \(count) features, more than Apus reads (1,048,576)") }
        return count
    }
}
