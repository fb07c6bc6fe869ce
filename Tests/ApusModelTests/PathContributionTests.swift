import Testing
@testable import ApusModel

@Suite("Path contributions")
struct PathContributionTests {
    /// Whether `found` is `wanted` up to a relative error of `tolerance` (relative to 1 for
    /// values below 1 in size, where a relative error means little).
    static func close(_ found: Double, _ wanted: Double, tolerance: Double = 1e-9) -> Bool {
        abs(found - wanted) <= tolerance * max(1, abs(wanted))
    }

    /// Checks that each `(row, score)` group of `contributions` sums to its raw score.
    static func expectSums(_ ensemble: TreeEnsemble, features: [Double], rounds: Int? = nil, _ comment: String = "") throws {
        let contributions = try ensemble.pathContributions(features: features, rounds: rounds)
        let raw = try ensemble.rawScores(features: features, rounds: rounds)
        let width = ensemble.featureKinds.count + 1
        #expect(contributions.count == raw.count * width)
        for (group, score) in raw.enumerated() {
            let sum = contributions[group * width..<(group + 1) * width].reduce(0, +)
            #expect(close(sum, score), "\(comment) row \(group / ensemble.scoresPerRow) score \(group % ensemble.scoresPerRow): \(sum) vs \(score)")
        }
    }

    /// Fixtures.ensemble by hand. Expected values (covers are the leaf hessians):
    /// tree 0: node 1 = (3·−0.5 + 3·0.25) / 6 = −0.125, root = (4·1 + 3·−0.5 + 3·0.25) / 10 = 0.325;
    /// tree 1: node 1 = (2·−0.2 + 3·0.6) / 5 = 0.28, root = (5·0.3 + 2·−0.2 + 3·0.6) / 10 = 0.29.
    /// The bias is 0.1 + 0.325 + 0.29 = 0.715 for every row.
    let cases: [(row: [Double], x: Double, color: Double)] = [
        // Tree 0 left to leaf 1.0: x +0.675. Tree 1 red left to leaf 0.3: color +0.01.
        ([0, 0], 0.675, 0.01),
        // Tree 0 right (x −0.45), green left to −0.5 (color −0.375). Tree 1 green right (color −0.01),
        // x <= 2 left to −0.2 (x −0.48).
        ([1, 1], -0.45 - 0.48, -0.375 - 0.01),
        // x missing: left in tree 0 (x +0.675); in tree 1 green right (color −0.01), missing right to 0.6 (x +0.32).
        ([.nan, 1], 0.675 + 0.32, -0.01),
        // Unseen level: left at tree 0's node 1, right at tree 1's root: as green.
        ([1, -1], -0.45 - 0.48, -0.375 - 0.01),
        // Both missing: left at both roots.
        ([.nan, .nan], 0.675, 0.01),
    ]

    @Test("two hand-built trees: contributions computed by hand, including missing and unseen")
    func handComputed() throws {
        let ensemble = Fixtures.ensemble
        for (row, x, color) in cases {
            let found = try ensemble.pathContributions(features: row)
            #expect(found.count == 3)
            #expect(Self.close(found[0], x, tolerance: 1e-14), "row \(row): x \(found[0]) vs \(x)")
            #expect(Self.close(found[1], color, tolerance: 1e-14), "row \(row): color \(found[1]) vs \(color)")
            #expect(Self.close(found[2], 0.715, tolerance: 1e-14), "row \(row): bias \(found[2])")
            let raw = try ensemble.rawScores(row: row)[0]
            #expect(Self.close(found.reduce(0, +), raw, tolerance: 1e-14), "row \(row)")
        }
        // All rows at once: the same values, row after row.
        let all = try ensemble.pathContributions(features: cases.flatMap(\.row))
        for (index, (row, _, _)) in cases.enumerated() {
            #expect(Array(all[index * 3..<index * 3 + 3]) == (try ensemble.pathContributions(features: row)))
        }
    }

    /// x <= 0 ? 2 : (x <= 1 ? −1 : 3), with the given leaf hessians and row counts.
    static func coverTree(hessians: [Double], counts: [UInt64]) throws -> TreeEnsemble {
        var tree = Tree()
        let root = tree.appendNumericNode(feature: 0, threshold: 0, defaultLeft: false, gain: 1, hessian: 0, count: 0)
        tree.leftChild[root] = tree.appendLeaf(value: 2, hessian: hessians[0], count: counts[0])
        let node = tree.appendNumericNode(feature: 0, threshold: 1, defaultLeft: false, gain: 1, hessian: 0, count: 0)
        tree.rightChild[root] = Int32(node)
        tree.leftChild[node] = tree.appendLeaf(value: -1, hessian: hessians[1], count: counts[1])
        tree.rightChild[node] = tree.appendLeaf(value: 3, hessian: hessians[2], count: counts[2])
        return try TreeEnsemble(trees: [tree], scoresPerRow: 1, baseScore: [0], link: .identity, featureKinds: [.numeric])
    }

