import ApusTable

/// Why a model cannot be pruned as asked. Rows are 0-based here and counted from 1 in
/// messages, as a data file's rows are counted.
public enum PruningError: Error, Equatable, Sendable, CustomStringConvertible {
    /// The validation set has no rows.
    case emptyValidation
    /// The feature matrix does not hold `rows × featureCount` values.
    case featureShape(values: Int, rows: Int, featureCount: Int)
    /// A label is NaN or infinite.
    case labelNotFinite(row: Int, value: Double)
    /// A label is outside what the objective accepts (`expected` says what it accepts).
    case labelOutOfRange(row: Int, value: Double, expected: String)
    /// The weights are not one per row.
    case weightCount(rows: Int, found: Int)
    /// A weight is negative, NaN or infinite.
    case invalidWeight(row: Int, value: Double)
    /// Every weight is zero.
    case zeroTotalWeight
    /// The model's objective has no validation loss pruning knows.
    case unknownObjective(String)
    /// The objective needs a parameter the model does not record, or records one out of range.
    case objectiveParameter(objective: String, reason: String)
    /// The objective does not fit the ensemble's link or scores per row.
    case objectiveMismatch(objective: String, link: String, scoresPerRow: Int)
    /// The model's schema and ensemble disagree.
    case inconsistentModel(String)
    /// The budget or the merge tolerance is not a usable number.
    case invalidBudget(String)
    /// Even one round (leaves merged) measures more than the size budget.
    case sizeBudgetUnreachable(bytes: Int, smallest: Int, rounds: Int)
    /// Merging leaves alone increases the loss by more than the loss budget.
    case mergeExceedsBudget(increase: Double, budget: Double, tolerance: Double)

    public var description: String {
        switch self {
        case .emptyValidation:
            "pruning: the validation set has no rows"
        case .featureShape(let values, let rows, let featureCount):
            "pruning: the validation features hold \(formatCount(values)) values; expected \(formatCount(rows)) rows × "
                + "\(featureCount) features = \(formatCount(rows * featureCount))"
        case .labelNotFinite(let row, let value):
            "pruning: the validation label at row \(formatCount(row + 1)) is \(value), not a finite number"
        case .labelOutOfRange(let row, let value, let expected):
            "pruning: the validation label at row \(formatCount(row + 1)) is \(value); expected \(expected)"
        case .weightCount(let rows, let found):
            "pruning: \(formatCount(found)) validation weights for \(formatCount(rows)) rows"
        case .invalidWeight(let row, let value):
            "pruning: the validation weight at row \(formatCount(row + 1)) is \(value); expected a finite number, not negative"
        case .zeroTotalWeight:
            "pruning: every validation weight is zero"
        case .unknownObjective(let name):
            "pruning: objective `\(name)` has no validation loss pruning knows (known: \(PruningLoss.knownNames.joined(separator: ", ")))"
        case .objectiveParameter(let objective, let reason):
            "pruning: objective `\(objective)`: \(reason)"
        case .objectiveMismatch(let objective, let link, let scoresPerRow):
            "pruning: objective `\(objective)` does not fit an ensemble with link `\(link)` and \(scoresPerRow) scores per row"
        case .inconsistentModel(let reason):
            "pruning: the model is inconsistent: \(reason)"
        case .invalidBudget(let reason):
            "pruning: \(reason)"
        case .sizeBudgetUnreachable(let bytes, let smallest, let rounds):
            "pruning: the size budget of \(formatCount(bytes)) bytes cannot be met: the smallest model, "
                + "\(rounds) round\(rounds == 1 ? "" : "s"), measures \(formatCount(smallest)) bytes"
        case .mergeExceedsBudget(let increase, let budget, let tolerance):
            "pruning: merging leaves within \(tolerance) alone increases the validation loss by \(increase), "
                + "beyond the budget of \(budget); use a smaller merge tolerance"
        }
    }
}
