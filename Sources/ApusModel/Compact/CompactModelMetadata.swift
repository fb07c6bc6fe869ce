/// What a compact file says about its model besides the trees: its JSON header (the
/// `.apus` file's) and the binary header's scalars.
public struct CompactModelMetadata: Sendable {
    /// What the model predicts.
    public let task: ModelTask
    /// The training objective.
    public let objective: String
    /// The target column's name.
    public let target: String
    /// Class labels (see ``Model/classes``).
    public let classes: [String]
    /// The features, their kinds and levels, in feature-matrix order.
    public let schema: FeatureSchema
    /// The training parameters, as canonical text (`quantization` names the mode).
    public let parameters: [String: String]
    /// How training went.
    public let training: TrainingSummary
    /// Raw scores to predictions.
    public let link: OutputLink
    /// The score each row starts from, one per score.
    public let baseScores: [Double]
    /// Raw scores per row.
    public let scoresPerRow: Int
    /// The number of trees.
    public let treeCount: Int
    /// How leaves and thresholds are stored.
    public let quantization: CompactQuantization
}

extension MappedModel {
    /// The file's JSON header, decoded on each access (predicting does not need it; keep
    /// the value rather than asking twice).
    ///
    /// - Throws: ``ModelError/corrupt(field:reason:)`` for `header` when the JSON is not a
    ///   model header or disagrees with the binary header.
    public var metadata: CompactModelMetadata {
        get throws(ModelError) {
            let header = try ModelFileHeader.decode(json: ArraySlice(forest.header))
            let binary: [(String, String, String)] = [
                ("features", "\(header.schema.count)", "\(forest.featureCount)"),
                ("scoresPerRow", "\(header.ensemble.scoresPerRow)", "\(forest.scoresPerRow)"),
                ("link", header.ensemble.link.rawValue, forest.link.rawValue),
                ("treeCount", "\(header.ensemble.treeCount)", "\(forest.treeCount)"),
            ]
            for (name, json, fixed) in binary where json != fixed {
                throw .corrupt(field: "header", reason: "the JSON header's \(name) is \(json), the binary header's \(fixed)")
            }
            return CompactModelMetadata(
                task: header.task, objective: header.objective, target: header.target, classes: header.classes,
                schema: header.schema, parameters: header.parameters, training: header.training, link: forest.link,
                baseScores: (0..<forest.scoresPerRow).map(forest.baseScore), scoresPerRow: forest.scoresPerRow,
                treeCount: forest.treeCount, quantization: forest.quantization)
        }
    }

    /// The file as a full ``Model``, so every Apus tool can use it: the same predictions,
    /// the trees' nodes renumbered in preorder, and the covers and gains the file does not
    /// keep (node and leaf hessians and row counts, split gains) set to 0.
    ///
    /// - Throws: as ``metadata``, or ``ModelError/corrupt(field:reason:)`` when the header
    ///   and the trees do not make a consistent model (a split kind that is not its
    ///   feature's kind, classes that do not fit the task).
    public func model() throws(ModelError) -> Model {
        let metadata = try self.metadata
        var trees: [Tree] = []
        trees.reserveCapacity(forest.treeCount)
        for tree in 0..<forest.treeCount { trees.append(forest.tree(tree)) }
        let ensemble = try TreeEnsemble(
            trees: trees, scoresPerRow: metadata.scoresPerRow, baseScore: metadata.baseScores, link: metadata.link,
            featureKinds: metadata.schema.features.map(\.kind))
        let model = Model(
            task: metadata.task, objective: metadata.objective, target: metadata.target, classes: metadata.classes,
            schema: metadata.schema, ensemble: ensemble, parameters: metadata.parameters, training: metadata.training)
        try ModelFile.checkConsistency(model)
        return model
    }
}
