import ApusExplain
import ApusFormats
import ApusModel
import Foundation
import Testing

/// KernelSHAP against exact Shapley values by enumeration (in the test), against shap's
/// KernelExplainer (agnostic_reference.py), for additivity and determinism.
@Suite("KernelSHAP")
struct KernelSHAPTests {
    @Test func fullEnumerationEqualsShapleyValuesByBruteForce() throws {
        let kinds: [FeatureKind] = [.numeric, .numeric, .categorical, .numeric, .numeric, .numeric]
        let ensemble = try AgnosticFixtures.randomEnsemble(kinds: kinds, trees: 4, depth: 4, seed: 1)
        let function = PredictionFunction(ensemble)
        let background = AgnosticFixtures.rows(kinds: kinds, count: 12, seed: 2)
        let rows = AgnosticFixtures.rows(kinds: kinds, count: 10, seed: 3)
        let explainer = try KernelSHAP(function: function, background: background, seed: 7)
        let values = try explainer.values(features: rows, threads: 2)
        let exact = try AgnosticFixtures.bruteForceShapley(ensemble, rows: rows, background: background)
        var worst = 0.0
        for (got, want) in zip(values, exact) { worst = max(worst, abs(got - want)) }
        print("KernelSHAP enumerated (F = 6) vs brute-force Shapley values: largest difference \(worst)")
        #expect(values.count == exact.count)
        #expect(worst <= 1e-9, "largest difference from brute-force Shapley values: \(worst)")
    }

    /// 12 features: 2^12 − 2 = 4094 coalitions, more than the default budget 2·12 + 2048,
    /// so coalitions are sampled. Measured: largest difference 0.012 against values up to 1.30 (0.9%).
    @Test func samplingIsCloseToExactWithTwelveFeatures() throws {
        let kinds = [FeatureKind](repeating: .numeric, count: 11) + [.categorical]
        let ensemble = try AgnosticFixtures.randomEnsemble(kinds: kinds, trees: 6, depth: 4, seed: 11)
        let background = AgnosticFixtures.rows(kinds: kinds, count: 8, seed: 12)
        let rows = AgnosticFixtures.rows(kinds: kinds, count: 6, seed: 13)
        let values = try KernelSHAP(function: PredictionFunction(ensemble), background: background, seed: 3)
            .values(features: rows, threads: 2)
        let exact = try AgnosticFixtures.bruteForceShapley(ensemble, rows: rows, background: background)
        var worst = 0.0, largest = 0.0
        for (got, want) in zip(values, exact) {
            worst = max(worst, abs(got - want))
            largest = max(largest, abs(want))
        }
        print("KernelSHAP sampled (F = 12, 2072 coalitions): largest difference \(worst), largest |value| \(largest)")
        #expect(worst <= 0.03 * max(largest, 1e-12), "largest difference \(worst) against values up to \(largest)")
    }

    @Test func valuesEqualShapsKernelExplainer() throws {
        let directory = try AgnosticReference.directory.get()
        let model = try AgnosticReference.model("\(directory)/kernel.txt")
        let background = try AgnosticReference.rows("\(directory)/kernel_background.csv", schema: model.schema)
        let rows = try AgnosticReference.rows("\(directory)/kernel.csv", schema: model.schema)
        let expected = try AgnosticReference.numbers("\(directory)/kernel.shap.csv").flatMap { $0 }
        let values = try KernelSHAP(function: PredictionFunction(model.ensemble), background: background)
            .values(features: rows, threads: 2)
        #expect(values.count == expected.count)
        var worst = 0.0
        for (got, want) in zip(values, expected) { worst = max(worst, abs(got - want) / max(1, abs(want))) }
        print("KernelSHAP vs shap's KernelExplainer (12 rows, 5 features): largest relative difference \(worst)")
        #expect(worst <= 1e-5, "largest relative difference from shap: \(worst)")
    }

    @Test func valuesAddUpToTheOutput() throws {
        let kinds = [FeatureKind](repeating: .numeric, count: 9) + [.categorical]
        let ensemble = try AgnosticFixtures.randomEnsemble(kinds: kinds, trees: 5, depth: 3, seed: 21, scores: 3)
        let background = AgnosticFixtures.rows(kinds: kinds, count: 10, seed: 22)
        let rows = AgnosticFixtures.rows(kinds: kinds, count: 5, seed: 23)
        for scale in [PredictionFunction.Scale.raw, .prediction] {
            let function = PredictionFunction(ensemble, scale: scale)
            let values = try KernelSHAP(function: function, background: background, samples: 300).values(features: rows)
            let outputs = try function.evaluate(features: rows)
            let width = kinds.count + 1
            for (group, output) in outputs.enumerated() {
                let sum = values[group * width..<(group + 1) * width].reduce(0, +)
                #expect(abs(sum - output) <= 1e-9, "\(scale) group \(group): \(sum) vs \(output)")
            }
        }
    }

