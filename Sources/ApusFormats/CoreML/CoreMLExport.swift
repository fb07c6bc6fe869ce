import ApusModel
import FormatProtos
import Foundation
import SwiftProtobuf

/// Writes a model as a Core ML model (`.mlmodel`, issue #6): one `TreeEnsembleClassifier` or
/// `TreeEnsembleRegressor` in Core ML's specification version 1, the lowest (iOS 11,
/// macOS 10.13), which is also what coremltools' own tree converters write.
///
/// The model takes one input `input`, a `MultiArray` of doubles of shape `[F]`: the features
/// in the model's order, categorical features as their level codes (a negative code for a
/// level the model never saw), missing values as NaN. Thresholds and leaf values are Apus's
/// doubles. A classifier answers `label` (the most probable class's name) and `probabilities`
/// (a dictionary from class name to probability): a binary model has one prediction dimension
/// and Core ML's logistic transform, a multiclass model one dimension per class and softmax. A
/// regressor answers `prediction` (a double). Categorical splits become chains of equality
/// tests (see ``CoreMLTrees``). The Apus model's description (feature names and levels, task,
/// classes, objective, lineage) travels in the metadata's `userDefined` under `apus.model`.
///
/// Core ML has no exponential transform, so a log-link (Poisson) regressor is refused.
public enum CoreMLExport {
    /// The Core ML specification version written.
    public static let specificationVersion: Int32 = 1

    /// The serialized Core ML model of `model` (the bytes of a `.mlmodel` file).
    ///
    /// - Parameters:
    ///   - producerVersion: Written in the metadata's `userDefined` as `apus.version` (the Apus
    ///     version) when not empty.
    /// - Throws: ``ImportError`` when Core ML cannot express the model: a log link, a task and
    ///   link that do not match, class names that do not fit the scores, or categorical splits
    ///   whose expansion would be too large.
    public static func bytes(for model: Model, producerVersion: String = "") throws(ImportError) -> [UInt8] {
        let proto = try modelProto(for: model, producerVersion: producerVersion)
        var options = BinaryEncodingOptions()
        options.useDeterministicOrdering = true
        do {
            return try proto.serializedBytes(options: options)
        } catch {
            throw ImportError("the Core ML model could not be serialized: \(error)")
        }
    }

    static func modelProto(for model: Model, producerVersion: String) throws(ImportError) -> CoreML_Specification_Model {
        let ensemble = model.ensemble
        var parameters = CoreML_Specification_TreeEnsembleParameters()
        parameters.numPredictionDimensions = UInt64(ensemble.scoresPerRow)
        parameters.basePredictionValue = ensemble.baseScore
        let transform = try postEvaluationTransform(for: model)
        var proto = CoreML_Specification_Model()
        proto.specificationVersion = specificationVersion
        proto.description_p = try CoreMLDescription.modelDescription(for: model, producerVersion: producerVersion)
        parameters.nodes = try CoreMLTrees.nodes(for: ensemble)
        if model.task == .regression {
            var regressor = CoreML_Specification_TreeEnsembleRegressor()
            regressor.treeEnsemble = parameters
            regressor.postEvaluationTransform = transform
            proto.treeEnsembleRegressor = regressor
        } else {
            var classifier = CoreML_Specification_TreeEnsembleClassifier()
            classifier.treeEnsemble = parameters
            classifier.postEvaluationTransform = transform
            var labels = CoreML_Specification_StringVector()
            labels.vector = model.classes
            classifier.stringClassLabels = labels
            proto.treeEnsembleClassifier = classifier
        }
        return proto
    }

    /// Core ML's transform for `model`'s link, which must fit its task.
    static func postEvaluationTransform(for model: Model) throws(ImportError) -> CoreML_Specification_TreeEnsemblePostEvaluationTransform {
        switch (model.task, model.ensemble.link) {
        case (.regression, .identity): return .noTransform
        case (.regression, .sigmoid), (.binary, .sigmoid): return .regressionLogistic
        case (.multiclass, .softmax): return .classificationSoftMax
        case (.regression, .exp):
            throw ImportError(
                "Core ML has no exponential post-evaluation transform, so the `exp` link of this regression model (objective "
                    + "`\(model.objective)`) cannot be written: its trees would answer the log of the prediction. Export it to ONNX instead")
        case (let task, let link):
            throw ImportError("a \(task.rawValue) model with the `\(link.rawValue)` link has no Core ML form")
        }
    }
}
