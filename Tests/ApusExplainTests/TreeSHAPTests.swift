import ApusExplain
import ApusFormats
import ApusModel
import Foundation
import Testing

/// Exact TreeSHAP against shap's TreeExplainer on the same LightGBM and XGBoost trees
/// (shap_reference.py), against hand computation, and for additivity.
@Suite("TreeSHAP")
struct TreeSHAPTests {
    /// The reference folder, made once per test process.
    static let references: Result<String, any Error> = Result { try ShapScript.references("shap_reference.py") }

    /// A reference model imported into Apus, with its rows encoded.
    static func load(_ name: String) throws -> (model: Model, features: [Double], expected: [Double]) {
        let directory = try references.get()
        let model = try ShapScript.model(directory, name)
        let features = try ShapScript.rows("\(directory)/\(name).csv", schema: model.schema)
        let expected = try ShapScript.numbers("\(directory)/\(name).shap.csv")
        return (model, features, expected)
    }

    @Test(arguments: ["lgbm_binary", "lgbm_multiclass", "lgbm_regression", "xgb_binary"])
    func valuesEqualShapsRowByRow(name: String) throws {
        let (model, features, expected) = try Self.load(name)
        let values = try TreeSHAP(model.ensemble).values(features: features, threads: 2)
        #expect(values.count == expected.count, "\(values.count) values, shap gave \(expected.count)")
        var worst = 0.0, worstIndex = 0
        for (index, (got, want)) in zip(values, expected).enumerated() {
            let difference = abs(got - want) / max(1, abs(want))
            if difference > worst { (worst, worstIndex) = (difference, index) }
        }
        #expect(worst <= 1e-5, "\(name): largest relative difference \(worst) at value \(worstIndex)")
    }

    @Test(arguments: ["lgbm_binary", "lgbm_multiclass", "lgbm_regression", "xgb_binary"])
    func eachRowsValuesAddUpToItsRawScore(name: String) throws {
        let (model, features, _) = try Self.load(name)
        let values = try TreeSHAP(model.ensemble).values(features: features, threads: 1)
        let raw = try model.ensemble.rawScores(features: features, threads: 1)
        let width = model.schema.count + 1
        for (group, score) in raw.enumerated() {
            let sum = values[group * width..<(group + 1) * width].reduce(0, +)
            #expect(abs(sum - score) <= 1e-6 * max(1, abs(score)), "\(name) group \(group): \(sum) vs \(score)")
        }
    }

    @Test func theThreadCountDoesNotChangeTheValues() throws {
        let (model, features, _) = try Self.load("lgbm_multiclass")
        let explainer = try TreeSHAP(model.ensemble)
        #expect(try explainer.values(features: features, threads: 1) == explainer.values(features: features, threads: 3))
    }

    /// One split on x (cover 3 left, 1 right): leaf −1 left, +3 right. E = (3·−1 + 1·3)/4 = 0;
    /// a row going right gets φ_x = 3 − 0 = 3, a row going left φ_x = −1; y, unused, gets 0.
    @Test func aStumpByHand() throws {
        var tree = Tree()
        let root = tree.appendNumericNode(feature: 0, threshold: 0.5, defaultLeft: true, gain: 1, hessian: 4, count: 4)
        tree.leftChild[root] = tree.appendLeaf(value: -1, hessian: 3, count: 3)
        tree.rightChild[root] = tree.appendLeaf(value: 3, hessian: 1, count: 1)
        let ensemble = try TreeEnsemble(trees: [tree], scoresPerRow: 1, baseScore: [0.25], link: .identity, featureKinds: [.numeric, .numeric])
        let values = try TreeSHAP(ensemble).values(features: [0.9, 7, 0.1, 7, .nan, 7], threads: 1)
        #expect(values == [3, 0, 0.25, -1, 0, 0.25, -1, 0, 0.25])
    }

    /// Two splits on different features, each with even covers: x then y. f = leaf values
    /// (x≤0: y≤0 → 0, else 2; x>0: 4). E = 0.5·(0.5·0 + 0.5·2) + 0.5·4 = 2.5. By Shapley's
    /// formula over {x, y}, v(S) being the expected leaf with the features outside S unknown:
    /// - row (1, 0): v(∅)=2.5, v(x)=4, v(y)=½·0+½·4=2, v(xy)=4, so
    ///   φ_x = ½(4−2.5) + ½(4−2) = 1.75 and φ_y = ½(2−2.5) + ½(4−4) = −0.25;
    /// - row (−1, 1): v(x)=1, v(y)=½·2+½·4=3, v(xy)=2, so
    ///   φ_x = ½(1−2.5) + ½(2−3) = −1.25 and φ_y = ½(3−2.5) + ½(2−1) = 0.75.
    @Test func twoFeaturesByShapleysFormula() throws {
        var tree = Tree()
        let root = tree.appendNumericNode(feature: 0, threshold: 0, defaultLeft: true, gain: 1, hessian: 4, count: 4)
        let inner = tree.appendNumericNode(feature: 1, threshold: 0, defaultLeft: true, gain: 1, hessian: 2, count: 2)
        tree.leftChild[root] = Int32(inner)
        tree.leftChild[inner] = tree.appendLeaf(value: 0, hessian: 1, count: 1)
        tree.rightChild[inner] = tree.appendLeaf(value: 2, hessian: 1, count: 1)
        tree.rightChild[root] = tree.appendLeaf(value: 4, hessian: 2, count: 2)
        let ensemble = try TreeEnsemble(trees: [tree], scoresPerRow: 1, baseScore: [0], link: .identity, featureKinds: [.numeric, .numeric])
        let values = try TreeSHAP(ensemble).values(features: [1, 0, -1, 1], threads: 1)
        #expect(values == [1.75, -0.25, 2.5, -1.25, 0.75, 2.5])
    }

    @Test func modelsWithoutCoversAndRaggedRowsAreRefused() throws {
        var tree = Tree()
        let root = tree.appendNumericNode(feature: 0, threshold: 0, defaultLeft: true, gain: 0, hessian: 0, count: 0)
        tree.leftChild[root] = tree.appendLeaf(value: 1, hessian: 0, count: 0)
        tree.rightChild[root] = tree.appendLeaf(value: 2, hessian: 0, count: 0)
        let ensemble = try TreeEnsemble(trees: [tree], scoresPerRow: 1, baseScore: [0], link: .identity, featureKinds: [.numeric])
        #expect(throws: ExplainError.self) { try TreeSHAP(ensemble) }
        do {
            _ = try TreeSHAP(ensemble)
        } catch {
            #expect(error.description.contains("tree 0, node 0: no training cover"))
        }
        let (model, _, _) = try Self.load("lgbm_binary")
        do {
            _ = try TreeSHAP(model.ensemble).values(features: [1, 2, 3], threads: 1)
            Issue.record("three values explained as rows of four")
        } catch {
            #expect(error.description.contains("3 values are not whole rows of 4 features"))
        }
    }
}
