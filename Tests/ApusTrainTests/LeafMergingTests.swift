import ApusModel
import Testing
@testable import ApusTrain

@Suite("Pruning: leaf merging")
struct LeafMergingTests {
    /// Root x ≤ 1; left node x ≤ 0 with leaves 0.5 (hessian 1, 1 row) and 0.5 (3, 3);
    /// right node x ≤ 2 with leaves 0.2 (1, 2) and 0.3 (3, 4).
    func tree() -> Tree {
        var tree = Tree()
        let root = tree.appendNumericNode(feature: 0, threshold: 1, defaultLeft: true, gain: 9, hessian: 8, count: 10)
        let left = tree.appendNumericNode(feature: 0, threshold: 0, defaultLeft: false, gain: 1, hessian: 4, count: 4)
        let right = tree.appendNumericNode(feature: 0, threshold: 2, defaultLeft: true, gain: 2, hessian: 4, count: 6)
        tree.leftChild[root] = Int32(left)
        tree.rightChild[root] = Int32(right)
        tree.leftChild[left] = tree.appendLeaf(value: 0.5, hessian: 1, count: 1)
        tree.rightChild[left] = tree.appendLeaf(value: 0.5, hessian: 3, count: 3)
        tree.leftChild[right] = tree.appendLeaf(value: 0.2, hessian: 1, count: 2)
        tree.rightChild[right] = tree.appendLeaf(value: 0.3, hessian: 3, count: 4)
        return tree
    }

    let rows = PruningData(features: [-1, 0.5, 1.5, 3], labels: [0.4, 0.6, 0.1, 0.4])

    func merged(_ tolerance: Double) throws -> PruningResult {
        let model = try handModel([tree()], objective: "regression")
        return try EnsemblePruning.prune(model, validation: rows, budget: .lossIncrease(10), mergeTolerance: tolerance)
    }

    @Test("tolerance 0 merges only equal leaves, renumbers compactly and changes no prediction")
    func equalLeaves() throws {
        let result = try merged(0)
        var expected = Tree()
        let root = expected.appendNumericNode(feature: 0, threshold: 1, defaultLeft: true, gain: 9, hessian: 8, count: 10)
        let right = expected.appendNumericNode(feature: 0, threshold: 2, defaultLeft: true, gain: 2, hessian: 4, count: 6)
        expected.leftChild[root] = expected.appendLeaf(value: 0.5, hessian: 4, count: 4)
        expected.rightChild[root] = Int32(right)
        expected.leftChild[right] = expected.appendLeaf(value: 0.2, hessian: 1, count: 2)
        expected.rightChild[right] = expected.appendLeaf(value: 0.3, hessian: 3, count: 4)
        #expect(result.model.ensemble.trees == [expected])
        #expect(result.report.leavesMerged == 1 && result.report.maxPredictionDifference == 0)
        #expect(result.report.lossAfter == result.report.lossBefore)
        #expect(result.model.parameters["pruning"] == "rounds 1->1, leaves merged 1 (tolerance 0.0)")
    }

    @Test("a wider tolerance merges by hessian-weighted means, bottom-up to a single leaf")
    func weightedMeans() throws {
        let mean = (1 * 0.2 + 3 * 0.3) / 4
        var expected = Tree()
        let root = expected.appendNumericNode(feature: 0, threshold: 1, defaultLeft: true, gain: 9, hessian: 8, count: 10)
        expected.leftChild[root] = expected.appendLeaf(value: 0.5, hessian: 4, count: 4)
        expected.rightChild[root] = expected.appendLeaf(value: mean, hessian: 4, count: 6)
        let partial = try merged(0.1)
        #expect(partial.model.ensemble.trees == [expected] && partial.report.leavesMerged == 2)
        #expect(try partial.model.ensemble.predict(features: rows.features) == [0.5, 0.5, mean, mean])
        #expect(partial.report.maxPredictionDifference == max(mean - 0.2, 0.3 - mean))
        // 0.5 and 0.275 are 0.225 apart: within 0.25, so the root becomes a leaf too.
        let single = try merged(0.25)
        #expect(single.model.ensemble.trees == [Tree(leafValue: (4 * 0.5 + 4 * mean) / 8, hessian: 8, count: 10)])
        #expect(single.report.leavesMerged == 3)
    }

    @Test("leaves of zero hessian merge to the plain mean; level sets are packed again")
    func zeroHessiansAndLevelSets() throws {
        var tree = Tree()
        let root = tree.appendCategoricalNode(
            feature: 1, leftCodes: [0, 2], defaultLeft: false, unseenLeft: false, gain: 1, hessian: 0, count: 4)
        let left = tree.appendCategoricalNode(
            feature: 1, leftCodes: [0], defaultLeft: true, unseenLeft: true, gain: 1, hessian: 0, count: 2)
        let right = tree.appendNumericNode(feature: 0, threshold: 0, defaultLeft: false, gain: 1, hessian: 0, count: 2)
        tree.leftChild[root] = Int32(left)
        tree.rightChild[root] = Int32(right)
        tree.leftChild[left] = tree.appendLeaf(value: 1, hessian: 0, count: 1)
        tree.rightChild[left] = tree.appendLeaf(value: 2, hessian: 0, count: 1)
        tree.leftChild[right] = tree.appendLeaf(value: -1, hessian: 0, count: 1)
        tree.rightChild[right] = tree.appendLeaf(value: 5, hessian: 0, count: 1)
        let (result, merges) = LeafMerging.merge(tree, tolerance: 1)
        var expected = Tree()
        let newRoot = expected.appendCategoricalNode(
            feature: 1, leftCodes: [0, 2], defaultLeft: false, unseenLeft: false, gain: 1, hessian: 0, count: 4)
        let newRight = expected.appendNumericNode(feature: 0, threshold: 0, defaultLeft: false, gain: 1, hessian: 0, count: 2)
        expected.leftChild[newRoot] = expected.appendLeaf(value: 1.5, hessian: 0, count: 2)
        expected.rightChild[newRoot] = Int32(newRight)
        expected.leftChild[newRight] = expected.appendLeaf(value: -1, hessian: 0, count: 1)
        expected.rightChild[newRight] = expected.appendLeaf(value: 5, hessian: 0, count: 1)
        #expect(merges == 1 && result == expected && result.categoryWords == [0b101])
        #expect(LeafMerging.merge(tree, tolerance: 0.5) == (tree, 0))
    }

    @Test("merging counts against the loss budget and may not exceed it alone")
    func mergeAgainstBudget() throws {
        let model = try handModel([tree()], objective: "regression")
        let message = pruningError {
            try EnsemblePruning.prune(model, validation: rows, budget: .lossIncrease(0), mergeTolerance: 0.25)
        }
        #expect(message?.hasPrefix("pruning: merging leaves within 0.25 alone increases the validation loss by ") == true)
        #expect(message?.hasSuffix(", beyond the budget of 0.0; use a smaller merge tolerance") == true)
    }
}
