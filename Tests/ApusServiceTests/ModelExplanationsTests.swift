import ApusExplain
import ApusModel
import ApusService
import ApusTable
import Foundation
import Testing

/// `ModelExplainer`: SHAP values, predictions and reason codes of a hand-built model.
@Suite struct ModelExplanationsTests {
    static let schema = try! FeatureSchema(features: [
        Feature(name: "late", kind: .numeric), Feature(name: "city", kind: .categorical, levels: ["Paris", "Lyon"]),
    ])

    /// A stump on `feature` (left ≤ 0.5 or level 0; covers 3 and 1) with leaves `left`, `right`.
    static func stump(feature: Int, left: Double, right: Double) -> Tree {
        var tree = Tree()
        let root = feature == 1
            ? tree.appendCategoricalNode(feature: 1, leftCodes: [0], defaultLeft: true, unseenLeft: false, gain: 1, hessian: 4, count: 4)
            : tree.appendNumericNode(feature: 0, threshold: 0.5, defaultLeft: true, gain: 1, hessian: 4, count: 4)
        tree.leftChild[root] = tree.appendLeaf(value: left, hessian: 3, count: 3)
        tree.rightChild[root] = tree.appendLeaf(value: right, hessian: 1, count: 1)
        return tree
    }

    static func model(task: ModelTask, trees: [Tree], classes: [String]) throws -> Model {
        let k = task == .multiclass ? classes.count : 1
        let link: OutputLink = task == .multiclass ? .softmax : task == .binary ? .sigmoid : .identity
        let ensemble = try TreeEnsemble(trees: trees, scoresPerRow: k, baseScore: Array(repeating: 0, count: k), link: link,
                                        featureKinds: schema.features.map(\.kind))
        return Model(task: task, objective: task.rawValue, target: "y", classes: classes, schema: schema, ensemble: ensemble,
                     parameters: [:], training: TrainingSummary(rows: 4, roundsTrained: 1, bestRound: 1, apusVersion: "test"))
    }

