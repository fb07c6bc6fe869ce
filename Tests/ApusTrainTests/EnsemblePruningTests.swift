import ApusModel
import ApusTable
import Foundation
import Testing
@testable import ApusTrain

@Suite("Ensemble pruning")
struct EnsemblePruningTests {
    /// Rows x = 0, 1, 2, 3 with labels 2, 1, −1, −1.5, and three stumps whose contributions
    /// are T0 = (1, 1, −1, −1), T1 = (0.5, 0, 0, 0), T2 = (0.25, 0.25, 0.25, 0.5).
    let rows = PruningData(features: [0, 1, 2, 3], labels: [2, 1, -1, -1.5])
    let t0 = stump(1.5, left: 1, right: -1)
    let t1 = stump(0.5, left: 0.5, right: 0)
    let t2 = stump(2.5, left: 0.25, right: 0.5)

    /// By hand, the loss is Σ d²/2 / 4 with d = score − label:
    /// all three: d = (−0.25, 0.25, 0.25, 1) → 1.1875/8 = 0.1484375;
    /// without T0 0.9609375, without T1 0.2109375, without T2 d = (−0.5, 0, 0, 0.5) → 0.0625.
    /// Then without T2 and T1: d = (−1, 0, 0, 0.5) → 1.25/8 = 0.15625 (T0 alone would be 0.8125).
    @Test("regression stumps by hand: removal order, losses and loss budgets")
    func squaredErrorByHand() throws {
        let model = try handModel([t0, t1, t2], objective: "regression")
        let strict = try EnsemblePruning.prune(model, validation: rows, budget: .lossIncrease(0))
        #expect(strict.report.removedRounds == [2])
        #expect(strict.report.lossBefore == 0.1484375 && strict.report.lossAfter == 0.0625)
        #expect(strict.report.treesBefore == 3 && strict.report.treesAfter == 2 && strict.report.roundsAfter == 2)
        #expect(strict.model.ensemble.trees == [t0, t1])
        #expect(strict.report.metricName == "rmse")
        #expect(strict.report.metricBefore == (1.1875 / 4).squareRoot() && strict.report.metricAfter == (0.5 / 4).squareRoot())
        #expect(strict.report.maxPredictionDifference == 0.5)
        #expect(strict.report.lossName == "squared error / 2" && strict.report.leavesMerged == 0)
        #expect(strict.model.parameters["pruning"] == "rounds 3->2, leaves merged 0")
        // Lazy greedy: three differences to start; after T2 goes, T1's is stale, recomputed
        // (0.09375, still below T0's stale one), and then over the budget.
        #expect(strict.report.differencesComputed == 4)

        // Removing T1 next costs 0.15625 − 0.1484375 = 0.0078125 over the original.
        let exact = try EnsemblePruning.prune(model, validation: rows, budget: .lossIncrease(0.0078125))
        #expect(exact.report.removedRounds == [2, 1] && exact.report.lossAfter == 0.15625)
        #expect(exact.model.ensemble.trees == [t0])
        #expect(try EnsemblePruning.prune(model, validation: rows, budget: .lossIncrease(0.0078)).report.removedRounds == [2])
        // One round is always kept.
        #expect(try EnsemblePruning.prune(model, validation: rows, budget: .lossIncrease(100)).report.roundsAfter == 1)
    }

    @Test("the objective names imports record map to the same losses")
    func importedNames() throws {
        let native = try EnsemblePruning.prune(try handModel([t0, t1, t2], objective: "regression"), validation: rows, budget: .lossIncrease(0))
        for name in ["reg:squarederror", "l2", "MSE"] {
            var model = try handModel([t0, t1, t2], objective: "regression")
            model.objective = name
            #expect(try EnsemblePruning.prune(model, validation: rows, budget: .lossIncrease(0)).report == native.report)
        }
        var logistic = try handModel([stump(0.5, left: 1, right: -1)], objective: "binary")
        logistic.objective = "binary:logistic"
        let report = try EnsemblePruning.prune(logistic, validation: PruningData(features: [0, 1], labels: [1, 0]), budget: .lossIncrease(0)).report
        #expect(report.lossName == "binary logloss" && isClose(report.lossBefore, log1p(exp(-1))))
    }

