import ApusModel
import ApusTable
import Foundation
import Testing
@testable import ApusTrain

@Suite("GBDT training behaviour")
struct GBDTBehaviourTests {
    @Test("binary classification learns the synthetic signal: held-out AUC above 0.8")
    func learnsBinary() throws {
        let model = try train(try syntheticBinary(rows: 4_000, seed: 1), target: "label")
        #expect(model.task == .binary && model.classes == ["0", "1"])
        let test = try syntheticBinary(rows: 2_000, seed: 2)
        let auc = try Metrics.named("auc").evaluate(labels: test.labelsOf("label"), predictions: predictions(model, test))
        #expect(auc > 0.8, "AUC \(auc)")
        let importance = model.importance
        // x2 is pure noise: it gains less than the informative features.
        #expect(importance.gain[2] < importance.gain[0] && importance.gain[2] < importance.gain[1])
        #expect(importance.splits.reduce(0, +) == model.ensemble.trees.reduce(0) { $0 + $1.internalNodeCount })
    }

    @Test("the same data, parameters and seed give identical trees for 1, 2 and 3 threads, with bagging and feature fractions")
    func deterministicAcrossThreads() throws {
        let table = try syntheticBinary(rows: 3_000, seed: 3)
        let base = try GBDTParameters().setting([
            "num_iterations=20", "bagging_fraction=0.7", "bagging_freq=2", "feature_fraction=0.75", "seed=42",
        ])
        var models: [Model] = []
        for threads in [1, 2, 3] {
            models.append(try train(table, target: "label", try base.setting(["num_threads=\(threads)"])))
        }
        #expect(models[0].ensemble.trees == models[1].ensemble.trees)
        #expect(models[0].ensemble.trees == models[2].ensemble.trees)
        #expect(models[0].parameters == models[2].parameters && models[0].parameters["num_threads"] == nil)
        // Another seed draws other bags: other trees.
        let reseeded = try train(table, target: "label", try base.setting(["seed=43"]))
        #expect(reseeded.ensemble.trees != models[0].ensemble.trees)
    }

    @Test("monotone constraints hold on a grid: the prediction never decreases in x0 and never increases in x1")
    func monotoneOnAGrid() throws {
        // A target that is not monotone in x0 (a bump), to make the constraint bite.
        var random = SeededRandom(seed: 5)
        var x0: [Double?] = [], x1: [Double?] = [], y: [Double?] = []
        for _ in 0..<3_000 {
            let a = 4 * random.nextDouble(), b = 4 * random.nextDouble()
            x0.append(a)
            x1.append(b)
            y.append(a + sin(3 * a) * 2 - b + 0.3 * random.nextGaussian())
        }
        let table = try numericTable([("x0", x0), ("x1", x1), ("y", y)])
        let model = try train(table, target: "y", try GBDTParameters().setting(["monotone_constraints=1,-1", "num_iterations=60"]))
        var grid: [Double] = []
        let steps = (0...40).map { Double($0) / 10 }
        for b in steps { for a in steps { grid += [a, b] } }
        let predicted = try model.ensemble.predict(features: grid)
        for (row, b) in steps.enumerated() {
            for column in 1..<steps.count {
                let here = predicted[row * steps.count + column], before = predicted[row * steps.count + column - 1]
                #expect(here >= before - 1e-12, "x1 = \(b): prediction falls from \(before) to \(here) as x0 grows")
            }
        }
        for column in steps.indices {
            for row in 1..<steps.count {
                #expect(predicted[row * steps.count + column] <= predicted[(row - 1) * steps.count + column] + 1e-12)
            }
        }
        // Unconstrained, the bump shows: the same grid is not monotone in x0.
        let free = try train(table, target: "y", try GBDTParameters().setting(["num_iterations=60"]))
        let unconstrained = try free.ensemble.predict(features: grid)
        #expect((1..<steps.count).contains { unconstrained[$0] < unconstrained[$0 - 1] })
    }

