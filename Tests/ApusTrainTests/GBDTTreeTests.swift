import ApusModel
import ApusTable
import Foundation
import Testing
@testable import ApusTrain

@Suite("GBDT trees computed by hand")
struct GBDTTreeTests {
    @Test("L2 regression on four rows: one split at the midpoint, outputs −G/H, gain G²/H sums")
    func handComputedStump() throws {
        // init = mean(y) = 2; gradients (score − y) = 1, 1, −1, −1; hessians 1.
        let table = try numericTable([("x", [1, 2, 3, 4]), ("y", [1, 1, 3, 3])])
        let model = try train(table, target: "y", try tinyParameters(["num_iterations=1", "num_leaves=2", "learning_rate=1"]))
        #expect(model.task == .regression && model.objective == "regression")
        #expect(model.ensemble.baseScore == [2])
        let tree = try #require(model.ensemble.trees.first)
        #expect(tree.internalNodeCount == 1)
        #expect(tree.threshold == [2.5])
        #expect(tree.leafValue == [-1, 1])
        #expect(tree.splitGain == [4]) // (−2)²/2 + 2²/2 − 0²/4
        #expect(tree.nodeHessian == [4] && tree.nodeRowCount == [4])
        #expect(tree.leafHessian == [2, 2] && tree.leafRowCount == [2, 2])
        #expect(try predictions(model, table) == [1, 1, 3, 3])
    }

    @Test("the learning rate and L2 regularisation scale leaf outputs: −lr·G/(H+λ)")
    func shrinkageAndL2() throws {
        let table = try numericTable([("x", [1, 2, 3, 4]), ("y", [1, 1, 3, 3])])
        let model = try train(table, target: "y", try tinyParameters(["num_iterations=1", "num_leaves=2", "learning_rate=0.5", "lambda_l2=2"]))
        // −(2)/(2+2) × 0.5 = −0.25 and +0.25.
        #expect(model.ensemble.trees[0].leafValue == [-0.25, 0.25])
        // gain: 4/4 + 4/4 − 0/6 = 2
        #expect(model.ensemble.trees[0].splitGain == [2])
    }

    @Test("L1 regularisation soft-thresholds the gradient sum: −sign(G)·max(|G|−α, 0)/H")
    func l1() throws {
        let table = try numericTable([("x", [1, 2, 3, 4]), ("y", [1, 1, 3, 3])])
        let model = try train(table, target: "y", try tinyParameters(["num_iterations=1", "num_leaves=2", "learning_rate=1", "lambda_l1=1"]))
        #expect(model.ensemble.trees[0].leafValue == [-0.5, 0.5])
    }

    @Test("a missing value's direction is learned: missing rows go where their gradients fit")
    func missingDirectionIsLearned() throws {
        // Rows with x missing have high targets, like the large x values.
        let table = try numericTable([("x", [1, 2, 3, 4, nil, nil]), ("y", [0, 0, 10, 10, 10, 10])])
        let model = try train(table, target: "y", try tinyParameters(["num_iterations=1", "num_leaves=2", "learning_rate=1"]))
        let tree = model.ensemble.trees[0]
        #expect(tree.threshold == [2.5])
        #expect(!tree.defaultLeft(0))
        let predicted = try predictions(model, table)
        #expect(predicted.map { ($0 * 1e9).rounded() / 1e9 } == [0, 0, 10, 10, 10, 10])
        // And the other way round.
        let flipped = try numericTable([("x", [1, 2, 3, 4, nil, nil]), ("y", [10, 10, 0, 0, 10, 10])])
        let other = try train(flipped, target: "y", try tinyParameters(["num_iterations=1", "num_leaves=2", "learning_rate=1"]))
        #expect(other.ensemble.trees[0].defaultLeft(0))
    }