    @Test("a size budget removes the fewest rounds that fit, in the greedy order")
    func sizeBudget() throws {
        let model = try handModel([t0, t1, t2], objective: "regression")
        let measure: @Sendable (Model) -> Int = { 100 * $0.ensemble.trees.count }
        let prune = { (bytes: Int) in try EnsemblePruning.prune(model, validation: rows, budget: .size(bytes: bytes, measure: measure)) }
        #expect(try prune(300).report.removedRounds == [])
        #expect(try prune(299).report.removedRounds == [2])
        #expect(try prune(250).model.ensemble.trees == [t0, t1])
        #expect(try prune(199).report.removedRounds == [2, 1])
        #expect(try prune(100).model.ensemble.trees == [t0])
        #expect(pruningError { try prune(99) }
            == "pruning: the size budget of 99 bytes cannot be met: the smallest model, 1 round, measures 100 bytes")
        // A budget in the model file's own bytes: the measured model is the one returned.
        let file: @Sendable (Model) -> Int = { ModelFile.encode($0).count }
        let whole = ModelFile.encode(model).count
        let fitted = try EnsemblePruning.prune(model, validation: rows, budget: .size(bytes: whole - 1, measure: file))
        #expect(ModelFile.encode(fitted.model).count <= whole - 1 && fitted.report.roundsAfter < 3)
    }

    /// Rows x = 0 (label 1) and x = 1 (label 0); T0 adds +1/−1 (right), T1 −0.5/+0.5
    /// (wrong). With both, each row's margin is 0.5: loss log(1 + e^−0.5). Without T1 it
    /// is log(1 + e^−1); without T0, log(1 + e^0.5).
    @Test("binary logloss by hand: the harmful tree goes first")
    func logisticByHand() throws {
        let model = try handModel([stump(0.5, left: 1, right: -1), stump(0.5, left: -0.5, right: 0.5)], objective: "binary")
        let data = PruningData(features: [0, 1], labels: [1, 0])
        let result = try EnsemblePruning.prune(model, validation: data, budget: .lossIncrease(0))
        #expect(result.report.removedRounds == [1])
        #expect(isClose(result.report.lossBefore, log1p(exp(-0.5))) && isClose(result.report.lossAfter, log1p(exp(-1))))
        #expect(result.report.metricName == "auc" && result.report.metricBefore == 1 && result.report.metricAfter == 1)
        #expect(isClose(result.report.maxPredictionDifference, 1 / (1 + exp(-1)) - 1 / (1 + exp(-0.5))))
        #expect(result.report.lossName == "binary logloss")
    }

    /// Three classes, rows x = 0, 1, 2 labelled 0, 1, 2. Round 0 points each row at its
    /// class, round 1 away from it, round 2 as round 0 at half strength.
    @Test("multiclass removes whole rounds, the harmful one first")
    func multiclassRounds() throws {
        func round(_ scale: Double) -> [Tree] {
            [stump(0.5, left: scale, right: 0), stump(0.5, left: 0, right: scale / 2), stump(1.5, left: 0, right: scale)]
        }
        let model = try handModel(round(1) + round(-0.8) + round(0.5), objective: "multiclass", classes: 3)
        let data = PruningData(features: [0, 1, 2], labels: [0, 1, 2])
        let result = try EnsemblePruning.prune(model, validation: data, budget: .lossIncrease(10))
        #expect(result.report.removedRounds == [1, 2])
        #expect(result.report.treesBefore == 9 && result.report.treesAfter == 3 && result.report.roundsAfter == 1)
        #expect(result.model.ensemble.trees == round(1))
        #expect(isClose(result.report.lossBefore, try referenceLoss(model, data)))
        #expect(isClose(result.report.lossAfter, try referenceLoss(try without(model, rounds: [1, 2]), data)))
        #expect(result.report.metricName == "multi_logloss" && result.report.lossName == "multiclass logloss")
        #expect(isClose(result.report.metricAfter ?? 0, result.report.lossAfter))
        // A size budget counts trees in whole rounds too.
        let sized = try EnsemblePruning.prune(
            model, validation: data, budget: .size(bytes: 7, measure: { $0.ensemble.trees.count }))
        #expect(sized.report.removedRounds == [1] && sized.model.ensemble.trees.count == 6)
    }

    @Test("every loss's fast difference equals the loss recomputed without the round", arguments: [
        ("binary", [String: String]()), ("binary", ["scale_pos_weight": "2.5"]), ("multiclass", [:]), ("regression", [:]),
        ("regression_l1", [:]), ("huber", ["alpha": "0.3"]), ("quantile", ["alpha": "0.25"]), ("poisson", [:]),
    ])
    func differencesAreExact(objective: String, parameters: [String: String]) throws {
        var random = SeededRandom(seed: 7)
        let classes = objective == "multiclass" ? 3 : 1
        let model = try handModel(
            randomTrees(6 * classes, random: &random), objective: objective, features: 2, classes: classes, baseScore: 0.2,
            parameters: parameters)
        let data = randomRows(300, objective: objective, random: &random)
        let loss = try PruningLoss(model: model)
        let scores = try model.ensemble.rawScores(features: data.features, threads: 1)
        let full = loss.mean(scores: scores, labels: data.labels, weights: data.weights)
        var elimination = RoundElimination<UInt8>(
            ensemble: model.ensemble, kind: loss.kind, data: data, featureCount: 2, scores: scores, loss: full, threads: 2)
        for step in 0..<3 {
            let gone = elimination.order
            let now = try referenceLoss(try without(model, rounds: gone), data)
            #expect(isClose(elimination.loss, now, tolerance: 1e-12))
            for round in 0..<6 where !gone.contains(round) {
                let exact = try referenceLoss(try without(model, rounds: gone + [round]), data) - now
                #expect(abs(elimination.delta(round: round) / elimination.totalWeight - exact) <= 1e-13, "step \(step) round \(round)")
            }
            elimination.removeBest()
        }
    }

    @Test("a GBDT model pruned to a loss budget loses rounds and stays within the budget")
    func trainedModelWithinBudget() throws {
        let parameters = try GBDTParameters().setting(["num_iterations=60", "learning_rate=0.3", "num_leaves=15"])
        let training = try syntheticBinary(rows: 2_000, seed: 21)
        let model = try train(training, target: "label", parameters)
        let encoded = try TrainingData(table: training, target: "label").encode(try syntheticBinary(rows: 2_000, seed: 22))
        let data = PruningData(features: encoded.features, labels: encoded.labels)
        let result = try EnsemblePruning.prune(model, validation: data, budget: .lossIncrease(0.002))
        let report = result.report
        #expect(report.roundsBefore == 60 && report.roundsAfter < 60 && report.lossIncrease <= 0.002)
        #expect(report.removedRounds.count == 60 - report.roundsAfter)
        // The loss is the binary logloss of the predictions.
        let before = try model.ensemble.predict(features: data.features)
        #expect(isClose(report.lossBefore, try LogLoss().evaluate(labels: data.labels, predictions: before), tolerance: 1e-12))
        #expect(isClose(report.lossAfter, try referenceLoss(result.model, data), tolerance: 1e-12))
        #expect(report.metricBefore == (try AUC().evaluate(labels: data.labels, predictions: before)))
        let after = try result.model.ensemble.predict(features: data.features)
        #expect(after == (try without(model, rounds: report.removedRounds).ensemble.predict(features: data.features)))
        #expect(report.maxPredictionDifference == zip(before, after).map { abs($0 - $1) }.max())
        // The precomputed leaves (this model splits the categorical `region` too) are the trees' own.
        let leaves = LeafAssignment.leaves(
            of: model.ensemble.trees, features: data.features, featureCount: 4, rows: data.rows, threads: 2, as: UInt8.self)
        #expect(model.ensemble.trees.contains { tree in (0..<tree.internalNodeCount).contains { tree.isCategorical($0) } })
        data.features.withUnsafeBufferPointer { features in
            for (index, tree) in model.ensemble.trees.enumerated() {
                let mismatch = (0..<data.rows).first { row in
                    Int(leaves[index * data.rows + row]) != tree.leaf(for: UnsafeBufferPointer(rebasing: features[row * 4 ..< row * 4 + 4]))
                }
                #expect(mismatch == nil, "tree \(index)")
            }
        }
        // Deterministic, whatever the thread count.
        let single = try EnsemblePruning.prune(model, validation: data, budget: .lossIncrease(0.002), threads: 1)
        #expect(single.report == report && single.model.ensemble.trees == result.model.ensemble.trees)
    }
}
