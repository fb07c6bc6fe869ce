import ApusExplain
import ApusModel
import ApusTable
import ApusTrain
import Foundation
import Testing

/// Interventional TreeSHAP against shap's TreeExplainer (shap_interventional_reference.py),
/// against Shapley's formula over every subset on Apus models with categorical features and
/// unseen levels, by hand, and for additivity and bad input.
@Suite("Interventional TreeSHAP")
struct InterventionalTreeSHAPTests {
    static let references = Result { try ShapScript.references("shap_interventional_reference.py") }

    /// A reference model, its explainer over the script's background, the rows and shap's values.
    static func load(_ name: String) throws -> (model: Model, explainer: InterventionalTreeSHAP, rows: [Double], expected: [Double]) {
        let directory = try references.get()
        let model = try ShapScript.model(directory, name)
        let background = try ShapScript.rows("\(directory)/\(name).background.csv", schema: model.schema)
        let rows = try ShapScript.rows("\(directory)/\(name).csv", schema: model.schema)
        let expected = try ShapScript.numbers("\(directory)/\(name).shap.csv")
        return (model, try InterventionalTreeSHAP(model: model, background: background), rows, expected)
    }

    @Test(arguments: ["lgbm_binary", "lgbm_multiclass", "lgbm_regression", "xgb_binary"])
    func valuesEqualShapsRowByRow(name: String) throws {
        let (_, explainer, rows, expected) = try Self.load(name)
        let values = try explainer.values(features: rows, threads: 2)
        #expect(values.count == expected.count, "\(values.count) values, shap gave \(expected.count)")
        let (worst, index) = ShapScript.worstDifference(values, expected)
        #expect(worst <= 1e-5, "\(name): largest relative difference \(worst) at value \(index)")
    }

    @Test(arguments: ["lgbm_binary", "lgbm_multiclass", "lgbm_regression", "xgb_binary"])
    func eachGroupAddsUpToTheRawScoreAndTheBiasIsTheBackgroundsMean(name: String) throws {
        let (model, explainer, rows, _) = try Self.load(name)
        let values = try explainer.values(features: rows, threads: 1)
        let raw = try model.ensemble.rawScores(features: rows, threads: 1)
        let width = model.schema.count + 1, k = model.ensemble.scoresPerRow
        for (group, score) in raw.enumerated() {
            let sum = values[group * width..<(group + 1) * width].reduce(0, +)
            #expect(abs(sum - score) <= 1e-6 * max(1, abs(score)), "\(name) group \(group): \(sum) vs \(score)")
        }
        let background = try ShapScript.rows("\(try Self.references.get())/\(name).background.csv", schema: model.schema)
        let backgroundRaw = try model.ensemble.rawScores(features: background, threads: 1)
        let count = Double(backgroundRaw.count / k)
        for score in 0..<k {
            let mean = stride(from: score, to: backgroundRaw.count, by: k).map { backgroundRaw[$0] }.reduce(0, +) / count
            #expect(abs(explainer.expectedValues[score] - mean) <= 1e-9 * max(1, abs(mean)))
        }
    }

    @Test func theThreadCountDoesNotChangeTheValues() throws {
        let (_, explainer, rows, _) = try Self.load("lgbm_multiclass")
        #expect(try explainer.values(features: rows, threads: 1) == explainer.values(features: rows, threads: 3))
    }

    /// Apus models with two categorical features (rows and background holding unseen levels,
    /// −1, and missing values) against Shapley's formula over all 2^5 subsets.
    @Test(arguments: [false, true])
    func categoricalModelsEqualShapleysFormula(multiclass: Bool) throws {
        let model = try CategoricalFixture.model(multiclass: multiclass)
        let background = CategoricalFixture.rows(count: 12, seed: 11)
        let rows = CategoricalFixture.rows(count: 10, seed: 12)
        let explainer = try InterventionalTreeSHAP(model: model, background: background)
        let values = try explainer.values(features: rows, threads: 2)
        let expected = try ExactShapley.values(model.ensemble, rows: rows, background: background)
        #expect(values.count == expected.count)
        let (worst, index) = ShapScript.worstDifference(values, expected)
        #expect(worst <= 1e-9, "largest difference from the enumeration \(worst) at value \(index)")
        let categoricalSplits = model.ensemble.trees.flatMap { tree in (0..<tree.internalNodeCount).filter(tree.isCategorical) }
        #expect(!categoricalSplits.isEmpty, "the fixture's trees split categorical features")
    }