    @Test func sameSeedSameValuesWhateverTheThreadsOrBatch() throws {
        let kinds = [FeatureKind](repeating: .numeric, count: 12)
        let ensemble = try AgnosticFixtures.randomEnsemble(kinds: kinds, trees: 4, depth: 3, seed: 31)
        let background = AgnosticFixtures.rows(kinds: kinds, count: 6, seed: 32)
        let rows = AgnosticFixtures.rows(kinds: kinds, count: 5, seed: 33)
        let explainer = try KernelSHAP(function: PredictionFunction(ensemble), background: background, samples: 500, seed: 9)
        let once = try explainer.values(features: rows, threads: 1)
        #expect(try explainer.values(features: rows, threads: 3) == once)
        #expect(try KernelSHAP(function: PredictionFunction(ensemble), background: background, samples: 500, seed: 9)
            .values(features: rows, threads: 2) == once)
        let width = kinds.count + 1
        for row in 0..<5 {
            let alone = try explainer.values(features: Array(rows[row * 12..<(row + 1) * 12]), firstRow: row, threads: 1)
            #expect(alone == Array(once[row * width..<(row + 1) * width]), "row \(row) alone")
        }
        let other = try KernelSHAP(function: PredictionFunction(ensemble), background: background, samples: 500, seed: 10)
            .values(features: rows, threads: 1)
        #expect(other != once, "another seed draws other coalitions")
    }

    @Test func aClosureModelIsExplainedToo() throws {
        // f = 2·x0 − x1 + 3: for a linear model SHAP values are w_j (x_j − mean background x_j).
        let function = try PredictionFunction(featureCount: 2) { features in
            stride(from: 0, to: features.count, by: 2).map { (row: Int) -> Double in 2 * features[row] - features[row + 1] + 3 }
        }
        let values = try KernelSHAP(function: function, background: [0, 0, 2, 4]).values(features: [5, 1])
        let expected: [Double] = [8, 1, 3]  // 2·(5 − 1), −(1 − 2), f at either background row
        for (got, want) in zip(values, expected) { #expect(abs(got - want) <= 1e-12, "\(values)") }
    }

    @Test func badInputsAreRefusedByName() throws {
        let ensemble = try AgnosticFixtures.randomEnsemble(kinds: [.numeric, .numeric], trees: 1, depth: 2, seed: 1)
        let function = PredictionFunction(ensemble)
        AgnosticFixtures.expectError("background: empty") { _ = try KernelSHAP(function: function, background: []) }
        AgnosticFixtures.expectError("background: 3 values are not whole rows of 2 features") {
            _ = try KernelSHAP(function: function, background: [1, 2, 3])
        }
        AgnosticFixtures.expectError("samples is 0") { _ = try KernelSHAP(function: function, background: [1, 2], samples: 0) }
        let explainer = try KernelSHAP(function: function, background: [1, 2])
        AgnosticFixtures.expectError("features: 5 values are not whole rows of 2 features") {
            _ = try explainer.values(features: [1, 2, 3, 4, 5])
        }
        let wrong = try PredictionFunction(featureCount: 2, outputCount: 2) { _ in [1] }
        AgnosticFixtures.expectError("the prediction function returned 1 outputs for 1 rows of 2 outputs") {
            _ = try KernelSHAP(function: wrong, background: [1, 2])
        }
        AgnosticFixtures.expectError("outputCount is 0") { _ = try PredictionFunction(featureCount: 2, outputCount: 0) { $0 } }
    }
}

/// Small models and data made in the tests, and exact Shapley values by enumeration.
enum AgnosticFixtures {
    /// `trees` full trees of `depth` per score, random splits (categorical features have
    /// levels 0..<4), random leaves in [−1, 1); binary (sigmoid) or `scores`-class softmax.
    static func randomEnsemble(kinds: [FeatureKind], trees: Int, depth: Int, seed: UInt64, scores: Int = 1) throws -> TreeEnsemble {
        var generator = SeededGenerator(seed: seed)
        var built: [Tree] = []
        for _ in 0..<(trees * scores) {
            var tree = Tree()
            func grow(_ level: Int) -> Int32 {
                if level == depth { return tree.appendLeaf(value: generator.nextUnit() * 2 - 1, hessian: 1, count: 1) }
                let feature = generator.nextInt(below: kinds.count)
                let node: Int
                if kinds[feature] == .categorical {
                    var left = (0..<4).filter { _ in generator.nextUnit() < 0.5 }
                    if left.isEmpty { left = [generator.nextInt(below: 4)] }
                    node = tree.appendCategoricalNode(feature: feature, leftCodes: left, defaultLeft: generator.nextUnit() < 0.5,
                                                      unseenLeft: generator.nextUnit() < 0.5, gain: 1, hessian: 1, count: 1)
                } else {
                    node = tree.appendNumericNode(feature: feature, threshold: generator.nextUnit() * 2 - 1,
                                                  defaultLeft: generator.nextUnit() < 0.5, gain: 1, hessian: 1, count: 1)
                }
                let left = grow(level + 1)
                let right = grow(level + 1)
                tree.leftChild[node] = left
                tree.rightChild[node] = right
                return Int32(node)
            }
            _ = grow(0)
            built.append(tree)
        }
        return try TreeEnsemble(trees: built, scoresPerRow: scores, baseScore: [Double](repeating: 0.1, count: scores),
                                link: scores > 1 ? .softmax : .sigmoid, featureKinds: kinds)
    }

