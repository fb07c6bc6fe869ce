import ApusExplain
import ApusModel
import Foundation
import Testing

/// Partial dependence and ICE by hand on one tree, scikit-learn's grid rule, and against
/// scikit-learn's partial_dependence(method="brute") on a LightGBM model.
@Suite("PartialDependence")
struct PartialDependenceTests {
    static let schema = try! FeatureSchema(features: [
        Feature(name: "x", kind: .numeric), Feature(name: "y", kind: .numeric),
        Feature(name: "colour", kind: .categorical, levels: ["blue", "green", "red"]),
    ])

    /// x ≤ 0.5 ? (y ≤ 0 ? 1 : 2) : (colour ∈ {red} ? 7 : 5); missing y goes left, missing
    /// colour right.
    static func oneTree() throws -> TreeEnsemble {
        var tree = Tree()
        let root = tree.appendNumericNode(feature: 0, threshold: 0.5, defaultLeft: true, gain: 1, hessian: 4, count: 4)
        let inner = tree.appendNumericNode(feature: 1, threshold: 0, defaultLeft: true, gain: 1, hessian: 2, count: 2)
        let colour = tree.appendCategoricalNode(feature: 2, leftCodes: [2], defaultLeft: false, unseenLeft: false, gain: 1, hessian: 2, count: 2)
        tree.leftChild[root] = Int32(inner)
        tree.rightChild[root] = Int32(colour)
        tree.leftChild[inner] = tree.appendLeaf(value: 1, hessian: 1, count: 1)
        tree.rightChild[inner] = tree.appendLeaf(value: 2, hessian: 1, count: 1)
        tree.leftChild[colour] = tree.appendLeaf(value: 7, hessian: 1, count: 1)
        tree.rightChild[colour] = tree.appendLeaf(value: 5, hessian: 1, count: 1)
        return try TreeEnsemble(trees: [tree], scoresPerRow: 1, baseScore: [0], link: .identity, featureKinds: [.numeric, .numeric, .categorical])
    }

    /// Rows (x, y, colour): (0, −1, red), (1, 1, blue), (0.2, NaN, NaN).
    static let rows: [Double] = [0, -1, 2, 1, 1, 0, 0.2, .nan, .nan]

    @Test func iceAndPartialDependenceByHand() throws {
        let function = PredictionFunction(try Self.oneTree())
        var options = PartialDependence.Options()
        options.grid = [0, 1]
        let x = try PartialDependence(function: function, schema: Self.schema, features: Self.rows, feature: 0, options: options)
        // x = 0: y decides (−1 → 1, 1 → 2, NaN → left → 1); x = 1: colour decides (red 7, blue 5, NaN → right → 5).
        #expect(x.individual == [1, 7, 2, 5, 1, 5])
        #expect(x.average == [4.0 / 3, 17.0 / 3])
        #expect(x.rows == [0, 1, 2] && x.gridLabels == ["0.0", "1.0"] && x.name == "x" && !x.categorical)
        // Categorical grid: the levels in the data (red, blue; NaN is not a level), by code.
        let colour = try PartialDependence(function: function, schema: Self.schema, features: Self.rows, featureNamed: "colour")
        #expect(colour.categorical && colour.grid == [0, 2] && colour.gridLabels == ["blue", "red"])
        // Row 0 (x 0) and row 2 (x 0.2) never reach the colour split; row 1 (x 1) does.
        #expect(colour.individual == [1, 1, 5, 7, 1, 1])
        #expect(colour.average == [7.0 / 3, 3])
    }

    @Test func theNumericGridFollowsScikitLearn() throws {
        let function = try PredictionFunction(featureCount: 3) { features in stride(from: 0, to: features.count, by: 3).map { features[$0] } }
        // 1...100: mquantiles(0.05) = 0.59·5 + 0.41·6 = 5.41 and mquantiles(0.95) = 0.41·95 + 0.59·96 = 95.59.
        let column: [Double] = (1...100).flatMap { (value: Int) -> [Double] in [Double(value), 0, 0] }
        let pdp = try PartialDependence(function: function, schema: Self.schema, features: column, feature: 0)
        #expect(pdp.grid.count == 20 && abs(pdp.grid[0] - 5.41) < 1e-12 && abs(pdp.grid[19] - 95.59) < 1e-12)
        #expect(abs(pdp.grid[1] - (5.41 + 90.18 / 19)) < 1e-12)
        #expect(zip(pdp.grid, pdp.average).allSatisfy { abs($0 - $1) < 1e-12 }, "f = x: the partial dependence is the grid")
        // Fewer distinct values than grid points: the values themselves (missing ones left out).
        let few = try PartialDependence(function: function, schema: Self.schema, features: [3, 0, 0, 1, 0, 0, .nan, 0, 0, 3, 0, 0], feature: 0)
        #expect(few.grid == [1, 3] && few.average == [1, 3])
        var options = PartialDependence.Options()
        options.iceRows = 7
        options.seed = 3
        let sampled = try PartialDependence(function: function, schema: Self.schema, features: column, feature: 0, options: options)
        #expect(sampled.rows.count == 7 && sampled.rows == sampled.rows.sorted() && Set(sampled.rows).count == 7)
        #expect(try PartialDependence(function: function, schema: Self.schema, features: column, feature: 0, options: options).rows == sampled.rows)
        #expect(sampled.individual.count == 7 * 20)
    }

