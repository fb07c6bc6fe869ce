import ApusModel
import FormatProtos

/// The `ModelDescription` of a Core ML export: its input, outputs and metadata.
enum CoreMLDescription {
    typealias FeatureType = CoreML_Specification_FeatureType

    /// The metadata key of the Apus version that wrote the file.
    static let versionKey = "apus.version"

    static func modelDescription(for model: Model, producerVersion: String) throws(ImportError) -> CoreML_Specification_ModelDescription {
        var description = CoreML_Specification_ModelDescription()
        description.input = [input(for: model.schema)]
        let target = model.target.isEmpty ? "the target" : "`\(model.target)`"
        switch model.task {
        case .regression:
            description.output = [feature("prediction", "the predicted value of \(target)", type: .doubleType(.init()))]
            description.predictedFeatureName = "prediction"
        case .binary, .multiclass:
            try checkClasses(of: model)
            var dictionary = CoreML_Specification_DictionaryFeatureType()
            dictionary.stringKeyType = .init()
            description.output = [
                feature("label", "the most probable class of \(target)", type: .stringType(.init())),
                feature("probabilities", "the probability of each class of \(target)", type: .dictionaryType(dictionary)),
            ]
            description.predictedFeatureName = "label"
            description.predictedProbabilitiesName = "probabilities"
        }
        var metadata = CoreML_Specification_Metadata()
        metadata.shortDescription = "Apus \(model.task.rawValue) model of \(target) (\(model.ensemble.trees.count) trees, objective \(model.objective))"
        metadata.userDefined = [EmbeddedModelDescription.key: EmbeddedModelDescription(model: model).json()]
        if !producerVersion.isEmpty { metadata.userDefined[versionKey] = producerVersion }
        description.metadata = metadata
        return description
    }

    /// `input`: the features in model order, as one array of doubles.
    static func input(for schema: FeatureSchema) -> CoreML_Specification_FeatureDescription {
        var array = CoreML_Specification_ArrayFeatureType()
        array.shape = [Int64(schema.count)]
        array.dataType = .double
        let names = schema.features.map { $0.kind == .categorical ? "\($0.name) (level code)" : $0.name }
        return feature(
            "input",
            "features in model order: \(names.joined(separator: ", ")); NaN for a missing value, a negative code for an unseen level",
            type: .multiArrayType(array))
    }

    static func feature(_ name: String, _ summary: String, type: FeatureType.OneOf_Type) -> CoreML_Specification_FeatureDescription {
        var featureType = FeatureType()
        featureType.type = type
        var feature = CoreML_Specification_FeatureDescription()
        feature.name = name
        feature.shortDescription = summary
        feature.type = featureType
        return feature
    }

    /// A classifier's labels are its classes: two for a binary model (one prediction
    /// dimension), one per score for a multiclass model, each distinct (they key the
    /// probabilities).
    static func checkClasses(of model: Model) throws(ImportError) {
        let expected = model.task == .binary ? 2 : model.ensemble.scoresPerRow
        guard model.classes.count == expected else {
            throw ImportError("a \(model.task.rawValue) model needs \(expected) class names for Core ML's class labels, found \(model.classes.count)")
        }
        guard Set(model.classes).count == model.classes.count else {
            throw ImportError("the class names \(model.classes) repeat: Core ML keys the probabilities by class name")
        }
    }
}
