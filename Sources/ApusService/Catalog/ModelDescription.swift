import ApusModel
import ApusMonitor
import ApusStore

/// One input feature of a model, as a caller needs to know it.
public struct FeatureDescription: Sendable {
    /// The field name.
    public var name: String
    /// Numeric or categorical.
    public var kind: FeatureKind
    /// The levels training saw (categorical features).
    public var levels: [String]
    /// The smallest and largest values of training (numeric features with a stored profile).
    public var trainingRange: (minimum: Double, maximum: Double)?
    /// The share of training rows missing it (with a stored profile).
    public var trainingMissingShare: Double?
}

/// Everything a caller needs to use a model and to judge it: its schema, metrics, lineage
/// and intended use. What `describe_model` answers and each model resource holds.
public struct ModelDescription: Sendable {
    /// The reference it was asked by.
    public var reference: String
    /// `NAME/VERSION` for a registry version; the path for a model file.
    public var resolved: String
    /// The registered model and version (nil for a model file).
    public var name: String?
    public var version: Int?
    /// `ready` or `archived` (registry versions).
    public var status: String?
    /// Aliases pointing at the version now.
    public var aliases: [String]
    /// What the registered model is for (its description), and the version's note.
    public var intendedUse: String
    public var versionNote: String
    /// The registered model's tags.
    public var tags: [String: String]
    /// When and by whom the version was registered.
    public var registered: String?
    public var registeredBy: String?
    /// What it predicts.
    public var task: ModelTask
    public var target: String
    public var objective: String
    public var classes: [String]
    /// The inputs, in the model's order.
    public var features: [FeatureDescription]
    /// Validation metrics recorded at registration (registry versions).
    public var metrics: [String: Double]
    /// Where it came from: run, data fingerprint, parameters hash, seed, code version.
    public var lineage: [String: String]
    /// The learner's parameters.
    public var parameters: [String: String]
    /// Training and validation rows, rounds trained and kept, and the Apus that trained it.
    public var trainingRows: Int
    public var validationRows: Int
    public var roundsTrained: Int
    public var bestRound: Int
    public var trainedBy: String
    /// Trees in the ensemble.
    public var trees: Int
    /// Where the training ranges came from, or why there are none.
    public var rangesSource: String
}

/// Describes models: what `describe_model` and the model resources of the MCP server answer.
public enum ModelDescribing {
    /// The description of `resolved`; `store` (when given) supplies the registry record and
    /// the training ranges of the reference profile its run stored.
    public static func describe(_ resolved: ResolvedModel, reference: String, store: (any Store)?) -> ModelDescription {
        let model = resolved.model
        var registered: RegisteredModel?
        if let version = resolved.version { registered = try? store?.model(version.model) }
        var profile: ReferenceProfile?
        var rangesSource = "none: no store holds the run that trained this model"
        if let store {
            do {
                profile = try MonitorReference.load(resolved, store: store, sample: false).profile
                rangesSource = "the reference profile stored by the run that trained it"
            } catch {
                rangesSource = "none: \(error)"
            }
        }
        let features = model.schema.features.map { feature -> FeatureDescription in
            var description = FeatureDescription(name: feature.name, kind: feature.kind, levels: feature.levels)
            if let column = profile?.data[feature.name], let rows = profile?.data.rowCount, rows > 0 {
                description.trainingMissingShare = Double(column.missing) / Double(rows)
                if case .numeric(let numeric) = column, numeric.count > 0, numeric.min.isFinite, numeric.max.isFinite {
                    description.trainingRange = (numeric.min, numeric.max)
                }
            }
            return description
        }
        let version = resolved.version
        var lineage = version?.lineage ?? [:]
        if let runID = version?.runID { lineage["run_id"] = runID }
        if lineage["data_fingerprint"] == nil, let fingerprint = model.training.dataFingerprint { lineage["data_fingerprint"] = fingerprint }
        return ModelDescription(
            reference: reference, resolved: version?.reference ?? resolved.path, name: version?.model, version: version?.version,
            status: version?.status.rawValue, aliases: version?.aliases ?? [], intendedUse: registered?.description ?? "",
            versionNote: version?.description ?? "", tags: registered?.tags ?? [:], registered: version?.created,
            registeredBy: version?.createdBy, task: model.task, target: model.target, objective: model.objective,
            classes: model.classes, features: features, metrics: version?.metrics ?? [:], lineage: lineage,
            parameters: model.parameters, trainingRows: model.training.rows, validationRows: model.training.validationRows,
            roundsTrained: model.training.roundsTrained, bestRound: model.training.bestRound,
            trainedBy: model.training.apusVersion, trees: model.ensemble.trees.count, rangesSource: rangesSource)
    }
}

extension ModelDescription {
    /// The numeric values of `features` (row-major, as the schema encodes them) outside the
    /// range training saw, at most `limit` of them: trees answer such a value as they answer
    /// the nearest value seen, which a caller should know.
    public func rangeWarnings(features values: [Double], limit: Int = 20) -> [String] {
        let width = features.count
        guard width > 0 else { return [] }
        var warnings: [String] = []
        for row in 0..<(values.count / width) {
            for (index, feature) in features.enumerated() {
                guard let range = feature.trainingRange else { continue }
                let value = values[row * width + index]
                guard !value.isNaN, value < range.minimum || value > range.maximum else { continue }
                if warnings.count == limit { return warnings + ["… and more values outside the training range"] }
                let side = value < range.minimum ? "below the smallest" : "above the largest"
                let end = value < range.minimum ? range.minimum : range.maximum
                warnings.append("row \(row), `\(feature.name)` = \(text(value)) is \(side) value training saw (\(text(end))): the trees answer it as they answer the values at that end")
            }
        }
        return warnings
    }

    private func text(_ value: Double) -> String {
        value == value.rounded() && abs(value) < 1e15 ? String(Int64(value)) : "\(value)"
    }
}
