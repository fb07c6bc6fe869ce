#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// The JSON header of a model file: everything but the ensemble's numbers.
///
/// `importance` is written for readers outside Apus and ignored when reading: it is
/// derived from the trees.
struct ModelFileHeader: Codable {
    /// The ensemble's scalars that are not floating point.
    struct Ensemble: Codable {
        var scoresPerRow: Int
        var link: OutputLink
        var treeCount: Int
    }

    var task: ModelTask
    var objective: String
    var target: String
    var classes: [String]
    var schema: FeatureSchema
    var parameters: [String: String]
    var training: TrainingSummary
    var importance: FeatureImportance?
    var ensemble: Ensemble

    private enum CodingKeys: String, CodingKey {
        case task, objective, target, classes, schema, parameters, training, importance, ensemble
    }

    init(model: Model) {
        task = model.task
        objective = model.objective
        target = model.target
        classes = model.classes
        schema = model.schema
        parameters = model.parameters
        training = model.training
        importance = model.importance
        ensemble = Ensemble(
            scoresPerRow: model.ensemble.scoresPerRow, link: model.ensemble.link, treeCount: model.ensemble.trees.count)
    }

    init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        task = try container.decode(ModelTask.self, forKey: .task)
        objective = try container.decode(String.self, forKey: .objective)
        target = try container.decode(String.self, forKey: .target)
        classes = try container.decode([String].self, forKey: .classes)
        schema = try container.decode(FeatureSchema.self, forKey: .schema)
        parameters = try container.decode([String: String].self, forKey: .parameters)
        training = try container.decode(TrainingSummary.self, forKey: .training)
        importance = nil
        ensemble = try container.decode(Ensemble.self, forKey: .ensemble)
    }

    /// Non-finite doubles (a validation metric can be infinite) are the strings
    /// `"Infinity"`, `"-Infinity"` and `"NaN"`.
    private static let nonFinite = (positive: "Infinity", negative: "-Infinity", nan: "NaN")

    /// Compact UTF-8 JSON with sorted keys, so the same header always gives the same bytes.
    func json() -> [UInt8] {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        encoder.nonConformingFloatEncodingStrategy = .convertToString(
            positiveInfinity: Self.nonFinite.positive, negativeInfinity: Self.nonFinite.negative, nan: Self.nonFinite.nan)
        do {
            return Array(try encoder.encode(self))
        } catch {
            // Strings, integers, doubles (non-finite ones as strings) and containers of
            // them always encode.
            preconditionFailure("the model file header did not encode: \(error)")
        }
    }

    /// Decodes a header.
    ///
    /// - Throws: ``ModelError/corrupt(field:reason:)`` for `header` with the gist of the
    ///   decoding error, or the schema's own error (a duplicate feature name or level).
    static func decode(json: ArraySlice<UInt8>) throws(ModelError) -> ModelFileHeader {
        let decoder = JSONDecoder()
        decoder.nonConformingFloatDecodingStrategy = .convertFromString(
            positiveInfinity: nonFinite.positive, negativeInfinity: nonFinite.negative, nan: nonFinite.nan)
        do {
            return try decoder.decode(ModelFileHeader.self, from: Data(json))
        } catch let error as ModelError {
            throw error
        } catch {
            throw .corrupt(field: "header", reason: gist(of: error))
        }
    }

    /// A one-line account of a decoding error: what is wrong, and where.
    static func gist(of error: any Error) -> String {
        func path(_ context: DecodingError.Context) -> String {
            let keys = context.codingPath.map { $0.intValue.map { "[\($0)]" } ?? ".\($0.stringValue)" }.joined()
            return keys.isEmpty ? "the top level" : String(keys.drop { $0 == "." })
        }
        guard let error = error as? DecodingError else { return "\(error)" }
        switch error {
        case .keyNotFound(let key, let context):
            let place = context.codingPath.isEmpty ? "" : " in \(path(context))"
            return "missing key `\(key.stringValue)`\(place)"
        case .typeMismatch(let type, let context):
            return "\(path(context)): expected \(type)"
        case .valueNotFound(let type, let context):
            return "\(path(context)): expected \(type), found null"
        case .dataCorrupted(let context):
            let detail = context.underlyingError.map { ": \($0)" } ?? ""
            return context.codingPath.isEmpty
                ? "not valid JSON (\(context.debugDescription)\(detail))"
                : "\(path(context)): \(context.debugDescription)"
        @unknown default:
            return "\(error)"
        }
    }
}
