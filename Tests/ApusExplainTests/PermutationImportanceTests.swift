import ApusExplain
import ApusModel
import Foundation
import Testing

/// Permutation importance by hand, for an unused feature, for reproducibility; and the
/// mean |SHAP| importance. (scikit-learn's permutation_importance is not compared: its
/// shuffles come from numpy's generator, which Apus does not reproduce.)
@Suite("PermutationImportance")
struct PermutationImportanceTests {
    static let meanSquaredError = ImportanceMetric(name: "mse", higherIsBetter: false) { predictions, labels in
        zip(predictions, labels).reduce(0) { $0 + ($1.0 - $1.1) * ($1.0 - $1.1) } / Double(labels.count)
    }

    static let accuracy = ImportanceMetric(name: "accuracy", higherIsBetter: true) { predictions, labels in
        Double(zip(predictions, labels).filter { ($0.0 > 0.5 ? 1.0 : 0.0) == $0.1 }.count) / Double(labels.count)
    }

    /// f(x) = 3·x0 − x1 (x2 unused).
    static let linear = try! PredictionFunction(featureCount: 3) { features in
        stride(from: 0, to: features.count, by: 3).map { (row: Int) -> Double in 3 * features[row] - features[row + 1] }
    }

    static func data(rows: Int, seed: UInt64) -> (features: [Double], labels: [Double]) {
        var generator = SeededGenerator(seed: seed)
        var features: [Double] = [], labels: [Double] = []
        for _ in 0..<rows {
            let row = (0..<3).map { _ in generator.nextUnit() * 2 - 1 }
            features += row
            labels.append(3 * row[0] - row[1])
        }
        return (features, labels)
    }

    @Test func anUnusedFeatureScoresExactlyZero() throws {
        let (features, labels) = Self.data(rows: 200, seed: 1)
        let result = try PermutationImportance(function: Self.linear, features: features, labels: labels, metric: Self.meanSquaredError)
        #expect(result.baseline == 0)
        #expect(result.importancesMean[2] == 0 && result.importancesStd[2] == 0 && result.importances[2] == [0, 0, 0, 0, 0])
        #expect(result.ranking == [0, 1, 2])
        // Shuffling x0 costs about 9 · 2 · Var(x0) = 6, x1 about 2 · Var(x1) = 2/3.
        #expect(abs(result.importancesMean[0] - 6) < 1.5 && abs(result.importancesMean[1] - 2.0 / 3) < 0.25, "\(result.importancesMean)")
    }

    /// Four rows, f = x0 = labels, mean squared error: shuffle π of x0 costs
    /// mean((x0[π(r)] − x0[r])²). The shuffle of (feature j, repeat r) is Fisher–Yates from
    /// the generator of (seed, j, r), as documented, so the test redraws it.
    @Test func valuesByHandForTheDocumentedShuffles() throws {
        let identity = try PredictionFunction(featureCount: 2) { features in stride(from: 0, to: features.count, by: 2).map { features[$0] } }
        let x0: [Double] = [1, 2, 4, 8]
        let features: [Double] = x0.flatMap { (value: Double) -> [Double] in [value, 0] }
        let result = try PermutationImportance(function: identity, features: features, labels: x0, metric: Self.meanSquaredError,
                                               repeats: 3, seed: 42, featureIndices: [0])
        var expected: [Double] = []
        for repeatIndex in 0..<3 {
            var generator = SeededGenerator(seed: 42, streams: 0, UInt64(repeatIndex))
            var order = [0, 1, 2, 3]
            order.withUnsafeMutableBufferPointer { generator.shuffle($0) }
            expected.append((0..<4).reduce(0.0) { $0 + (x0[order[$1]] - x0[$1]) * (x0[order[$1]] - x0[$1]) } / 4)
        }
        #expect(result.importances == [expected])
        let mean = expected.reduce(0, +) / 3
        #expect(abs(result.importancesMean[0] - mean) < 1e-12)
        let deviation = (expected.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / 3).squareRoot()
        #expect(abs(result.importancesStd[0] - deviation) < 1e-12)
        #expect(result.features == [0] && result.ranking == [0])
        // And one shuffle checked by the numbers: the swap (1 0 3 2) costs ((2−1)² + (1−2)² + (8−4)² + (4−8)²)/4 = 8.5.
        let swapped = Self.meanSquaredError.score(predictions: [2, 1, 8, 4], labels: x0)
        #expect(swapped == 8.5)
    }

