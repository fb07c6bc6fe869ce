import ApusExplain
import ApusModel
import Foundation
import Testing

/// SHAP interaction values against shap's (shap_interactions_reference.py: its own C code for
/// LightGBM, XGBoost's for XGBoost), against TreeSHAP's values, and by hand.
@Suite("TreeSHAP interactions")
struct TreeSHAPInteractionsTests {
    static let references = Result { try ShapScript.references("shap_interactions_reference.py") }

    static func load(_ name: String) throws -> (model: Model, rows: [Double], expected: [Double]) {
        let directory = try references.get()
        let model = try ShapScript.model(directory, name)
        let rows = try ShapScript.rows("\(directory)/\(name).csv", schema: model.schema)
        return (model, rows, try ShapScript.numbers("\(directory)/\(name).shap.csv"))
    }

    @Test(arguments: ["lgbm_binary", "lgbm_multiclass", "xgb_binary"])
    func valuesEqualShapsRowByRow(name: String) throws {
        let (model, rows, expected) = try Self.load(name)
        let values = try TreeSHAP(model.ensemble).interactionValues(features: rows, threads: 2)
        #expect(values.count == expected.count, "\(values.count) values, shap gave \(expected.count)")
        let (worst, index) = ShapScript.worstDifference(values, expected)
        #expect(worst <= 1e-5, "\(name): largest relative difference \(worst) at value \(index)")
    }

    /// Rows and columns sum to TreeSHAP's values (the bias row and column to the bias), and
    /// each matrix to the raw score.
    @Test(arguments: ["lgbm_binary", "lgbm_multiclass", "xgb_binary"])
    func rowsAndColumnsSumToTheSHAPValues(name: String) throws {
        let (model, rows, _) = try Self.load(name)
        let explainer = try TreeSHAP(model.ensemble)
        let interactions = try explainer.interactionValues(features: rows, threads: 1)
        let shap = try explainer.values(features: rows, threads: 1)
        let raw = try model.ensemble.rawScores(features: rows, threads: 1)
        let width = model.schema.count + 1
        for group in 0..<raw.count {
            let matrix = Array(interactions[group * width * width..<(group + 1) * width * width])
            for i in 0..<width {
                let want = shap[group * width + i]
                let row = (0..<width).map { matrix[i * width + $0] }.reduce(0, +)
                let column = (0..<width).map { matrix[$0 * width + i] }.reduce(0, +)
                #expect(abs(row - want) <= 1e-6 * max(1, abs(want)) && abs(column - want) <= 1e-9 * max(1, abs(want)),
                        "\(name) group \(group) feature \(i): row \(row), column \(column), SHAP value \(want)")
            }
            let total = matrix.reduce(0, +)
            #expect(abs(total - raw[group]) <= 1e-6 * max(1, abs(raw[group])), "\(name) group \(group): \(total) vs \(raw[group])")
        }
    }

    @Test func theThreadCountDoesNotChangeTheValues() throws {
        let (model, rows, _) = try Self.load("lgbm_multiclass")
        let explainer = try TreeSHAP(model.ensemble)
        #expect(try explainer.interactionValues(features: rows, threads: 1) == explainer.interactionValues(features: rows, threads: 3))
    }

    /// TreeSHAPTests' two-split tree (x ≤ 0: y ≤ 0 → 0 else 2; x > 0: 4; even covers), row
    /// (1, 0): v(∅) = 2.5, v(x) = 4, v(y) = 2, v(xy) = 4. Held known, x leaves y nothing to
    /// add (v(xy) − v(x) = 0); held unknown, y adds v(y) − v(∅) = −0.5: Φ_xy = (0 + 0.5)/2 =
    /// 0.25. Likewise Φ_yx = ((v(xy) − v(y)) − (v(x) − v(∅)))/2 = (2 − 1.5)/2 = 0.25. Main
    /// effects: φ_x − Φ_yx = 1.75 − 0.25 = 1.5 and φ_y − Φ_xy = −0.25 − 0.25 = −0.5.
    @Test func twoFeaturesByHand() throws {
        var tree = Tree()
        let root = tree.appendNumericNode(feature: 0, threshold: 0, defaultLeft: true, gain: 1, hessian: 4, count: 4)
        let inner = tree.appendNumericNode(feature: 1, threshold: 0, defaultLeft: true, gain: 1, hessian: 2, count: 2)
        tree.leftChild[root] = Int32(inner)
        tree.leftChild[inner] = tree.appendLeaf(value: 0, hessian: 1, count: 1)
        tree.rightChild[inner] = tree.appendLeaf(value: 2, hessian: 1, count: 1)
        tree.rightChild[root] = tree.appendLeaf(value: 4, hessian: 2, count: 2)
        let ensemble = try TreeEnsemble(trees: [tree], scoresPerRow: 1, baseScore: [0], link: .identity, featureKinds: [.numeric, .numeric])
        let values = try TreeSHAP(ensemble).interactionValues(features: [1, 0], threads: 1)
        #expect(values == [1.5, 0.25, 0, 0.25, -0.5, 0, 0, 0, 2.5])
    }

    @Test func raggedRowsAreRefused() throws {
        let (model, _, _) = try Self.load("xgb_binary")
        do {
            _ = try TreeSHAP(model.ensemble).interactionValues(features: [1, 2], threads: 1)
            Issue.record("two values explained as rows of three")
        } catch {
            #expect(error.description == "2 values are not whole rows of 3 features")
        }
    }
}
