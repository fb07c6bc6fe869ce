import Testing
@testable import ApusModel

@Suite("Tree ensemble prediction")
struct TreeEnsemblePredictionTests {
    let ensemble = Fixtures.ensemble

    /// Rows of (x, color) and their hand-computed raw scores: base 0.1 + tree 0 + tree 1.
    let cases: [(row: [Double], raw: Double, probability: Double)] = [
        ([0, 0], 0.1 + 1.0 + 0.3, 0.8021838885585818),            // left, red left
        ([1, 1], 0.1 - 0.5 - 0.2, 0.35434369377420455),           // right → green left; green right → x <= 2
        ([3, 2], 0.1 + 0.25 + 0.3, 0.6570104626734988),           // right → blue right; blue left
        ([.nan, .nan], 0.1 + 1.0 + 0.3, 0.8021838885585818),      // missing left at both roots
        ([.nan, 1], 0.1 + 1.0 + 0.6, 0.8455347349164652),         // x missing: left in tree 0, right in tree 1
        ([1, -1], 0.1 - 0.5 - 0.2, 0.35434369377420455),          // unseen: left in tree 0, right in tree 1
        ([1, 40], 0.1 + 0.25 - 0.2, 0.5374298453437496),          // level 40 lies beyond the one-word sets: right
    ]

    @Test("raw scores and sigmoid probabilities match hand computation")
    func handComputed() throws {
        for (row, raw, probability) in cases {
            #expect(try ensemble.rawScores(row: row) == [raw], "row \(row)")
            let predicted = try ensemble.predict(features: row)
            #expect(abs(predicted[0] - probability) < 1e-15, "row \(row)")
            #expect(Fixtures.referenceScores(ensemble, features: row) == [raw], "row \(row)")
        }
        let all = cases.flatMap(\.row)
        #expect(try ensemble.rawScores(features: all, threads: 1) == cases.map(\.raw))
    }

    @Test("missing values and unseen levels follow their flags, both ways")
    func missingAndUnseenRouting() {
        let tree0 = Fixtures.tree0, tree1 = Fixtures.tree1
        // Tree 0: node 0 numeric (missing left), node 1 categorical (missing right, unseen left).
        #expect(tree0.goesLeft(0, value: .nan))
        #expect(!tree0.goesLeft(1, value: .nan))
        #expect(tree0.goesLeft(1, value: -1))
        // Tree 1: node 0 categorical (missing left, unseen right), node 1 numeric (missing right).
        #expect(tree1.goesLeft(0, value: .nan))
        #expect(!tree1.goesLeft(0, value: -1))
        #expect(!tree1.goesLeft(1, value: .nan))
        #expect(tree1.leftLevels(0) == [0, 2])
    }

    @Test("a level code beyond the level set, however large, goes right")
    func codesBeyondTheSet() throws {
        let tree1 = Fixtures.tree1
        for code in [3.0, 31, 32, 40, 1e9, 4_294_967_296, 1e300, .infinity] {
            #expect(!tree1.goesLeft(0, value: code), "code \(code)")
            // Tree 0 sends x = 1 right, to its categorical node; tree 1's root sends the code right too.
            #expect(try ensemble.rawScores(row: [1, code]) == [0.1 + 0.25 - 0.2], "code \(code)")
        }
        #expect(tree1.goesLeft(0, value: 2))
        #expect(tree1.goesLeft(0, value: 2.5), "a fractional code is truncated, as in the packed path")
    }

