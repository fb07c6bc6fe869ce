import ApusModel
import Testing
@testable import ApusTrain

@Suite("Pruning: bad input")
struct EnsemblePruningErrorTests {
    let trees = [stump(0.5, left: 1, right: -1), stump(1.5, left: 0.5, right: 0)]

    func message(
        _ data: PruningData, objective: String = "regression", classes: Int = 1, parameters: [String: String] = [:],
        budget: PruningBudget = .lossIncrease(0.1), tolerance: Double = 0
    ) throws -> String? {
        let trees = classes == 1 ? self.trees : [Tree](repeating: stump(0.5, left: 1, right: -1), count: 2 * classes)
        let model = try handModel(trees, objective: objective, classes: classes, parameters: parameters)
        return pruningError { try EnsemblePruning.prune(model, validation: data, budget: budget, mergeTolerance: tolerance) }
    }

    @Test("validation rows: shape, labels and weights, naming the row")
    func validationRows() throws {
        #expect(try message(PruningData(features: [], labels: [])) == "pruning: the validation set has no rows")
        #expect(try message(PruningData(features: [0, 1, 2], labels: [0, 1]))
            == "pruning: the validation features hold 3 values; expected 2 rows × 1 features = 2")
        #expect(try message(PruningData(features: [0, 1], labels: [0, .nan]))
            == "pruning: the validation label at row 2 is nan, not a finite number")
        #expect(try message(PruningData(features: [0], labels: [-.infinity]))
            == "pruning: the validation label at row 1 is -inf, not a finite number")
        #expect(try message(PruningData(features: [0, 1], labels: [1, 2]), objective: "binary")
            == "pruning: the validation label at row 2 is 2.0; expected 0 or 1")
        #expect(try message(PruningData(features: [0, 1], labels: [3, 0]), objective: "multiclass", classes: 3)
            == "pruning: the validation label at row 1 is 3.0; expected a class index in 0..<3")
        #expect(try message(PruningData(features: [0, 1], labels: [0, 1.5]), objective: "multiclass", classes: 3)
            == "pruning: the validation label at row 2 is 1.5; expected a class index in 0..<3")
        #expect(try message(PruningData(features: [0, 1], labels: [2, -1]), objective: "poisson")
            == "pruning: the validation label at row 2 is -1.0; expected a count of 0 or more")
        #expect(try message(PruningData(features: [0, 1], labels: [0, 1], weights: [1]))
            == "pruning: 1 validation weights for 2 rows")
        #expect(try message(PruningData(features: [0, 1], labels: [0, 1], weights: [1, -1]))
            == "pruning: the validation weight at row 2 is -1.0; expected a finite number, not negative")
        #expect(try message(PruningData(features: [0, 1], labels: [0, 1], weights: [.nan, 1]))
            == "pruning: the validation weight at row 1 is nan; expected a finite number, not negative")
        #expect(try message(PruningData(features: [0, 1], labels: [0, 1], weights: [0, 0]))
            == "pruning: every validation weight is zero")
    }

    @Test("objectives without a known loss, or without the parameters the loss needs")
    func objectives() throws {
        let rows = PruningData(features: [0, 1], labels: [0, 1])
        let unknown = try message(rows, objective: "gamma")
        #expect(unknown?.hasPrefix("pruning: objective `gamma` has no validation loss pruning knows (known: binary, ") == true)
        #expect(try message(rows, objective: "quantile") == "pruning: objective `quantile`: the model does not record `alpha`, which the loss needs")
        #expect(try message(rows, objective: "quantile", parameters: ["alpha": "1.5"])
            == "pruning: objective `quantile`: parameter `alpha` is 1.5; expected a number in (0, 1)")
        #expect(try message(rows, objective: "huber", parameters: ["alpha": "wide"])
            == "pruning: objective `huber`: parameter `alpha` is `wide`, not a number")
        #expect(try message(rows, objective: "binary", parameters: ["scale_pos_weight": "0"])
            == "pruning: objective `binary`: parameter `scale_pos_weight` is 0.0; expected a positive number")
        var mismatched = try handModel(trees, objective: "regression")
        mismatched.objective = "poisson"
        #expect(pruningError { try EnsemblePruning.prune(mismatched, validation: rows, budget: .lossIncrease(0)) }
            == "pruning: objective `poisson` does not fit an ensemble with link `identity` and 1 scores per row")
        var inconsistent = try handModel(trees, objective: "regression")
        inconsistent.schema = try FeatureSchema(features: [Feature(name: "a", kind: .numeric), Feature(name: "b", kind: .numeric)])
        #expect(pruningError { try EnsemblePruning.prune(inconsistent, validation: rows, budget: .lossIncrease(0)) }
            == "pruning: the model is inconsistent: the schema has 2 features, the ensemble 1")
    }

    @Test("budgets and tolerances that are not usable numbers, and a size no model reaches")
    func budgets() throws {
        let rows = PruningData(features: [0, 1], labels: [0, 1])
        #expect(try message(rows, budget: .lossIncrease(-1))
            == "pruning: the loss increase budget is -1.0; expected a finite number, 0 or more")
        #expect(try message(rows, budget: .lossIncrease(.nan))
            == "pruning: the loss increase budget is nan; expected a finite number, 0 or more")
        #expect(try message(rows, budget: .size(bytes: 0, measure: { _ in 1 }))
            == "pruning: the size budget is 0 bytes; expected a positive number")
        #expect(try message(rows, tolerance: -0.5) == "pruning: the merge tolerance is -0.5; expected a finite number, 0 or more")
        #expect(try message(rows, budget: .size(bytes: 1_000, measure: { _ in 1_234 }))
            == "pruning: the size budget of 1,000 bytes cannot be met: the smallest model, 1 round, measures 1,234 bytes")
        let single = try handModel([stump(0.5, left: 1, right: 2)], objective: "regression")
        #expect(pruningError {
            try EnsemblePruning.prune(single, validation: rows, budget: .size(bytes: 5, measure: { _ in 9 }))
        } == "pruning: the size budget of 5 bytes cannot be met: the smallest model, 1 round, measures 9 bytes")
    }
}
