import ApusExplain
import ApusModel
import Testing

/// The three ways TreeSHAP computes the same values (per-leaf with tables, per-leaf
/// arithmetic, Lundberg et al.'s recursion) agree, on shap's reference models and on trees
/// that take each one's edge cases.
@Suite("TreeSHAP algorithms")
struct TreeSHAPAlgorithmTests {
    static let variants: [TreeSHAPOptions] = [
        TreeSHAPOptions(), TreeSHAPOptions(tableBits: 0), TreeSHAPOptions(tableBits: 16),
        TreeSHAPOptions(tableBits: 16, tableBudgetBytes: 4096), TreeSHAPOptions(recursive: true),
    ]

    static func largestDifference(_ a: [Double], _ b: [Double]) -> Double {
        zip(a, b).map { abs($0 - $1) / max(1, abs($1)) }.max() ?? 0
    }

    @Test(arguments: ["lgbm_binary", "lgbm_multiclass", "lgbm_regression", "xgb_binary"])
    func everyAlgorithmGivesTheRecursionsValues(name: String) throws {
        let (model, features, _) = try TreeSHAPTests.load(name)
        let reference = try TreeSHAP(model.ensemble, options: TreeSHAPOptions(recursive: true)).values(features: features, threads: 1)
        for options in Self.variants {
            let values = try TreeSHAP(model.ensemble, options: options).values(features: features, threads: 2)
            #expect(values.count == reference.count)
            let difference = Self.largestDifference(values, reference)
            #expect(difference <= 1e-12, "\(name) with \(options): \(difference)")
        }
    }

    /// Interaction values leaf by leaf equal the recursion's (each feature held known and
    /// unknown in turn).
    @Test(arguments: ["lgbm_binary", "lgbm_multiclass", "lgbm_regression", "xgb_binary"])
    func interactionsLeafByLeafGiveTheRecursionsValues(name: String) throws {
        let (model, features, _) = try TreeSHAPTests.load(name)
        let rows = Array(features.prefix(40 * model.schema.count))
        let reference = try TreeSHAP(model.ensemble, options: TreeSHAPOptions(recursive: true)).interactionValues(features: rows, threads: 1)
        let values = try TreeSHAP(model.ensemble).interactionValues(features: rows, threads: 2)
        #expect(values.count == reference.count)
        let difference = Self.largestDifference(values, reference)
        #expect(difference <= 1e-12, "\(name): \(difference)")
    }

    /// A chain of 70 splits, each on its own feature, then a repeated feature: a path with
    /// more distinct features (70) than a leaf mask holds (64) is explained by the
    /// recursion, and a child no training row reached (cover 0) gets no table. (Extending and
    /// unwinding a path of 70 features costs the recursion about 1e-7 of additivity: the
    /// subset weights reach 1/C(70, 35) ≈ 1e-20.)
    @Test func longPathsAndEmptyChildrenAgree() throws {
        var tree = Tree()
        var parent = -1
        let depth = 70
        for level in 0..<depth {
            let count = UInt64(2 * (depth - level) + 2)
            let node = tree.appendNumericNode(feature: level, threshold: 0, defaultLeft: level % 2 == 0, gain: 1, hessian: Double(count), count: count)
            if parent >= 0 { tree.leftChild[parent] = Int32(node) }
            tree.rightChild[node] = tree.appendLeaf(value: Double(level % 7) - 3, hessian: 2, count: 2)
            parent = node
        }
        tree.leftChild[parent] = tree.appendLeaf(value: 5, hessian: 2, count: 2)
        var small = Tree()
        let root = small.appendNumericNode(feature: 0, threshold: 0, defaultLeft: true, gain: 1, hessian: 4, count: 4)
        let inner = small.appendNumericNode(feature: 1, threshold: 0, defaultLeft: true, gain: 1, hessian: 4, count: 4)
        small.leftChild[root] = Int32(inner)
        small.rightChild[root] = small.appendLeaf(value: 9, hessian: 0, count: 0)
        let again = small.appendNumericNode(feature: 0, threshold: -1, defaultLeft: false, gain: 1, hessian: 3, count: 3)
        small.leftChild[inner] = Int32(again)
        small.rightChild[inner] = small.appendLeaf(value: 1, hessian: 1, count: 1)
        small.leftChild[again] = small.appendLeaf(value: -2, hessian: 1, count: 1)
        small.rightChild[again] = small.appendLeaf(value: 4, hessian: 2, count: 2)
        let kinds = [FeatureKind](repeating: .numeric, count: depth)
        let ensemble = try TreeEnsemble(trees: [tree, small], scoresPerRow: 1, baseScore: [0.5], link: .identity, featureKinds: kinds)
        var rows: [Double] = []
        for row in 0..<40 {
            for column in 0..<depth {
                let missing = (row * 31 + column * 17) % 13 == 0
                let value = Double((row * 7 + column * 3) % 5) - 2.5
                rows.append(missing ? Double.nan : value)
            }
        }
        let reference = try TreeSHAP(ensemble, options: TreeSHAPOptions(recursive: true)).values(features: rows, threads: 1)
        for options in Self.variants {
            let values = try TreeSHAP(ensemble, options: options).values(features: rows, threads: 3)
            #expect(Self.largestDifference(values, reference) <= 1e-12, "\(options)")
        }
        // Interactions of a few rows (the recursion holds each of 70 features known and unknown).
        let few = Array(rows.prefix(4 * depth))
        let interactions = try TreeSHAP(ensemble).interactionValues(features: few, threads: 2)
        let recursiveInteractions = try TreeSHAP(ensemble, options: TreeSHAPOptions(recursive: true)).interactionValues(features: few, threads: 1)
        #expect(Self.largestDifference(interactions, recursiveInteractions) <= 1e-12)
        let raw = try ensemble.rawScores(features: rows, threads: 1)
        let values = try TreeSHAP(ensemble).values(features: rows, threads: 1)
        for (row, score) in raw.enumerated() {
            let sum = values[row * (depth + 1)..<(row + 1) * (depth + 1)].reduce(0, +)
            #expect(abs(sum - score) <= 1e-6, "row \(row): \(sum) vs \(score)")
        }
    }

    @Test func optionsOutOfRangeAreRefused() throws {
        let (model, _, _) = try TreeSHAPTests.load("lgbm_binary")
        for (options, message) in [
            (TreeSHAPOptions(tableBits: 17), "tableBits is 17; it must be between 0 and 16"),
            (TreeSHAPOptions(tableBits: -1), "tableBits is -1; it must be between 0 and 16"),
            (TreeSHAPOptions(tableBudgetBytes: -5), "tableBudgetBytes is -5; it must not be negative"),
        ] {
            do {
                _ = try TreeSHAP(model.ensemble, options: options)
                Issue.record("\(options) was accepted")
            } catch {
                #expect(error.description == message)
            }
        }
    }
}