    @Test("early stopping keeps the best round on the validation metric")
    func earlyStopping() throws {
        let table = try syntheticBinary(rows: 1_000, seed: 7)
        let validation = try syntheticBinary(rows: 1_000, seed: 8)
        let parameters = try GBDTParameters().setting([
            "num_iterations=500", "learning_rate=0.5", "num_leaves=63", "min_data_in_leaf=2", "early_stopping_round=10",
        ])
        let model = try train(table, target: "label", parameters, validation: validation)
        let summary = model.training
        #expect(summary.roundsTrained < 500)
        #expect(summary.roundsTrained == summary.bestRound + 10)
        #expect(model.ensemble.rounds == summary.bestRound)
        #expect(summary.validationMetric == "logloss")
        #expect(summary.validationHistory.count == summary.roundsTrained)
        let best = summary.validationHistory.min()!
        #expect(summary.validationHistory[summary.bestRound - 1] == best)
        // The kept model scores the best validation logloss.
        let logloss = try Metrics.named("logloss").evaluate(
            labels: validation.labelsOf("label"), predictions: predictions(model, validation))
        #expect(abs(logloss - best) < 1e-9)
    }

    @Test("multiclass trains one tree per class per round and predicts probabilities that sum to 1")
    func multiclass() throws {
        var random = SeededRandom(seed: 9)
        var x: [Double?] = [], y: [String?] = []
        for _ in 0..<1_500 {
            let value = 3 * random.nextDouble()
            x.append(value + 0.2 * random.nextGaussian())
            y.append(["low", "mid", "high"][min(2, Int(value))])
        }
        let table = try Table([("x", .numeric(NumericColumn(x))), ("kind", .categorical(CategoricalColumn(y)))])
        let model = try train(table, target: "kind", try GBDTParameters().setting(["num_iterations=30"]))
        #expect(model.task == .multiclass && model.classes == ["high", "low", "mid"])
        #expect(model.ensemble.trees.count == 90 && model.ensemble.scoresPerRow == 3)
        let probabilities = try predictions(model, table)
        var correct = 0
        for row in 0..<1_500 {
            let p = probabilities[row * 3 ..< row * 3 + 3]
            #expect(abs(p.reduce(0, +) - 1) < 1e-12)
            let predicted = model.classes[p.firstIndex(of: p.max()!)! - row * 3]
            if predicted == y[row] { correct += 1 }
        }
        #expect(Double(correct) / 1_500 > 0.8)
    }

    @Test("Poisson regression predicts positive means close to the label mean")
    func poisson() throws {
        var random = SeededRandom(seed: 13)
        let x = (0..<2_000).map { _ in Double?(random.nextDouble()) }
        let y = x.map { value -> Double? in
            let mean = exp(1 + value!)
            var count = 0.0, product = random.nextDouble()
            while product > exp(-mean) { count += 1; product *= random.nextDouble() }
            return count
        }
        let table = try numericTable([("x", x), ("y", y)])
        let model = try train(table, target: "y", task: .poisson, try GBDTParameters().setting(["num_iterations=50"]))
        let predicted = try predictions(model, table)
        #expect(predicted.allSatisfy { $0 > 0 })
        let meanLabel: Double = y.reduce(0.0) { $0 + $1! } / 2_000
        let meanPrediction: Double = predicted.reduce(0, +) / 2_000
        #expect(abs(meanPrediction - meanLabel) / meanLabel < 0.02)
    }

    @Test("sample weights count: a row of weight 3 pulls a leaf like three rows")
    func weights() throws {
        let table = try numericTable([("x", [1, 1, 1, 1]), ("y", [0, 0, 0, 4])])
        let data = try TrainingData(table: table, target: "y")
        let parameters = try tinyParameters(["num_iterations=1", "learning_rate=1"])
        let model = try GBDTTrainer(parameters: parameters).train(data, weights: [1, 1, 1, 3])
        // Weighted mean: 12 / 6 = 2.
        #expect(model.ensemble.baseScore == [2])
    }
}

extension Table {
    /// The numeric column `name` as labels.
    func labelsOf(_ name: String) -> [Double] {
        self[name]!.numeric!.values
    }
}