    @Test("multiclass softmax: three scores per row, probabilities that sum to 1")
    func softmax() throws {
        // Two rounds of three single-leaf trees; score c is base[c] + two leaves.
        let leaves: [Double] = [0.5, -0.25, 1.0, 0.25, 0.5, -1.0]
        let trees = leaves.map { Tree(leafValue: $0, hessian: 1, count: 10) }
        let ensemble = try TreeEnsemble(trees: trees, scoresPerRow: 3, baseScore: [0, 0.5, -0.5], link: .softmax, featureKinds: [.numeric])
        let raw = [0 + 0.5 + 0.25, 0.5 - 0.25 + 0.5, -0.5 + 1.0 - 1.0]
        #expect(try ensemble.rawScores(features: [7, .nan]) == raw + raw)
        let probabilities = try ensemble.predict(features: [7])
        let expected = [0.4373487435378189, 0.4373487435378189, 0.12530251292436217]
        for (found, wanted) in zip(probabilities, expected) { #expect(abs(found - wanted) < 1e-15) }
        #expect(abs(probabilities.reduce(0, +) - 1) < 1e-15)
        #expect(ensemble.rounds == 2)
        #expect(try ensemble.prefix(rounds: 1).rawScores(features: [7]) == [0.5, 0.25, 0.5])
    }

    @Test("predictions are the same for 1, 2 and 7 threads, and match the reference path")
    func threadCountDoesNotMatter() throws {
        var random = SplitMix64(seed: 42)
        let kinds: [FeatureKind] = [.numeric, .categorical, .numeric, .categorical]
        // Features 0 and 1 have the kinds the fixed trees split on.
        let trees = [Fixtures.tree0, Fixtures.tree1]
            + (0..<18).map { _ in Fixtures.randomTree(depth: 6, kinds: kinds, levels: 50, random: &random) }
        for (k, link) in [(1, OutputLink.sigmoid), (4, .softmax)] {
            let ensemble = try TreeEnsemble(
                trees: trees, scoresPerRow: k, baseScore: (0..<k).map { Double($0) / 8 }, link: link, featureKinds: kinds)
            let rows = Fixtures.randomRows(3000, kinds: kinds, levels: 50, random: &random)
            let reference = Fixtures.referenceScores(ensemble, features: rows)
            for threads in [1, 2, 7] {
                #expect(try ensemble.rawScores(features: rows, threads: threads) == reference, "threads \(threads), k \(k)")
            }
        }
    }

    @Test("numeric forests predict blocks with and without missing values like the reference path")
    func numericForestsWithAndWithoutMissingValues() throws {
        var random = SplitMix64(seed: 7)
        let kinds: [FeatureKind] = [.numeric, .numeric, .numeric]
        let trees = (0..<12).map { _ in Fixtures.randomTree(depth: 7, kinds: kinds, levels: 0, random: &random) }
        let ensemble = try TreeEnsemble(trees: trees, scoresPerRow: 1, baseScore: [0.5], link: .identity, featureKinds: kinds)
        var rows = Fixtures.randomRows(2000, kinds: kinds, levels: 0, random: &random)
        // The first 1,000 rows complete (their blocks skip the missing-value test), the rest with gaps.
        for index in 0..<3000 where rows[index].isNaN { rows[index] = random.unit() * 6 - 3 }
        #expect(rows[3000...].contains { $0.isNaN })
        let reference = Fixtures.referenceScores(ensemble, features: rows)
        for threads in [1, 2] {
            #expect(try ensemble.rawScores(features: rows, threads: threads) == reference, "threads \(threads)")
        }
    }

    @Test("prefix(rounds:) keeps the first rounds, and predicts like rounds:")
    func prefix() throws {
        let first = ensemble.prefix(rounds: 1)
        #expect(first.trees == [Fixtures.tree0])
        #expect(try first.rawScores(row: [0, 0]) == [0.1 + 1.0])
        #expect(try ensemble.rawScores(features: [0, 0], rounds: 1) == [0.1 + 1.0])
        #expect(ensemble.prefix(rounds: 0).trees.isEmpty)
        #expect(try ensemble.prefix(rounds: 0).rawScores(row: [0, 0]) == [0.1])
        #expect(ensemble.prefix(rounds: 99).trees.count == 2)
        #expect(ensemble.prefix(rounds: -1).trees.isEmpty)
        #expect(try ensemble.rawScores(features: [0, 0], rounds: -1) == [0.1], "negative rounds: none")
        #expect(try ensemble.rawScores(features: [0, 0], rounds: .max) == [0.1 + 1.0 + 0.3])
    }

    @Test("a matrix that is not whole rows is rejected")
    func shape() {
        #expect(throws: ModelError.shapeMismatch(expected: "rows of 2 features", found: "3 values")) {
            try ensemble.rawScores(features: [1, 2, 3])
        }
    }
}