    @Test func equalsScikitLearnsBrutePartialDependence() throws {
        let directory = try AgnosticReference.directory.get()
        let model = try AgnosticReference.model("\(directory)/pdp.txt")
        let rows = try AgnosticReference.rows("\(directory)/pdp.csv", schema: model.schema)
        let function = PredictionFunction(model.ensemble, scale: .prediction)
        var worstGrid = 0.0, worstValue = 0.0
        for feature in 0..<4 {
            let reference = try AgnosticReference.numbers("\(directory)/pdp.\(feature).csv")
            let pdp = try PartialDependence(function: function, schema: model.schema, features: rows, feature: feature, threads: 2)
            #expect(pdp.grid.count == reference[0].count, "feature \(feature): grid of \(pdp.grid.count), scikit-learn's \(reference[0].count)")
            for (got, want) in zip(pdp.grid, reference[0]) { worstGrid = max(worstGrid, abs(got - want) / max(1, abs(want))) }
            for (got, want) in zip(pdp.average, reference[1]) { worstValue = max(worstValue, abs(got - want)) }
            let individual = reference.dropFirst(2).flatMap { $0 }
            #expect(pdp.individual.count == individual.count)
            for (got, want) in zip(pdp.individual, individual) { worstValue = max(worstValue, abs(got - want)) }
        }
        print("PDP vs scikit-learn (4 features, 150 rows): grid \(worstGrid), values \(worstValue)")
        #expect(worstGrid <= 1e-12 && worstValue <= 1e-9)
    }

    @Test func theThreadCountDoesNotChangeTheCurves() throws {
        let kinds: [FeatureKind] = [.numeric, .numeric, .categorical]
        let ensemble = try AgnosticFixtures.randomEnsemble(kinds: kinds, trees: 5, depth: 3, seed: 4)
        let data = AgnosticFixtures.rows(kinds: kinds, count: 60, seed: 5)
        let one = try PartialDependence(function: PredictionFunction(ensemble), schema: Self.schema, features: data, feature: 1, threads: 1)
        let three = try PartialDependence(function: PredictionFunction(ensemble), schema: Self.schema, features: data, feature: 1, threads: 3)
        #expect(one == three)
    }

    @Test func badInputsAreRefusedByName() throws {
        let function = PredictionFunction(try Self.oneTree())
        var options = PartialDependence.Options()
        options.gridSize = 1
        AgnosticFixtures.expectError("gridSize is 1; it must be at least 2") {
            _ = try PartialDependence(function: function, schema: Self.schema, features: Self.rows, feature: 0, options: options)
        }
        AgnosticFixtures.expectError("feature index 3 is out of range: the model has 3 features") {
            _ = try PartialDependence(function: function, schema: Self.schema, features: Self.rows, feature: 3)
        }
        AgnosticFixtures.expectError("unknown feature `size`") {
            _ = try PartialDependence(function: function, schema: Self.schema, features: Self.rows, featureNamed: "size")
        }
        let two = try FeatureSchema(features: [Feature(name: "a", kind: .numeric), Feature(name: "b", kind: .numeric)])
        AgnosticFixtures.expectError("the schema has 2 features, the model 3") {
            _ = try PartialDependence(function: function, schema: two, features: Self.rows, feature: 0)
        }
        AgnosticFixtures.expectError("features: 4 values are not whole rows of 3 features") {
            _ = try PartialDependence(function: function, schema: Self.schema, features: [1, 2, 3, 4], feature: 0)
        }
        options = PartialDependence.Options()
        options.lowerPercentile = 0.9
        options.upperPercentile = 0.1
        AgnosticFixtures.expectError("percentiles (0.9, 0.1) must satisfy 0 ≤ lower < upper ≤ 1") {
            _ = try PartialDependence(function: function, schema: Self.schema, features: Self.rows, feature: 0, options: options)
        }
        options = PartialDependence.Options()
        options.iceRows = 0
        AgnosticFixtures.expectError("iceRows is 0") {
            _ = try PartialDependence(function: function, schema: Self.schema, features: Self.rows, feature: 0, options: options)
        }
        AgnosticFixtures.expectError("feature `y`: no values to make a grid from") {
            _ = try PartialDependence(function: function, schema: Self.schema, features: [0, .nan, 0], feature: 1)
        }
    }
}
