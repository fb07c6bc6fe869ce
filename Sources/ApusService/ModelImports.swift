import ApusFormats
import ApusModel
import ApusStore
import Foundation

/// Models trained by other libraries, read into Apus models: what `apus import` does.
public enum ModelImports {
    /// The formats Apus reads.
    public enum Format: String, CaseIterable, Sendable {
        /// LightGBM's text model (`Booster.save_model`).
        case lightgbm
        /// XGBoost's JSON or UBJSON model (`Booster.save_model("model.json")` or `"model.ubj"`).
        case xgboost
        /// An ONNX model of one `ai.onnx.ml` tree ensemble (classic or opset 5).
        case onnx
    }

    /// The model in the file at `path`.
    ///
    /// - Parameter target: The target column's name; without it, the file's (ONNX files
    ///   Apus wrote say it) or `label`.
    /// - Throws: ``ImportError`` naming what cannot be read, or a file error.
    public static func read(path: String, format: Format, target: String?) throws -> Model {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw ServiceError("cannot read `\(path)`")
        }
        switch format {
        case .lightgbm:
            guard let text = String(data: data, encoding: .utf8) else { throw ServiceError("`\(path)` is not UTF-8 text") }
            return try LightGBMImport.model(text: text, target: target ?? "label")
        case .xgboost:
            return XGBoostImport.isUBJSON(data)
                ? try XGBoostImport.model(ubjson: data, target: target ?? "label")
                : try XGBoostImport.model(json: data, target: target ?? "label")
        case .onnx:
            return try ONNXImport.model(bytes: Array(data), target: target)
        }
    }

    /// Registers an imported model, already written to `modelPath`, as a new version of
    /// `name`, pointing `aliases` at it. Its lineage says where it came from; it has no run.
    public static func register(_ model: Model, modelPath: String, source: String, format: Format, name: String,
                                aliases: [String], reason: String, store: any Store) throws -> (ModelVersion, [AliasMove]) {
        let artifact = try store.putArtifact(file: modelPath)
        let lineage = [
            "imported_from": format.rawValue, "source_file": (source as NSString).lastPathComponent,
            "source_version": model.parameters["imported_from"] ?? format.rawValue, "task": model.task.rawValue,
        ]
        let version = try store.registerVersion(VersionRegistration(
            model: name, runID: nil, artifact: artifact, metrics: [:], schema: ModelTraining.jsonText(model.schema),
            lineage: lineage, reason: reason))
        let moves = try aliases.map { try store.setAlias(model: name, alias: $0, version: version.version, reason: reason) }
        return (version, moves)
    }
}