    /// One split on x (≤ 0.5: −1, else 3), background x = {0.1, 0.9, NaN (default left)}:
    /// v(∅) = (−1 + 3 − 1)/3 = 1/3. A row with x = 0.9 has v({x}) = 3, so φ_x = 8/3; y gets 0.
    /// The tree records no covers (as a model imported from ONNX): interventional needs none.
    @Test func aStumpByHandWithoutCovers() throws {
        var tree = Tree()
        let root = tree.appendNumericNode(feature: 0, threshold: 0.5, defaultLeft: true, gain: 0, hessian: 0, count: 0)
        tree.leftChild[root] = tree.appendLeaf(value: -1, hessian: 0, count: 0)
        tree.rightChild[root] = tree.appendLeaf(value: 3, hessian: 0, count: 0)
        let ensemble = try TreeEnsemble(trees: [tree], scoresPerRow: 1, baseScore: [0.5], link: .identity, featureKinds: [.numeric, .numeric])
        let explainer = try InterventionalTreeSHAP(ensemble, background: [0.1, 4, 0.9, 5, .nan, 6])
        let values = try explainer.values(features: [0.9, 7, -2, 7], threads: 1)
        #expect(explainer.expectedValues == [0.5 + 1.0 / 3])
        #expect(abs(values[0] - 8.0 / 3) < 1e-15 && values[1] == 0 && abs(values[3] + 4.0 / 3) < 1e-15 && values[4] == 0)
        #expect(values[2] == 0.5 + 1.0 / 3 && values[5] == 0.5 + 1.0 / 3)
    }

    @Test func badBackgroundsAndRowsAreRefusedNamingTheProblem() throws {
        let model = try CategoricalFixture.model(multiclass: false)
        let good = CategoricalFixture.rows(count: 3, seed: 1)
        func message(_ background: [Double], schema: Bool = true) -> String {
            do {
                _ = schema ? try InterventionalTreeSHAP(model: model, background: background)
                    : try InterventionalTreeSHAP(model.ensemble, background: background)
                return "accepted"
            } catch {
                return error.description
            }
        }
        #expect(message([]) == "the background sample is empty; it needs at least one row")
        #expect(message(Array(good.dropLast())) == "the background sample's 14 values are not whole rows of 5 features")
        var fraction = good
        fraction[5 + 3] = 1.5
        #expect(message(fraction) == "background row 1, feature `region` (categorical): 1.5 is not a level code (0..<5, -1 for an unseen level, or NaN for missing)")
        var negative = good
        negative[10 + 4] = -2
        #expect(message(negative) == "background row 2, feature `size` (categorical): -2.0 is not a level code (0..<3, -1 for an unseen level, or NaN for missing)")
        var beyond = good
        beyond[4] = 3
        #expect(message(beyond) == "background row 0, feature `size` (categorical): 3.0 is not a level code (0..<3, -1 for an unseen level, or NaN for missing)")
        #expect(message(beyond, schema: false) == "accepted")
        #expect(message(negative, schema: false) == "background row 2, feature 4 (categorical): -2.0 is not a level code (a whole number >= 0, -1 for an unseen level, or NaN for missing)")
        let other = try FeatureSchema(features: [Feature(name: "x", kind: .numeric)])
        do {
            _ = try InterventionalTreeSHAP(model.ensemble, background: good, schema: other)
            Issue.record("a schema of one feature accepted for a model of five")
        } catch {
            #expect(error.description == "the schema's 1 features (numeric) are not the model's 5 (numeric, numeric, numeric, categorical, categorical)")
        }
        do {
            _ = try InterventionalTreeSHAP(model: model, background: good).values(features: [1, 2, 3], threads: 1)
            Issue.record("three values explained as rows of five")
        } catch {
            #expect(error.description == "3 values are not whole rows of 5 features")
        }
    }
}

/// Small Apus models with numeric and categorical features, and rows for them that hold
/// missing values and unseen levels.
enum CategoricalFixture {
    static let regions = ["north", "south", "east", "west", "centre"]
    static let sizes = ["small", "medium", "large"]

