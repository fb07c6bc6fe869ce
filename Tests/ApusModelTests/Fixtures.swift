import Testing
@testable import ApusModel

/// Hand-built trees, ensembles and models the tests share.
enum Fixtures {
    /// `x` (numeric) and `color` (categorical: red 0, green 1, blue 2).
    static let schema = try! FeatureSchema(features: [
        Feature(name: "x", kind: .numeric),
        Feature(name: "color", kind: .categorical, levels: ["red", "green", "blue"]),
    ])

    /// Tree 0: `x <= 0.5` (missing left) ? 1.0 : (`color` in {green} (missing right, unseen left) ? −0.5 : 0.25).
    static var tree0: Tree {
        var tree = Tree()
        let root = tree.appendNumericNode(feature: 0, threshold: 0.5, defaultLeft: true, gain: 4, hessian: 10, count: 100)
        tree.leftChild[root] = tree.appendLeaf(value: 1.0, hessian: 4, count: 40)
        let node = tree.appendCategoricalNode(
            feature: 1, leftCodes: [1], defaultLeft: false, unseenLeft: true, gain: 2, hessian: 6, count: 60)
        tree.rightChild[root] = Int32(node)
        tree.leftChild[node] = tree.appendLeaf(value: -0.5, hessian: 3, count: 30)
        tree.rightChild[node] = tree.appendLeaf(value: 0.25, hessian: 3, count: 30)
        return tree
    }

    /// Tree 1: `color` in {red, blue} (missing left, unseen right) ? 0.3 : (`x <= 2` (missing right) ? −0.2 : 0.6).
    static var tree1: Tree {
        var tree = Tree()
        let root = tree.appendCategoricalNode(
            feature: 1, leftCodes: [0, 2], defaultLeft: true, unseenLeft: false, gain: 3, hessian: 10, count: 100)
        tree.leftChild[root] = tree.appendLeaf(value: 0.3, hessian: 5, count: 50)
        let node = tree.appendNumericNode(feature: 0, threshold: 2, defaultLeft: false, gain: 1, hessian: 5, count: 50)
        tree.rightChild[root] = Int32(node)
        tree.leftChild[node] = tree.appendLeaf(value: -0.2, hessian: 2, count: 20)
        tree.rightChild[node] = tree.appendLeaf(value: 0.6, hessian: 3, count: 30)
        return tree
    }

    /// The two trees, base score 0.1, sigmoid link.
    static var ensemble: TreeEnsemble {
        try! TreeEnsemble(trees: [tree0, tree1], scoresPerRow: 1, baseScore: [0.1], link: .sigmoid, featureKinds: [.numeric, .categorical])
    }

    /// A binary model over ``ensemble``.
    static var model: Model {
        Model(
            task: .binary, objective: "binary", target: "default", classes: ["no", "yes"], schema: schema,
            ensemble: ensemble, parameters: ["learning_rate": "0.1", "num_leaves": "31", "seed": "7"],
            training: TrainingSummary(
                rows: 100, validationRows: 20, dataFingerprint: "ab12", roundsTrained: 3, bestRound: 2,
                validationMetric: "logloss", validationHistory: [0.5, 0.1 + 0.2, .infinity, 0x1p-1030], apusVersion: "0.1.0"))
    }

    /// A random valid tree of depth at most `depth` over `kinds`, with level codes below `levels`.
    static func randomTree(depth: Int, kinds: [FeatureKind], levels: Int, random: inout SplitMix64) -> Tree {
        var tree = Tree()
        func grow(_ depth: Int) -> Int32 {
            if depth == 0 || random.below(4) == 0 {
                return tree.appendLeaf(value: random.unit() * 2 - 1, hessian: random.unit(), count: random.next() % 1000)
            }
            let feature = random.below(kinds.count)
            let node: Int
            if kinds[feature] == .categorical {
                let codes = (0..<levels).filter { _ in random.below(2) == 0 }
                node = tree.appendCategoricalNode(
                    feature: feature, leftCodes: codes, defaultLeft: random.below(2) == 0, unseenLeft: random.below(2) == 0,
                    gain: random.unit(), hessian: random.unit(), count: random.next() % 1000)
            } else {
                node = tree.appendNumericNode(
                    feature: feature, threshold: random.unit() * 4 - 2, defaultLeft: random.below(2) == 0,
                    gain: random.unit(), hessian: random.unit(), count: random.next() % 1000)
            }
            let left = grow(depth - 1)
            let right = grow(depth - 1)
            tree.leftChild[node] = left
            tree.rightChild[node] = right
            return Int32(node)
        }
        _ = grow(depth)
        return tree
    }

    /// Random feature-matrix rows: numbers in [−3, 3) and codes in −1..<levels + 40, with
    /// some missing values.
    static func randomRows(_ rows: Int, kinds: [FeatureKind], levels: Int, random: inout SplitMix64) -> [Double] {
        var values: [Double] = []
        for _ in 0..<rows {
            for kind in kinds {
                if random.below(10) == 0 {
                    values.append(.nan)
                } else if kind == .categorical {
                    values.append(Double(random.below(levels + 41)) - 1)
                } else {
                    values.append(random.unit() * 6 - 3)
                }
            }
        }
        return values
    }

    /// The raw scores of `rows` by the reference path, `Tree.leaf(for:)`, summed in tree order.
    static func referenceScores(_ ensemble: TreeEnsemble, features: [Double]) -> [Double] {
        let width = ensemble.featureKinds.count, k = ensemble.scoresPerRow
        var scores: [Double] = []
        features.withUnsafeBufferPointer { features in
            for row in 0..<features.count / width {
                let values = UnsafeBufferPointer(rebasing: features[row * width..<(row + 1) * width])
                var rowScores = ensemble.baseScore
                for (index, tree) in ensemble.trees.enumerated() {
                    rowScores[index % k] += tree.leafValue[tree.leaf(for: values)]
                }
                scores.append(contentsOf: rowScores)
            }
        }
        return scores
    }
}

/// A small seeded generator (SplitMix64), so the random tests are the same on every run.
struct SplitMix64 {
    var state: UInt64

    init(seed: UInt64) { state = seed }

    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    /// Uniform in [0, 1).
    mutating func unit() -> Double { Double(next() >> 11) * 0x1p-53 }

    /// Uniform in `0..<bound` (slightly biased; fine for tests).
    mutating func below(_ bound: Int) -> Int { Int(next() % UInt64(bound)) }
}

/// The model error `body` throws, or nil (recording an issue for any other error).
func modelError(_ body: () throws -> Void) -> ModelError? {
    do {
        try body()
        return nil
    } catch let error as ModelError {
        return error
    } catch {
        Issue.record("expected a ModelError, got \(error)")
        return nil
    }
}

/// The field of a ``ModelError/corrupt(field:reason:)``, or nil for any other outcome.
func corruptField(_ body: () throws -> Void) -> String? {
    if case .corrupt(let field, _) = modelError(body) { return field }
    return nil
}
