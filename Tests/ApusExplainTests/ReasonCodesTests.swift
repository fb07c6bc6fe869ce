import ApusExplain
import ApusModel
import Testing

/// Reason codes over hand-built attributions and a hand-computed model: texts, order, ties,
/// top k, direction, minimum effect, value kinds, references, and every bad input.
@Suite("Reason codes")
struct ReasonCodesTests {
    /// num_late_payments, city (Paris, Lyon), income, age.
    static let schema = try! FeatureSchema(features: [
        Feature(name: "num_late_payments", kind: .numeric),
        Feature(name: "city", kind: .categorical, levels: ["Paris", "Lyon"]),
        Feature(name: "income", kind: .numeric),
        Feature(name: "age", kind: .numeric),
    ])
    /// One row: 4 late payments, Paris, income 52341.27, age 30.
    static let row: [Double] = [4, 0, 52341.27, 30]
    /// Its attributions (one score): +0.31, +0.12, −0.4, +0.05, bias −1.
    static let attributions: [Double] = [0.31, 0.12, -0.4, 0.05, -1]

    static func codes(_ options: ReasonCodeOptions = ReasonCodeOptions()) throws -> ReasonCodes {
        try ReasonCodes(schema: schema, scoresPerRow: 1, options: options)
    }

    @Test func theAdverseFeaturesInOrderWithTheirTexts() throws {
        let reasons = try Self.codes().reasons(row: 0, attributions: Self.attributions, features: Self.row)
        #expect(reasons.map(\.text) == [
            "num_late_payments = 4 raised the risk by 0.31 log-odds",
            "city = Paris raised the risk by 0.12 log-odds",
            "age = 30 raised the risk by 0.05 log-odds",
        ])
        #expect(reasons.map(\.rank) == [1, 2, 3])
        #expect(reasons.map(\.feature) == [0, 1, 3])
        #expect(reasons.map(\.name) == ["num_late_payments", "city", "age"])
        #expect(reasons.map(\.value) == [.number(4), .level("Paris"), .number(30)])
        #expect(reasons.map(\.valueText) == ["4", "Paris", "30"])
        #expect(reasons.map(\.effect) == [0.31, 0.12, 0.05])
    }

    @Test func tiesGoToTheLowerFeatureIndexAndKLimitsTheList() throws {
        let tied: [Double] = [0.2, 0.2, 0.2, 0.3, 0]
        #expect(try Self.codes().reasons(row: 0, attributions: tied, features: Self.row).map(\.feature) == [3, 0, 1, 2])
        let two = try Self.codes(ReasonCodeOptions(count: 2)).reasons(row: 0, attributions: tied, features: Self.row)
        #expect(two.map(\.feature) == [3, 0])
        #expect(two.map(\.rank) == [1, 2])
        let one = try Self.codes(ReasonCodeOptions(count: 1)).reasons(row: 0, attributions: Self.attributions, features: Self.row)
        #expect(one.map(\.name) == ["num_late_payments"])
    }

    @Test func lowerIsAdverseTakesTheFeaturesThatLoweredTheScore() throws {
        let options = ReasonCodeOptions(adverse: .lower, outcome: "score")
        let reasons = try Self.codes(options).reasons(row: 0, attributions: Self.attributions, features: Self.row)
        #expect(reasons.map(\.text) == ["income = 52341.27 lowered the score by 0.4 log-odds"])
        #expect(reasons.map(\.effect) == [-0.4])
        // With one score, class 0 is the negative class: lower is adverse.
        let byClass = try Self.codes(ReasonCodeOptions(adverse: .classIndex(0), outcome: "score"))
        #expect(try byClass.reasons(row: 0, attributions: Self.attributions, features: Self.row) == reasons)
        let positive = try Self.codes(ReasonCodeOptions(adverse: .classIndex(1)))
        #expect(try positive.reasons(row: 0, attributions: Self.attributions, features: Self.row).count == 3)
    }

    @Test func effectsBelowTheMinimumAreNoReasonsAndNoAdverseEffectGivesAnEmptyList() throws {
        let options = ReasonCodeOptions(minimumEffect: 0.12)
        let reasons = try Self.codes(options).reasons(row: 0, attributions: Self.attributions, features: Self.row)
        #expect(reasons.map(\.name) == ["num_late_payments", "city"])
        let none: [Double] = [-0.1, 0, -0.2, -0.3, 1]
        #expect(try Self.codes().reasons(row: 0, attributions: none, features: Self.row).isEmpty)
    }

    @Test func missingValuesAndUnseenLevelsAreWordedAsSuch() throws {
        let features: [Double] = [.nan, -1, 0.1 + 0.2, 1e20, 2, 7, 0.5, 0]
        let attributions: [Double] = [0.31, 0.2, 0.1, 0.05, 0, 0, 0.1, 0.3, 0, 0]
        let codes = try Self.codes()
        #expect(try codes.reasons(row: 0, attributions: attributions, features: features).map(\.text) == [
            "num_late_payments is missing, which raised the risk by 0.31 log-odds",
            "city = (a level not seen in training) raised the risk by 0.2 log-odds",
            "income = 0.3 raised the risk by 0.1 log-odds",
            "age = 1e20 raised the risk by 0.05 log-odds",
        ])
        let first = try codes.reasons(row: 0, attributions: attributions, features: features)
        #expect(first.map(\.value) == [.missing, .unseenLevel, .number(0.1 + 0.2), .number(1e20)])
        #expect(first.map(\.valueText) == ["missing", "(a level not seen in training)", "0.3", "1e20"])
        // A code past the levels is unseen too; the second row is chosen by index.
        let second = try codes.reasons(row: 1, attributions: attributions, features: features)
        #expect(second.map(\.text) == ["income = 0.5 raised the risk by 0.3 log-odds",
                                       "city = (a level not seen in training) raised the risk by 0.1 log-odds"])
        #expect(try codes.reasons(attributions: attributions, features: features) == [first, second])
    }

    @Test func multiclassExplainsTheAdverseClassesScore() throws {
        // Three scores: class 2's group is [0.5, 0, 0.25, 0, bias].
        let attributions: [Double] = [1, 1, 1, 1, 0, -1, -1, -1, -1, 0, 0.5, 0, 0.25, 0, 0]
        let codes = try ReasonCodes(schema: Self.schema, scoresPerRow: 3,
                                    options: ReasonCodeOptions(adverse: .classIndex(2), outcome: "raw score of fraud", unit: ""))
        #expect(try codes.reasons(row: 0, attributions: attributions, features: Self.row).map(\.text) == [
            "num_late_payments = 4 raised the raw score of fraud by 0.5",
            "income = 52341.27 raised the raw score of fraud by 0.25",
        ])
    }

    /// Two trees on a binary model: a categorical stump on city (Paris left, cover 3, leaf
    /// −1; else right, cover 1, leaf +3: E = 0) and a stump on num_late_payments (≤ 2.5 left,
    /// cover 1, leaf −0.5; else cover 1, +0.5: E = 0). For (Lyon, 4): φ_city = 3, φ_late = 0.5.
    @Test func reasonsFromTreeSHAPOnAHandComputedModel() throws {
        var city = Tree()
        let root = city.appendCategoricalNode(feature: 1, leftCodes: [0], defaultLeft: true, unseenLeft: false,
                                              gain: 1, hessian: 4, count: 4)
        city.leftChild[root] = city.appendLeaf(value: -1, hessian: 3, count: 3)
        city.rightChild[root] = city.appendLeaf(value: 3, hessian: 1, count: 1)
        var late = Tree()
        let split = late.appendNumericNode(feature: 0, threshold: 2.5, defaultLeft: true, gain: 1, hessian: 2, count: 2)
        late.leftChild[split] = late.appendLeaf(value: -0.5, hessian: 1, count: 1)
        late.rightChild[split] = late.appendLeaf(value: 0.5, hessian: 1, count: 1)
        let ensemble = try TreeEnsemble(trees: [city, late], scoresPerRow: 1, baseScore: [0], link: .sigmoid,
                                        featureKinds: Self.schema.features.map(\.kind))
        let model = Model(task: .binary, objective: "binary", target: "default", classes: ["no", "yes"], schema: Self.schema,
                          ensemble: ensemble, parameters: [:],
                          training: TrainingSummary(rows: 4, roundsTrained: 1, bestRound: 1, apusVersion: "test"))
        let features: [Double] = [4, 1, 50_000, 40]
        let values = try TreeSHAP(ensemble).values(features: features, threads: 1)
        #expect(values == [0.5, 3, 0, 0, 0])
        let reasons = try ReasonCodes(model: model).reasons(row: 0, attributions: values, features: features)
        #expect(reasons.map(\.text) == ["city = Lyon raised the risk by 3 log-odds",
                                        "num_late_payments = 4 raised the risk by 0.5 log-odds"])
        let lower = try ReasonCodes(model: model, adverse: .lower)
        #expect(try lower.reasons(row: 0, attributions: values, features: features).isEmpty)
        #expect(lower.options.outcome == "score")
    }

    @Test func aModelsTaskChoosesTheWording() throws {
        let tree = Tree(leafValue: 0, hessian: 1, count: 1)
        let kinds = Self.schema.features.map(\.kind)
        let summary = TrainingSummary(rows: 1, roundsTrained: 1, bestRound: 1, apusVersion: "test")
        let regression = Model(task: .regression, objective: "regression", target: "loss_amount", classes: [], schema: Self.schema,
                               ensemble: try TreeEnsemble(trees: [tree], scoresPerRow: 1, baseScore: [0], link: .identity, featureKinds: kinds),
                               parameters: [:], training: summary)
        let codes = try ReasonCodes(model: regression)
        #expect(codes.options.outcome == "prediction" && codes.options.unit == "loss_amount")
        #expect(try codes.reasons(row: 0, attributions: Self.attributions, features: Self.row).first?.text
            == "num_late_payments = 4 raised the prediction by 0.31 loss_amount")
        do {
            _ = try ReasonCodes(model: regression, adverse: .classIndex(1))
            Issue.record("a class of a regression model was accepted")
        } catch {
            #expect(error.description.contains("a regression model has no classes"))
        }
        let multiclass = Model(task: .multiclass, objective: "multiclass", target: "species", classes: ["a", "b", "c"],
                               schema: Self.schema,
                               ensemble: try TreeEnsemble(trees: [tree, tree, tree], scoresPerRow: 3, baseScore: [0, 0, 0],
                                                          link: .softmax, featureKinds: kinds),
                               parameters: [:], training: summary)
        let byClass = try ReasonCodes(model: multiclass, adverse: .classIndex(1))
        #expect(byClass.options.outcome == "raw score of b" && byClass.options.unit.isEmpty)
    }

    @Test func badInputIsRefusedNamingTheProblem() throws {
        let codes = try Self.codes()
        let cases: [(() throws -> Any, String)] = [
            ({ try codes.reasons(row: 1, attributions: Self.attributions, features: Self.row) },
             "row 1 is out of range: the attributions hold 1 row (0 to 0)"),
            ({ try codes.reasons(row: -1, attributions: Self.attributions, features: Self.row) }, "row -1 is out of range"),
            ({ try codes.reasons(row: 0, attributions: [0.1, 0.2, 0.3, 0.4], features: Self.row) },
             "4 attributions are not whole rows of 1 score × (4 features + bias) = 5 values"),
            ({ try codes.reasons(row: 0, attributions: Self.attributions, features: [1, 2, 3]) },
             "the attributions hold 1 rows but the features 3 values, not 1 × 4"),
            ({ try codes.reasons(row: 0, attributions: [0.1, .nan, 0, 0, 0], features: Self.row) },
             "row 0: the attribution of `city` is nan, not a number"),
            ({ try Self.codes(ReasonCodeOptions(count: 0)) }, "the number of reasons (top k) must be at least 1, not 0"),
            ({ try Self.codes(ReasonCodeOptions(minimumEffect: -0.5)) }, "the minimum effect must be a number of at least 0, not -0.5"),
            ({ try Self.codes(ReasonCodeOptions(minimumEffect: .infinity)) }, "the minimum effect must be a number of at least 0"),
            ({ try Self.codes(ReasonCodeOptions(adverse: .classIndex(2))) }, "the adverse class 2 is out of range: the model has 2 classes (0 to 1)"),
            ({ try ReasonCodes(schema: Self.schema, scoresPerRow: 3, options: ReasonCodeOptions(adverse: .classIndex(3))) },
             "the adverse class 3 is out of range: the model has 3 classes (0 to 2)"),
            ({ try ReasonCodes(schema: Self.schema, scoresPerRow: 3, options: ReasonCodeOptions()) },
             "a model with 3 class scores needs the adverse class, not `higher`"),
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

/// Compact numbers and the threshold reference's choice of rows.
@Suite("Reason codes: numbers and references")
struct ReasonReferenceTests {
    @Test func numbersAreCompactAndRoundedAsDecimals() {
        let cases: [(Double, Int, String)] = [
            (4, 10, "4"), (0.1 + 0.2, 10, "0.3"), (52341.27, 10, "52341.27"), (0.3127, 3, "0.313"), (0.00012345, 3, "0.000123"),
            (1.5e20, 3, "1.5e20"), (2.5e-7, 3, "2.5e-7"), (9.996, 3, "10"), (-0.31, 3, "-0.31"), (999.95, 4, "1000"),
            (123456, 3, "123000"), (0.125, 2, "0.13"), (1e15, 10, "1e15"), (999_999_999_999_999, 20, "999999999999999"),
            (0, 3, "0"), (-0.0, 3, "0"), (.nan, 3, "NaN"), (.infinity, 3, "infinity"), (-.infinity, 3, "-infinity"),
            (0.000001, 3, "0.000001"), (Double.leastNonzeroMagnitude, 3, "5e-324"), (1.0 / 3, 3, "0.333"), (2.0 / 3, 3, "0.667"),
        ]
        for (value, digits, text) in cases {
            #expect(CompactNumber.format(value, significantDigits: digits) == text, "\(value) to \(digits) digits")
        }
    }

    @Test func theRowsNearestTheThresholdComeFirstTiesByIndex() throws {
        let scores: [Double] = [0.25, 0.625, 0.375, .nan, 0.5, 1]
        #expect(try ReasonReference.nearestToThreshold(scores: scores, threshold: 0.5, count: 3) == [4, 1, 2])
        #expect(try ReasonReference.nearestToThreshold(scores: scores, threshold: 0.5) == [4, 1, 2, 0, 5])
        #expect(try ReasonReference.nearestToThreshold(scores: scores, threshold: 2, count: 1) == [5])
        let features: [Double] = [0, 1, 10, 11, 20, 21]
        #expect(try ReasonReference.rows([2, 0], of: features, featureCount: 2) == [20, 21, 0, 1])
        #expect(ReasonReference.threshold(0.5, background: features).name == "threshold")
        #expect(ReasonReference.average.name == "average" && ReasonReference.background([]).name == "background")
    }

    @Test func badThresholdInputIsRefused() {
        let cases: [(() throws -> Any, String)] = [
            ({ try ReasonReference.nearestToThreshold(scores: [0.5], threshold: 0.5, count: 0) },
             "the number of rows nearest the threshold must be at least 1, not 0"),
            ({ try ReasonReference.nearestToThreshold(scores: [0.5], threshold: .nan) }, "the decision threshold must be a finite number"),
            ({ try ReasonReference.nearestToThreshold(scores: [.nan, .nan], threshold: 0.5) },
             "none of the 2 background rows has a score"),
            ({ try ReasonReference.rows([3], of: [0, 1, 2, 3], featureCount: 2) }, "background row 3 is out of range: there are 2 rows"),
            ({ try ReasonReference.rows([0], of: [0, 1, 2], featureCount: 2) }, "3 values are not whole rows of 2 features"),
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
