import ApusModel

/// Checks a background sample against the model's features before explaining with it.
enum BackgroundCheck {
    /// The number of rows in `background`, row-major rows of `kinds.count` features.
    ///
    /// Numeric values may be anything (NaN is missing). A categorical value must be missing,
    /// the unseen-level code −1, or a whole level code `>= 0` (below the level count when
    /// `schema` is given).
    ///
    /// - Throws: ``ExplainError`` for an empty or ragged sample, a schema that does not
    ///   describe `kinds`, or a value that is no level code, naming the row and feature.
    static func rows(of background: [Double], kinds: [FeatureKind], schema: FeatureSchema?) throws(ExplainError) -> Int {
        let featureCount = kinds.count
        if let schema {
            guard schema.features.map(\.kind) == kinds else {
                throw ExplainError("the schema's \(schema.features.count) features (\(describe(schema.features.map(\.kind)))) are not the model's \(featureCount) (\(describe(kinds)))")
            }
        }
        guard featureCount > 0 else { throw ExplainError("the model has no features to explain") }
        guard !background.isEmpty else { throw ExplainError("the background sample is empty; it needs at least one row") }
        guard background.count % featureCount == 0 else {
            throw ExplainError("the background sample's \(background.count) values are not whole rows of \(featureCount) features")
        }
        let rows = background.count / featureCount
        for (feature, kind) in kinds.enumerated() where kind == .categorical {
            let levels = schema?.features[feature].levels.count
            for row in 0..<rows {
                let code = background[row * featureCount + feature]
                guard !isLevelCode(code, levels: levels) else { continue }
                let name = schema.map { "feature `\($0.features[feature].name)`" } ?? "feature \(feature)"
                let range = levels.map { "0..<\($0)" } ?? "a whole number >= 0"
                throw ExplainError("background row \(row), \(name) (categorical): \(code) is not a level code (\(range), -1 for an unseen level, or NaN for missing)")
            }
        }
        return rows
    }

    private static func isLevelCode(_ code: Double, levels: Int?) -> Bool {
        if code.isNaN || code == FeatureSchema.unseenLevelCode { return true }
        guard code >= 0, code.rounded() == code, code < Double(levels ?? Int(Int32.max)) else { return false }
        return true
    }

    private static func describe(_ kinds: [FeatureKind]) -> String {
        kinds.map(\.rawValue).joined(separator: ", ")
    }
}