    @Test("without missing values in training, missing values at prediction go to the side with more rows")
    func unseenMissingGoesToLargerSide() throws {
        let table = try numericTable([("x", [1, 2, 3, 4, 5]), ("y", [0, 10, 10, 10, 10])])
        let model = try train(table, target: "y", try tinyParameters(["num_iterations=1", "num_leaves=2", "learning_rate=1"]))
        #expect(model.ensemble.trees[0].threshold == [1.5])
        #expect(!model.ensemble.trees[0].defaultLeft(0))
        let missing = try numericTable([("x", [nil]), ("y", [0])])
        #expect(abs(try predictions(model, missing)[0] - 10) < 1e-9)
    }

    @Test("a categorical split groups levels by their mean gradient; unseen levels follow the rare group or go right")
    func categoricalSplit() throws {
        // Levels a and c are high, b and d low; e is rare (one row) and high.
        let levels = ["a", "b", "c", "d", "a", "b", "c", "d", "e", nil]
        let y: [Double?] = [10, 0, 10, 0, 10, 0, 10, 0, 10, 0]
        let table = try Table([("g", .categorical(CategoricalColumn(levels))), ("y", .numeric(NumericColumn(y)))])
        let model = try train(table, target: "y", try tinyParameters([
            "num_iterations=1", "num_leaves=2", "learning_rate=1", "min_data_in_bin=2", "max_cat_to_onehot=2",
            "cat_smooth=1", "min_data_per_group=1",
        ]))
        let tree = model.ensemble.trees[0]
        #expect(tree.isCategorical(0))
        let schemaLevels = model.schema.features[0].levels
        let left = Set(tree.leftLevels(0).map { schemaLevels[$0] })
        // One side holds the high levels (with the rare e), the other the low ones and missing.
        let high: Set = ["a", "c", "e"]
        #expect(left == high || left.isDisjoint(with: high) && left == ["b", "d"])
        #expect(tree.unseenLeft(0) == left.contains("e"))
        #expect(tree.defaultLeft(0) == !left.contains("a"))
        let probe = try Table([
            ("g", .categorical(CategoricalColumn(["a", "b", "never-seen", nil]))), ("y", .numeric(NumericColumn([0, 0, 0, 0]))),
        ])
        let predicted = try predictions(model, probe).map { ($0 * 1e6).rounded() / 1e6 }
        #expect(predicted[0] > predicted[1])
        #expect(predicted[2] == predicted[0]) // unseen follows the rare level e: high
        #expect(predicted[3] == predicted[1]) // missing went with the low levels
    }

    @Test("one-vs-rest for few levels: one level alone on the left")
    func oneVersusRest() throws {
        let levels = ["a", "b", "c", "a", "b", "c"]
        let table = try Table([("g", .categorical(CategoricalColumn(levels))), ("y", .numeric(NumericColumn([0, 0, 9, 0, 0, 9])))])
        let model = try train(table, target: "y", try tinyParameters(["num_iterations=1", "num_leaves=2", "learning_rate=1"]))
        let tree = model.ensemble.trees[0]
        #expect(tree.leftLevels(0).map { model.schema.features[0].levels[$0] } == ["c"])
    }

    @Test("quantile regression renews leaves to residual quantiles: about 90% of labels lie below the 0.9 quantile")
    func quantileRenewal() throws {
        var random = SeededRandom(seed: 11)
        let x = (0..<2_000).map { _ in Double?(random.nextDouble()) }
        let y = x.map { Double?(10 * $0! + 5 * random.nextGaussian()) }
        let table = try numericTable([("x", x), ("y", y)])
        let model = try train(table, target: "y", task: .quantile, try GBDTParameters().setting(["alpha=0.9", "num_iterations=50"]))
        #expect(model.objective == "quantile")
        let predicted = try predictions(model, table)
        let below = zip(y, predicted).filter { $0.0! <= $0.1 }.count
        #expect(abs(Double(below) / 2_000 - 0.9) < 0.03, "share below: \(Double(below) / 2_000)")
    }
}
