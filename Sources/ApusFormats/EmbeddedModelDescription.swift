import ApusModel
import Foundation

/// What an ONNX or Core ML export carries about the Apus model beyond its trees, as JSON in
/// the file's metadata (ONNX `metadata_props`, Core ML `userDefined`) under ``key``: the
/// features with their names, kinds and levels, the task, target, classes, objective,
/// parameters and training summary. Importing the file back reads it, so names, levels and
/// lineage survive the trip; a file without it imports with generic names.
struct EmbeddedModelDescription: Codable, Equatable {
    /// The metadata key.
    static let key = "apus.model"

    var formatVersion: Int = 1
    var task: ModelTask
    var objective: String
    var target: String
    var classes: [String]
    var features: [Feature]
    var link: OutputLink
    var scoresPerRow: Int
    var baseScore: [Double]
    var parameters: [String: String]
    var training: TrainingSummary

    init(model: Model) {
        task = model.task
        objective = model.objective
        target = model.target
        classes = model.classes
        features = model.schema.features
        link = model.ensemble.link
        scoresPerRow = model.ensemble.scoresPerRow
        baseScore = model.ensemble.baseScore
        parameters = model.parameters
        training = model.training
    }

    /// Compact JSON with sorted keys (so the same model gives the same file).
    func json() -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        encoder.nonConformingFloatEncodingStrategy = .convertToString(positiveInfinity: "Infinity", negativeInfinity: "-Infinity", nan: "NaN")
        // Strings, numbers and containers of them always encode.
        return (try? encoder.encode(self)).map { String(decoding: $0, as: UTF8.self) } ?? "{}"
    }

    /// The description in `json`.
    ///
    /// - Throws: ``ImportError`` naming the metadata key and what is wrong.
    static func decode(json: String) throws(ImportError) -> EmbeddedModelDescription {
        let decoder = JSONDecoder()
        decoder.nonConformingFloatDecodingStrategy = .convertFromString(positiveInfinity: "Infinity", negativeInfinity: "-Infinity", nan: "NaN")
        do {
            return try decoder.decode(EmbeddedModelDescription.self, from: Data(json.utf8))
        } catch {
            throw ImportError("metadata `\(key)` is not a valid Apus model description: \(error)")
        }
    }
}