    /// `count` rows: numeric values in [−1.5, 1.5), level codes 0..<4, about 8% missing.
    static func rows(kinds: [FeatureKind], count: Int, seed: UInt64) -> [Double] {
        var generator = SeededGenerator(seed: seed)
        var rows: [Double] = []
        for _ in 0..<count {
            for kind in kinds {
                if generator.nextUnit() < 0.08 { rows.append(.nan); continue }
                rows.append(kind == .categorical ? Double(generator.nextInt(below: 4)) : generator.nextUnit() * 3 - 1.5)
            }
        }
        return rows
    }

    /// Shapley values of v(S) = mean over `background` of the raw score with the features in S
    /// taken from the row: Σ over S ∌ i of |S|! (F − |S| − 1)! / F! · (v(S ∪ i) − v(S)), by
    /// evaluating all 2^F subsets. Layout `rows × scores × (F + 1)`, the bias v(∅) last.
    static func bruteForceShapley(_ ensemble: TreeEnsemble, rows: [Double], background: [Double]) throws -> [Double] {
        let features = ensemble.featureKinds.count, scores = ensemble.scoresPerRow
        let n = background.count / features, subsets = 1 << features
        var factorial = [1.0]
        for k in 1...features { factorial.append(factorial[k - 1] * Double(k)) }
        var output: [Double] = []
        for row in 0..<(rows.count / features) {
            let x = Array(rows[row * features..<(row + 1) * features])
            var synthetic: [Double] = []
            synthetic.reserveCapacity(subsets * n * features)
            for subset in 0..<subsets {
                for b in 0..<n {
                    for j in 0..<features { synthetic.append(subset & (1 << j) != 0 ? x[j] : background[b * features + j]) }
                }
            }
            let raw = try ensemble.rawScores(features: synthetic, threads: 1)
            var value = [Double](repeating: 0, count: subsets * scores)
            for subset in 0..<subsets {
                for d in 0..<scores {
                    var sum = 0.0
                    for b in 0..<n { sum += raw[(subset * n + b) * scores + d] }
                    value[subset * scores + d] = sum / Double(n)
                }
            }
            for d in 0..<scores {
                for i in 0..<features {
                    var phi = 0.0
                    for subset in 0..<subsets where subset & (1 << i) == 0 {
                        let size = subset.nonzeroBitCount
                        let weight = factorial[size] * factorial[features - size - 1] / factorial[features]
                        phi += weight * (value[(subset | (1 << i)) * scores + d] - value[subset * scores + d])
                    }
                    output.append(phi)
                }
                output.append(value[d])
            }
        }
        return output
    }

    /// Runs `body` and expects an error whose text contains `text`.
    static func expectError(_ text: String, sourceLocation: SourceLocation = #_sourceLocation, _ body: () throws -> Void) {
        do {
            try body()
            Issue.record("no error; expected one saying `\(text)`", sourceLocation: sourceLocation)
        } catch {
            #expect("\(error)".contains(text), "error `\(error)` does not say `\(text)`", sourceLocation: sourceLocation)
        }
    }
}

/// agnostic_reference.py's output folder (made once per test process) and its readers.
enum AgnosticReference {
    static let directory: Result<String, any Error> = Result { try ShapScript.references("agnostic_reference.py") }

    static func model(_ path: String) throws -> Model {
        try LightGBMImport.model(text: try String(contentsOfFile: path, encoding: .utf8))
    }

    /// A CSV with a header of feature names, encoded by `schema` (empty = missing).
    static func rows(_ path: String, schema: FeatureSchema) throws -> [Double] { try ShapScript.rows(path, schema: schema) }

    /// A headerless CSV of numbers, line by line.
    static func numbers(_ path: String) throws -> [[Double]] {
        try String(contentsOfFile: path, encoding: .utf8).split(separator: "\n").map { line in
            line.split(separator: ",").map { Double($0) ?? .nan }
        }
    }

    /// A headerless CSV of texts, line by line.
    static func texts(_ path: String) throws -> [[String]] {
        try String(contentsOfFile: path, encoding: .utf8).split(separator: "\n").map { line in
            line.split(separator: ",", omittingEmptySubsequences: false).map(String.init)
        }
    }
}