    @Test("without hessians the covers are row counts; without any covers, plain means")
    func coverFallbacks() throws {
        // Row x = 0.5: root → node 1 → leaf −1.
        // Hessians all zero, counts 1, 1, 2: node 1 = (−1 + 2·3) / 3 = 5/3, root = (2 − 1 + 6) / 4 = 7/4.
        let counts = try Self.coverTree(hessians: [0, 0, 0], counts: [1, 1, 2])
        let byCount = try counts.pathContributions(features: [0.5])
        #expect(Self.close(byCount[1], 1.75, tolerance: 1e-14))
        #expect(Self.close(byCount[0], -1 - 1.75, tolerance: 1e-14))
        // Hessians win over counts when any is recorded: hessians 2, 1, 1 give node 1 = 1, root = 1.5.
        let hessians = try Self.coverTree(hessians: [2, 1, 1], counts: [1, 1, 2])
        #expect(try hessians.pathContributions(features: [0.5]) == [-2.5, 1.5])
        // No covers at all: plain means, node 1 = 1, root = 4/3.
        let none = try Self.coverTree(hessians: [0, 0, 0], counts: [0, 0, 0])
        let plain = try none.pathContributions(features: [0.5])
        #expect(Self.close(plain[1], 4.0 / 3, tolerance: 1e-14))
        #expect(Self.close(plain[0], -1 - 4.0 / 3, tolerance: 1e-14))
        // A subtree no training row reached (covers 0 below node 1): node 1 is its plain mean 1,
        // the root the mean weighted by the covers there are, 2.
        let partial = try Self.coverTree(hessians: [1, 0, 0], counts: [5, 0, 0])
        #expect(try partial.pathContributions(features: [0.5]) == [-3, 2])
        #expect(try partial.pathContributions(features: [-1]) == [0, 2])
        for ensemble in [counts, hessians, none, partial] {
            try Self.expectSums(ensemble, features: [-1, 0, 0.5, 1, 1.5, .nan, .infinity, -.infinity])
        }
    }

    /// Random trees over four features (numeric and categorical), a fifth feature no tree
    /// splits on, and rows with missing values, unseen levels and codes beyond every level set.
    static func randomEnsemble(trees count: Int, scoresPerRow k: Int, seed: UInt64) throws -> (TreeEnsemble, [Double]) {
        var random = SplitMix64(seed: seed)
        let split: [FeatureKind] = [.numeric, .categorical, .numeric, .categorical]
        let kinds = split + [.numeric]
        var trees = (0..<count).map { _ in Fixtures.randomTree(depth: 7, kinds: split, levels: 50, random: &random) }
        // Some trees without recorded hessians, and some single leaves.
        for index in stride(from: 3, to: count, by: 7) {
            trees[index].leafHessian = Array(repeating: 0, count: trees[index].leafCount)
        }
        for index in stride(from: 5, to: count, by: 11) {
            trees[index] = Tree(leafValue: random.unit() - 0.5, hessian: 1, count: 10)
        }
        let ensemble = try TreeEnsemble(
            trees: trees, scoresPerRow: k, baseScore: (0..<k).map { Double($0) / 8 - 0.2 },
            link: k > 1 ? .softmax : .sigmoid, featureKinds: kinds)
        let rows = Fixtures.randomRows(2000, kinds: kinds, levels: 50, random: &random)
        return (ensemble, rows)
    }

    @Test("bias plus contributions equal the raw score, on every row of a larger ensemble")
    func sumsEqualRawScores() throws {
        let (ensemble, rows) = try Self.randomEnsemble(trees: 60, scoresPerRow: 1, seed: 11)
        try Self.expectSums(ensemble, features: rows)
        // The feature no tree splits on gets nothing.
        let contributions = try ensemble.pathContributions(features: rows)
        #expect(stride(from: 4, to: contributions.count, by: 6).allSatisfy { contributions[$0] == 0 })
        #expect(contributions.allSatisfy { $0.isFinite })
    }

