import Testing
@testable import ApusModel

@Suite("Tree validation")
struct TreeValidationTests {
    let kinds: [FeatureKind] = [.numeric, .categorical]

    /// The field of the error an ensemble of the two fixture trees throws after `damage`
    /// is done to tree 1.
    func field(_ damage: (inout Tree) -> Void) -> String? {
        var tree = Fixtures.tree1
        damage(&tree)
        return corruptField {
            _ = try TreeEnsemble(trees: [Fixtures.tree0, tree], scoresPerRow: 1, baseScore: [0], link: .sigmoid, featureKinds: kinds)
        }
    }

    @Test("the fixture trees are valid")
    func valid() {
        #expect(field { _ in } == nil)
    }

    @Test("a feature out of range names the tree and node")
    func featureOutOfRange() {
        #expect(field { $0.splitFeature[1] = 2 } == "trees[1].node[1]")
        #expect(field { $0.splitFeature[1] = -1 } == "trees[1].node[1]")
    }

    @Test("children out of range are rejected")
    func childOutOfRange() {
        #expect(field { $0.rightChild[0] = 2 } == "trees[1].node[0]", "node 2 of 2")
        #expect(field { $0.rightChild[0] = 0 } == "trees[1].node[0]", "the root as a child")
        #expect(field { $0.leftChild[1] = ~3 } == "trees[1].node[1]", "leaf 3 of 3")
        #expect(field { $0.leftChild[1] = Int32.min } == "trees[1].node[1]")
    }

    @Test("a cycle of nodes apart from the root is rejected")
    func cycle() {
        // Root → two leaves; node 1 → node 2 and a leaf; node 2 → node 1 and a leaf:
        // every node and leaf has one parent, but nodes 1 and 2 are unreachable.
        var tree = Tree()
        for _ in 0..<3 { _ = tree.appendNumericNode(feature: 0, threshold: 0, defaultLeft: false, gain: 0, hessian: 0, count: 0) }
        for _ in 0..<4 { _ = tree.appendLeaf(value: 0, hessian: 0, count: 0) }
        (tree.leftChild, tree.rightChild) = ([~0, 2, 1], [~1, ~2, ~3])
        let error = modelError {
            _ = try TreeEnsemble(trees: [tree], scoresPerRow: 1, baseScore: [0], link: .sigmoid, featureKinds: kinds)
        }
        guard case .corrupt(let field, let reason) = error else {
            Issue.record("expected a corrupt error, got \(String(describing: error))")
            return
        }
        #expect(field == "trees[0]")
        #expect(reason.contains("cycle"))
    }

    @Test("a leaf with two parents is rejected")
    func leafWithTwoParents() {
        #expect(field { $0.rightChild[1] = ~1 } == "trees[1].leaf[1]")
    }

    @Test("a node with two parents is rejected")
    func nodeWithTwoParents() {
        var tree = Fixtures.tree1
        tree = Tree()
        let root = tree.appendNumericNode(feature: 0, threshold: 0, defaultLeft: false, gain: 0, hessian: 0, count: 0)
        let child = tree.appendNumericNode(feature: 0, threshold: 1, defaultLeft: false, gain: 0, hessian: 0, count: 0)
        for _ in 0..<3 { _ = tree.appendLeaf(value: 0, hessian: 0, count: 0) }
        (tree.leftChild[root], tree.rightChild[root]) = (Int32(child), Int32(child))
        (tree.leftChild[child], tree.rightChild[child]) = (~0, ~1)
        #expect(corruptField {
            _ = try TreeEnsemble(trees: [tree], scoresPerRow: 1, baseScore: [0], link: .sigmoid, featureKinds: kinds)
        } == "trees[0].node[1]")
    }

    @Test("leaf count must be internal nodes + 1; per-node arrays must agree")
    func counts() {
        #expect(field { _ = $0.appendLeaf(value: 0, hessian: 0, count: 0) } == "trees[1].leafValue")
        #expect(field {
            $0.leafValue.removeLast(); $0.leafHessian.removeLast(); $0.leafRowCount.removeLast()
        } == "trees[1].leafValue")
        #expect(field { $0.threshold.removeLast() } == "trees[1].threshold")
        #expect(field { $0.leafRowCount.removeLast() } == "trees[1].leafHessian")
    }

    @Test("NaN thresholds and non-finite leaf values are rejected")
    func nonFinite() {
        #expect(field { $0.threshold[1] = .nan } == "trees[1].node[1]")
        #expect(field { $0.leafValue[2] = .nan } == "trees[1].leafValue[2]")
        #expect(field { $0.leafValue[0] = .infinity } == "trees[1].leafValue[0]")
        #expect(field { $0.leafHessian[0] = -1 } == "trees[1].leafHessian[0]")
        #expect(field { $0.splitGain[0] = .nan } == "trees[1].node[0]")
    }

    @Test("split kinds must match feature kinds")
    func kindMismatch() {
        // A categorical split on numeric feature 0, and a numeric split on categorical feature 1.
        #expect(field { $0.splitFeature[0] = 0 } == "trees[1].node[0]")
        #expect(field { $0.splitFeature[1] = 1 } == "trees[1].node[1]")
        #expect(field { $0.categoryWordCount[1] = 1 } == "trees[1].node[1]", "a numeric split with a level set")
    }

    @Test("a level set outside the words is rejected")
    func levelSetOutOfRange() {
        #expect(field { $0.categoryWordCount[0] = 2 } == "trees[1].node[0]")
        #expect(field { $0.categoryStart[0] = 1 } == "trees[1].node[0]")
        #expect(field { $0.categoryStart[0] = .max; $0.categoryWordCount[0] = .max } == "trees[1].node[0]")
        #expect(field { $0.categoryWordCount[0] = 0 } == "trees[1].node[0]", "an empty level set")
    }

    @Test("unknown flag bits are rejected")
    func unknownFlags() {
        #expect(field { $0.flags[1] |= 8 } == "trees[1].node[1]")
        #expect(field { $0.flags[0] = 0xFF } == "trees[1].node[0]")
    }

    @Test("ensemble shape: base scores, whole rounds, a link that fits")
    func ensembleShape() {
        let trees = [Fixtures.tree0, Fixtures.tree1]
        #expect(corruptField {
            _ = try TreeEnsemble(trees: trees, scoresPerRow: 1, baseScore: [0, 0], link: .sigmoid, featureKinds: kinds)
        } == "ensemble.baseScore")
        #expect(corruptField {
            _ = try TreeEnsemble(trees: trees, scoresPerRow: 1, baseScore: [.nan], link: .sigmoid, featureKinds: kinds)
        } == "ensemble.baseScore")
        #expect(corruptField {
            _ = try TreeEnsemble(trees: trees + [Fixtures.tree0], scoresPerRow: 2, baseScore: [0, 0], link: .softmax, featureKinds: kinds)
        } == "ensemble.trees")
        #expect(corruptField {
            _ = try TreeEnsemble(trees: trees, scoresPerRow: 2, baseScore: [0, 0], link: .sigmoid, featureKinds: kinds)
        } == "ensemble.link")
        #expect(corruptField {
            _ = try TreeEnsemble(trees: trees, scoresPerRow: 0, baseScore: [], link: .sigmoid, featureKinds: kinds)
        } == "ensemble.scoresPerRow")
    }
}