    static func model(multiclass: Bool) throws -> Model {
        var random = SeededRandom(seed: multiclass ? 3 : 2)
        var x0: [Double?] = [], x1: [Double?] = [], x2: [Double?] = [], region: [String?] = [], size: [String?] = []
        var label: [String?] = []
        let shift = [-1.0, 0.5, 1.5, -0.5, 0]
        for _ in 0..<400 {
            let a = random.nextGaussian(), b = random.nextGaussian(), r = random.nextInt(below: 5), s = random.nextInt(below: 3)
            let missing = random.nextDouble() < 0.1
            let score = (missing ? 1 : a) - b + shift[r] + (s == 2 ? 1 : 0) + 0.5 * random.nextGaussian()
            x0.append(missing ? nil : a)
            x1.append(b)
            x2.append(random.nextGaussian())
            region.append(regions[r])
            size.append(random.nextDouble() < 0.05 ? nil : sizes[s])
            label.append(multiclass ? (score < -0.5 ? "low" : score < 1 ? "mid" : "high") : (score > 0 ? "yes" : "no"))
        }
        let table = try Table([
            ("x0", .numeric(NumericColumn(x0))), ("x1", .numeric(NumericColumn(x1))), ("x2", .numeric(NumericColumn(x2))),
            ("region", .categorical(CategoricalColumn(region))), ("size", .categorical(CategoricalColumn(size))),
            ("label", .categorical(CategoricalColumn(label))),
        ])
        let parameters = try GBDTParameters().setting([
            "num_iterations=12", "num_leaves=8", "min_data_in_leaf=5", "min_data_per_group=5", "cat_smooth=1", "max_cat_to_onehot=2",
        ])
        return try GBDTTrainer(parameters: parameters).train(try TrainingData(table: table, target: "label"))
    }

    /// Encoded rows: numbers with some missing, region codes with unseen (−1) and missing,
    /// size codes.
    static func rows(count: Int, seed: UInt64) -> [Double] {
        var random = SeededRandom(seed: seed)
        var rows: [Double] = []
        for row in 0..<count {
            rows.append(row % 4 == 1 ? .nan : random.nextGaussian())
            rows.append(random.nextGaussian())
            rows.append(random.nextGaussian())
            rows.append(row % 5 == 2 ? -1 : row % 7 == 3 ? .nan : Double(random.nextInt(below: regions.count)))
            rows.append(row % 6 == 4 ? -1 : Double(random.nextInt(below: sizes.count)))
        }
        return rows
    }
}

/// Interventional SHAP values by Shapley's formula over every subset of features:
/// v(S) = mean over background rows z of the raw score of (x on S, z elsewhere).
enum ExactShapley {
    static func values(_ ensemble: TreeEnsemble, rows: [Double], background: [Double]) throws -> [Double] {
        let f = ensemble.featureKinds.count, k = ensemble.scoresPerRow
        let backgroundRows = background.count / f, subsets = 1 << f
        var output: [Double] = []
        for row in 0..<(rows.count / f) {
            var hybrids: [Double] = []
            for subset in 0..<subsets {
                for z in 0..<backgroundRows {
                    for feature in 0..<f {
                        hybrids.append(subset & (1 << feature) != 0 ? rows[row * f + feature] : background[z * f + feature])
                    }
                }
            }
            let raw = try ensemble.rawScores(features: hybrids, threads: 1)
            // v[subset][score]
            var v = [Double](repeating: 0, count: subsets * k)
            for subset in 0..<subsets {
                for z in 0..<backgroundRows {
                    for score in 0..<k { v[subset * k + score] += raw[(subset * backgroundRows + z) * k + score] / Double(backgroundRows) }
                }
            }
            for score in 0..<k {
                for feature in 0..<f {
                    var phi = 0.0
                    for subset in 0..<subsets where subset & (1 << feature) == 0 {
                        let size = subset.nonzeroBitCount
                        let weight = factorial(size) * factorial(f - size - 1) / factorial(f)
                        phi += weight * (v[(subset | 1 << feature) * k + score] - v[subset * k + score])
                    }
                    output.append(phi)
                }
                output.append(v[score])
            }
        }
        return output
    }

    private static func factorial(_ n: Int) -> Double { n < 2 ? 1 : (2...n).reduce(1.0) { $0 * Double($1) } }
}