    @Test("each tree routes every row as prediction does (missing values, unseen and unknown levels)")
    func routingAgreesWithPrediction() throws {
        let (ensemble, rows) = try Self.randomEnsemble(trees: 24, scoresPerRow: 1, seed: 23)
        #expect(rows.contains { $0.isNaN } && rows.contains(-1) && rows.contains { $0 >= 50 })
        // One tree at a time, so that a row sent to a wrong leaf cannot hide behind another tree.
        for (index, tree) in ensemble.trees.enumerated() {
            let single = try TreeEnsemble(
                trees: [tree], scoresPerRow: 1, baseScore: [0], link: .identity, featureKinds: ensemble.featureKinds)
            try Self.expectSums(single, features: rows, "tree \(index)")
        }
    }

    @Test("multiclass: each score's contributions sum to its raw score")
    func multiclass() throws {
        let (ensemble, rows) = try Self.randomEnsemble(trees: 45, scoresPerRow: 3, seed: 5)
        try Self.expectSums(ensemble, features: rows)
        // Single-leaf trees: everything is bias, base score included, per score.
        let leaves: [Double] = [0.5, -0.25, 1.0, 0.25, 0.5, -1.0]
        let stumps = try TreeEnsemble(
            trees: leaves.map { Tree(leafValue: $0, hessian: 1, count: 10) }, scoresPerRow: 3,
            baseScore: [0, 0.5, -0.5], link: .softmax, featureKinds: [.numeric])
        #expect(try stumps.pathContributions(features: [7]) == [0, 0.75, 0, 0.75, 0, -0.5])
        // Trees of score 1 only contribute to score 1's group.
        var trees = leaves.map { Tree(leafValue: $0, hessian: 1, count: 10) }
        trees[4] = Fixtures.tree0
        let mixed = try TreeEnsemble(
            trees: trees, scoresPerRow: 3, baseScore: [0, 0.5, -0.5], link: .softmax, featureKinds: [.numeric, .categorical])
        let found = try mixed.pathContributions(features: [1, 1])
        #expect(found.count == 9)
        #expect(Array(found[0..<3]) == [0, 0, 0.75])
        #expect(Array(found[6..<9]) == [0, 0, -0.5])
        #expect(Self.close(found[3], -0.45, tolerance: 1e-14) && Self.close(found[4], -0.375, tolerance: 1e-14))
        #expect(Self.close(found[5], 0.5 - 0.25 + 0.325, tolerance: 1e-14))
    }

    @Test("rounds: limits the trees as prediction does")
    func rounds() throws {
        let ensemble = Fixtures.ensemble
        // Tree 0 only, row (1, green): x −0.45, color −0.375, bias 0.1 + 0.325.
        let first = try ensemble.pathContributions(features: [1, 1], rounds: 1)
        #expect(Self.close(first[0], -0.45, tolerance: 1e-14) && Self.close(first[1], -0.375, tolerance: 1e-14))
        #expect(Self.close(first[2], 0.425, tolerance: 1e-14))
        #expect(try ensemble.pathContributions(features: [1, 1], rounds: 0) == [0, 0, 0.1])
        #expect(try ensemble.pathContributions(features: [1, 1], rounds: -1) == [0, 0, 0.1], "negative rounds: none")
        #expect(try ensemble.pathContributions(features: [1, 1], rounds: .max) == ensemble.pathContributions(features: [1, 1]))

        let (multi, rows) = try Self.randomEnsemble(trees: 30, scoresPerRow: 3, seed: 9)
        let some = Array(rows.prefix(200 * 5))
        for rounds in [0, 1, 4, 9] {
            #expect(try multi.pathContributions(features: some, rounds: rounds)
                == multi.prefix(rounds: rounds).pathContributions(features: some), "rounds \(rounds)")
            try Self.expectSums(multi, features: some, rounds: rounds, "rounds \(rounds)")
        }
    }

    @Test("a matrix that is not whole rows is rejected; no rows give no contributions")
    func shape() throws {
        let ensemble = Fixtures.ensemble
        #expect(throws: ModelError.shapeMismatch(expected: "rows of 2 features", found: "3 values")) {
            try ensemble.pathContributions(features: [1, 2, 3])
        }
        #expect(try ensemble.pathContributions(features: []) == [])
        let viaPointer = [1.0, 1, 0, 0].withUnsafeBufferPointer { ensemble.pathContributions(features: $0, rows: 2) }
        #expect(viaPointer == (try ensemble.pathContributions(features: [1, 1, 0, 0])))
        // Only `rows` rows are read from a longer buffer.
        let firstRow = [1.0, 1, 0, 0].withUnsafeBufferPointer { ensemble.pathContributions(features: $0, rows: 1) }
        #expect(firstRow == Array(viaPointer.prefix(3)))
    }
}
