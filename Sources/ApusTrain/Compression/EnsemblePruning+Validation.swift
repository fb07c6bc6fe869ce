import ApusModel

extension EnsemblePruning {
    /// Throws unless the validation rows fit the model and its loss.
    static func check(_ data: PruningData, featureCount: Int, loss: PruningLoss) throws(PruningError) {
        let rows = data.rows
        guard rows > 0 else { throw .emptyValidation }
        guard data.features.count == rows * featureCount else {
            throw .featureShape(values: data.features.count, rows: rows, featureCount: featureCount)
        }
        let rule = loss.labelRule
        for (row, label) in data.labels.enumerated() {
            guard label.isFinite else { throw .labelNotFinite(row: row, value: label) }
            if let rule, !rule.isValid(label) { throw .labelOutOfRange(row: row, value: label, expected: rule.expected) }
        }
        guard let weights = data.weights else { return }
        guard weights.count == rows else { throw .weightCount(rows: rows, found: weights.count) }
        var total = 0.0
        for (row, weight) in weights.enumerated() {
            guard weight.isFinite, weight >= 0 else { throw .invalidWeight(row: row, value: weight) }
            total += weight
        }
        guard total > 0 else { throw .zeroTotalWeight }
    }

    /// Throws unless the budget and the merge tolerance are usable numbers.
    static func check(_ budget: PruningBudget, mergeTolerance: Double) throws(PruningError) {
        guard mergeTolerance.isFinite, mergeTolerance >= 0 else {
            throw .invalidBudget("the merge tolerance is \(mergeTolerance); expected a finite number, 0 or more")
        }
        switch budget {
        case .size(let bytes, _):
            guard bytes > 0 else { throw .invalidBudget("the size budget is \(bytes) bytes; expected a positive number") }
        case .lossIncrease(let increase):
            guard increase.isFinite, increase >= 0 else {
                throw .invalidBudget("the loss increase budget is \(increase); expected a finite number, 0 or more")
            }
        }
    }

    /// Throws unless the model's schema and ensemble read the same features.
    static func featureCount(of model: Model) throws(PruningError) -> Int {
        let count = model.schema.count
        guard count == model.ensemble.featureKinds.count else {
            throw .inconsistentModel("the schema has \(count) features, the ensemble \(model.ensemble.featureKinds.count)")
        }
        return count
    }
}