    @Test func aHigherIsBetterMetricDropsWhenShuffled() throws {
        let (features, raw) = Self.data(rows: 300, seed: 2)
        let labels = raw.map { $0 > 0 ? 1.0 : 0.0 }
        let probability = try PredictionFunction(featureCount: 3) { features in
            stride(from: 0, to: features.count, by: 3).map { (row: Int) -> Double in
                let score: Double = 3 * features[row] - features[row + 1]
                return 1 / (1 + exp(-score))
            }
        }
        let result = try PermutationImportance(function: probability, features: features, labels: labels, metric: Self.accuracy, repeats: 4)
        #expect(result.baseline == 1)
        let means = result.importancesMean
        #expect(means[0] > 0.3 && means[1] > 0 && means[2] == 0, "\(means)")
    }

    @Test func seedsRepeatsAndThreads() throws {
        let (features, labels) = Self.data(rows: 100, seed: 3)
        func run(seed: UInt64, repeats: Int = 5, threads: Int = 1, indices: [Int]? = nil) throws -> PermutationImportance {
            try PermutationImportance(function: Self.linear, features: features, labels: labels, metric: Self.meanSquaredError,
                                      repeats: repeats, seed: seed, featureIndices: indices, threads: threads)
        }
        let base = try run(seed: 7)
        #expect(try run(seed: 7) == base)
        #expect(try run(seed: 7, threads: 3) == base)
        #expect(try run(seed: 8) != base)
        #expect(base.importances.allSatisfy { $0.count == 5 } && base.importancesStd[0] > 0)
        let ten = try run(seed: 7, repeats: 10)
        #expect(ten.importances[0].prefix(5) == base.importances[0][...], "more repeats extend the same shuffles")
        let subset = try run(seed: 7, indices: [1])
        #expect(subset.importances == [base.importances[1]] && subset.features == [1])
    }

    @Test func badInputsAreRefusedByName() throws {
        let (features, labels) = Self.data(rows: 10, seed: 4)
        AgnosticFixtures.expectError("repeats is 0; it must be at least 1") {
            _ = try PermutationImportance(function: Self.linear, features: features, labels: labels, metric: Self.meanSquaredError, repeats: 0)
        }
        AgnosticFixtures.expectError("feature index 3 is out of range: the model has 3 features") {
            _ = try PermutationImportance(function: Self.linear, features: features, labels: labels, metric: Self.meanSquaredError, featureIndices: [0, 3])
        }
        AgnosticFixtures.expectError("features: 4 values are not whole rows of 3 features") {
            _ = try PermutationImportance(function: Self.linear, features: [1, 2, 3, 4], labels: labels, metric: Self.meanSquaredError)
        }
        AgnosticFixtures.expectError("features: no rows") {
            _ = try PermutationImportance(function: Self.linear, features: [], labels: [], metric: Self.meanSquaredError)
        }
    }
}

@Suite("SHAPImportance")
struct SHAPImportanceTests {
    /// Two rows, two outputs, three features: mean |value| per output, summed over outputs.
    @Test func meanAbsoluteValuesPerOutputAndOverall() throws {
        let values: [Double] = [
            1, -2, 0, 9, /**/ 0.5, 0.5, -1, 9,
            -3, 2, 0, 9, /**/ 0.5, -0.5, 1, 9,
        ]
        let importance = try SHAPImportance(values: values, featureCount: 3, outputCount: 2)
        #expect(importance.perOutput == [2, 2, 0, 0.5, 0.5, 1])
        #expect(importance.overall == [2.5, 2.5, 1])
        #expect(importance.ranking == [0, 1, 2], "ties by feature index")
        #expect(try importance.ranking(output: 1) == [2, 0, 1])
        AgnosticFixtures.expectError("output 2 is out of range: the values have 2 outputs") { _ = try importance.ranking(output: 2) }
        AgnosticFixtures.expectError("7 values are not whole rows of 2 × (3 features + bias)") {
            _ = try SHAPImportance(values: Array(values[0..<7]), featureCount: 3, outputCount: 2)
        }
        AgnosticFixtures.expectError("featureCount is 0") { _ = try SHAPImportance(values: [], featureCount: 0) }
    }

    @Test func rankingOfKernelSHAPValues() throws {
        let kinds: [FeatureKind] = [.numeric, .numeric, .numeric]
        let function = try PredictionFunction(featureCount: 3) { features in
            stride(from: 0, to: features.count, by: 3).map { (row: Int) -> Double in 0.1 * features[row] + 5 * features[row + 1] }
        }
        let background = AgnosticFixtures.rows(kinds: kinds, count: 10, seed: 5).map { $0.isNaN ? 0 : $0 }
        let rows = AgnosticFixtures.rows(kinds: kinds, count: 20, seed: 6).map { $0.isNaN ? 0 : $0 }
        let values = try KernelSHAP(function: function, background: background).values(features: rows)
        #expect(try SHAPImportance(values: values, featureCount: 3).ranking == [1, 0, 2])
    }
}