    /// late: E = (3·−1 + 3)/4 = 0, so φ_late = 3 for late = 2 and −1 for late = 0; city the same.
    @Test func binaryValuesPredictionsAndReasons() throws {
        let model = try Self.model(task: .binary, trees: [Self.stump(feature: 0, left: -1, right: 3),
                                                          Self.stump(feature: 1, left: -1, right: 3)], classes: ["no", "yes"])
        let explainer = ModelExplainer(model: model)
        let features: [Double] = [2, 0, 0, 1]
        let explanation = try explainer.explain(features: features, options: ExplanationOptions(threads: 1))
        #expect(explanation.values == [3, -1, 0, -1, 3, 0])
        #expect(explanation.rawScores == [2, 2])
        #expect(explanation.predictions.allSatisfy { abs($0 - 1 / (1 + exp(-2.0))) < 1e-15 })
        #expect(explanation.bias(row: 1) == 0 && explanation.value(row: 1, feature: 1) == 3)
        #expect(explanation.additivityGap(row: 0) == 0)
        #expect(explanation.adverse == [.higher, .higher])
        #expect(explanation.reasons.map { $0.map(\.text) } == [["late = 2 raised the risk by 3 log-odds"],
                                                               ["city = Lyon raised the risk by 3 log-odds"]])
        let lower = try explainer.explain(features: features, rawScores: [2, 2], options: ExplanationOptions(adverse: .lower))
        #expect(lower.reasons.map { $0.map(\.text) } == [["city = Paris lowered the score by 1 log-odds"],
                                                         ["late = 0 lowered the score by 1 log-odds"]])
    }

    @Test func multiclassExplainsEachRowsMostProbableClassByDefault() throws {
        let trees = [Self.stump(feature: 0, left: -1, right: 3), Self.stump(feature: 1, left: 0.5, right: -1.5),
                     Tree(leafValue: 0, hessian: 1, count: 1)]
        let model = try Self.model(task: .multiclass, trees: trees, classes: ["a", "b", "c"])
        let explanation = try ModelExplainer(model: model).explain(features: [2, 1, 0, 0])
        // Row 0: scores (3, -1.5, 0) → a; row 1: (-1, 0.5, 0) → b.
        #expect(explanation.adverse == [.classIndex(0), .classIndex(1)])
        #expect(explanation.reasons.map { $0.map(\.text) } == [["late = 2 raised the raw score of a by 3"],
                                                               ["city = Paris raised the raw score of b by 0.5"]])
        #expect(explanation.additivityGap(row: 0) == 0 && explanation.additivityGap(row: 1) == 0)
    }

    /// Against the background rows (late 0 → −1, late 2 → 3) the bias is their mean, 1, and
    /// late = 2 takes the rest of the score: φ_late = 3 − 1 = 2, φ_city = 0. The threshold
    /// reference picks the candidates nearest 0.5 (both, here) and gives the same.
    @Test func backgroundAndThresholdReferencesUseInterventionalTreeSHAP() throws {
        let model = try Self.model(task: .binary, trees: [Self.stump(feature: 0, left: -1, right: 3)], classes: ["no", "yes"])
        let explainer = ModelExplainer(model: model)
        let background: [Double] = [0, 0, 2, 1]
        let againstBackground = try explainer.explain(features: [2, 0], options: ExplanationOptions(reference: .background(background)))
        #expect(againstBackground.values == [2, 0, 1])
        #expect(againstBackground.reasons.first?.map(\.effect) == [2])
        let againstThreshold = try explainer.explain(features: [2, 0], options: ExplanationOptions(reference: .threshold(0.5, background: background)))
        #expect(againstThreshold.values == [2, 0, 1])
        #expect(againstThreshold.reference == "threshold")
    }

    /// Given predictions replace the candidates' own: a NaN prediction is never near the
    /// threshold, so only the second row (late 2, raw score 3) is the reference and late = 2
    /// explains nothing.
    @Test func aThresholdUsesTheCandidatePredictionsGiven() throws {
        let model = try Self.model(task: .binary, trees: [Self.stump(feature: 0, left: -1, right: 3)], classes: ["no", "yes"])
        let explainer = ModelExplainer(model: model)
        let options = ExplanationOptions(reference: .threshold(0.5, background: [0, 0, 2, 1]), candidatePredictions: [.nan, 0.9])
        #expect(try explainer.explain(features: [2, 0], options: options).values == [0, 0, 3])
        var wrong = options
        wrong.candidatePredictions = [0.5]
        #expect(throws: ExplainError.self) { try explainer.explain(features: [2, 0], options: wrong) }
        do {
            _ = try explainer.explain(features: [2, 0], options: wrong)
        } catch {
            #expect(error.description == "1 predictions given for 4 background values of 2 features and 1 score")
        }
    }

    /// The serving background: every row of a small table, a seeded sample of a larger one,
    /// the candidates' predictions, and a column the table lacks named.
    @Test func anExplanationBackgroundEncodesSamplesAndPredicts() throws {
        let model = try Self.model(task: .binary, trees: [Self.stump(feature: 0, left: -1, right: 3)], classes: ["no", "yes"])
        let table = try CSVReader.read(string: "late,city,id\n0,Paris,a\n2,Lyon,b\n1,Rome,c\n0,,d\n").table
        let all = try ExplanationBackground(model: model, table: table, sampleRows: 10)
        #expect(all.candidates.count == 8 && all.sample.count == 8 && all.sampleRowCount == 4 && all.candidateRowCount == 4)
        #expect(all.candidates[0] == 0 && all.candidates[1] == 0 && all.candidates[5] == -1 && all.candidates[7].isNaN)
        let sigmoid = { (x: Double) in 1 / (1 + exp(-x)) }
        #expect(all.candidatePredictions == [sigmoid(-1), sigmoid(3), sigmoid(3), sigmoid(-1)])
        let two = try ExplanationBackground(model: model, table: table, sampleRows: 2, seed: 7)
        let chosen = ExplanationBackground.sample(rows: 4, count: 2, seed: 7)
        #expect(chosen.count == 2 && chosen == chosen.sorted())
        #expect(two.sampleRowCount == 2 && Array(two.sample[0..<2]) == Array(all.candidates[chosen[0] * 2..<chosen[0] * 2 + 2]))
        #expect(ExplanationBackground.sample(rows: 3, count: 5, seed: 1) == [0, 1, 2])
        let lacking = try CSVReader.read(string: "lat,id\n0,a\n").table
        do {
            _ = try ExplanationBackground(model: model, table: lacking, sampleRows: 1, what: "`approved.csv`")
            Issue.record("a table without `late` was accepted")
        } catch {
            #expect(error.description == "`approved.csv` has no column `late`, a feature the model reads (did you mean `lat`?)")
        }
    }

    /// A model without training covers (as imported from ONNX) cannot be explained against
    /// the average, but can against a background: interventional TreeSHAP needs no covers.
    @Test func aModelWithoutCoversIsExplainedAgainstABackground() throws {
        var tree = Tree()
        let root = tree.appendNumericNode(feature: 0, threshold: 0.5, defaultLeft: true, gain: 1, hessian: 0, count: 0)
        tree.leftChild[root] = tree.appendLeaf(value: -1, hessian: 0, count: 0)
        tree.rightChild[root] = tree.appendLeaf(value: 3, hessian: 0, count: 0)
        let explainer = ModelExplainer(model: try Self.model(task: .binary, trees: [tree], classes: ["no", "yes"]))
        do {
            _ = try explainer.explain(features: [2, 0])
            Issue.record("a model without covers was explained against the average")
        } catch {
            #expect(error.description.contains("no training cover"), "\(error)")
        }
        let explanation = try explainer.explain(features: [2, 0], options: ExplanationOptions(reference: .background([0, 0, 2, 1])))
        #expect(explanation.values == [2, 0, 1])
    }

    /// A prepared interventional explainer is used as it is (a server prepares one per
    /// background): here over other rows than the reference names, to show which is used.
    @Test func aPreparedBackgroundExplainerIsUsed() throws {
        let model = try Self.model(task: .binary, trees: [Self.stump(feature: 0, left: -1, right: 3)], classes: ["no", "yes"])
        var options = ExplanationOptions(reference: .background([0, 0, 2, 1]))
        options.preparedBackground = try InterventionalTreeSHAP(model: model, background: [0, 0])
        // Against the one row late = 0 (score −1): bias −1, φ_late = 3 − (−1) = 4.
        #expect(try ModelExplainer(model: model).explain(features: [2, 0], options: options).values == [4, 0, -1])
    }

    @Test func badInputIsRefused() throws {
        let binary = try ModelExplainer(model: Self.model(task: .binary, trees: [Self.stump(feature: 0, left: -1, right: 3)], classes: ["no", "yes"]))
        let multiclass = try ModelExplainer(model: Self.model(
            task: .multiclass, trees: [Self.stump(feature: 0, left: -1, right: 3), Tree(leafValue: 0, hessian: 1, count: 1)], classes: ["a", "b"]))
        let row: [Double] = [2, 0]
        let cases: [(() throws -> Any, String)] = [
            ({ try binary.explain(features: row, options: ExplanationOptions(reference: .background([0, 0, 1]))) },
             "background"),
            ({ try binary.explain(features: row, options: ExplanationOptions(reference: .background([0, 7]))) },
             "city"),
            ({ try multiclass.explain(features: row, options: ExplanationOptions(reference: .threshold(0.5, background: [0, 0]))) },
             "a threshold reference on a multiclass model needs the adverse class"),
            ({ try binary.explain(features: [1, 2, 3]) }, "3 values are not whole rows of 2 features"),
            ({ try binary.explain(features: row, rawScores: [1, 2]) }, "2 raw scores given for 1 rows of 1 score"),
            ({ try binary.explain(features: row, options: ExplanationOptions(topK: 0)) }, "must be at least 1, not 0"),
            ({ try multiclass.explain(features: row, options: ExplanationOptions(adverse: .higher)) }, "needs the adverse class"),
        ]
        for (call, message) in cases {
            do {
                _ = try call()
                Issue.record("accepted; expected: \(message)")
            } catch let error as ExplainError {
                #expect(error.description.contains(message), "\(error.description)")
            } catch {
                Issue.record("\(error)")
            }
        }
    }
}
