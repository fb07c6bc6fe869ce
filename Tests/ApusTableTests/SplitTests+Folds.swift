import Testing
@testable import ApusTable

extension SplitTests {
    /// Every row validates exactly once, each fold's train is the complement of its
    /// validation, and fold sizes differ by at most one.
    static func expectFoldProperties(_ folds: [FoldIndices], rowCount: Int, k: Int) {
        #expect(folds.count == k)
        for fold in folds {
            Fixture.expectPartition(fold.train, fold.validation, count: rowCount)
        }
        #expect(folds.flatMap(\.validation).sorted() == Array(0..<rowCount))
        let sizes = folds.map(\.validation.count)
        #expect(sizes.max()! - sizes.min()! <= 1)
    }

    @Test func kFoldWithoutShuffleCutsConsecutiveRuns() throws {
        let folds = try Fixture.threeClasses(10).kFold(k: 3, seed: 0, shuffle: false)
        #expect(folds.map(\.validation) == [[0, 1, 2, 3], [4, 5, 6], [7, 8, 9]])
        #expect(folds[1].train == [0, 1, 2, 3, 7, 8, 9])
        Self.expectFoldProperties(folds, rowCount: 10, k: 3)
    }

    @Test(arguments: [2, 3, 7, 23])
    func kFoldShuffledIsAPartition(k: Int) throws {
        let folds = try Fixture.threeClasses(23).kFold(k: k, seed: 17)
        Self.expectFoldProperties(folds, rowCount: 23, k: k)
        #expect(folds.map(\.validation.count).first == (23 + k - 1) / k)
    }

    @Test func kFoldIsFixedBySeed() throws {
        let table = try Fixture.threeClasses(50)
        #expect(try table.kFold(k: 5, seed: 1) == table.kFold(k: 5, seed: 1))
        #expect(try table.kFold(k: 5, seed: 1) != table.kFold(k: 5, seed: 2))
        #expect(try table.stratifiedKFold(k: 5, seed: 1, on: "label") == table.stratifiedKFold(k: 5, seed: 1, on: "label"))
        #expect(try table.stratifiedKFold(k: 5, seed: 1, on: "label") != table.stratifiedKFold(k: 5, seed: 2, on: "label"))
    }

    @Test func badFoldCountNamesK() throws {
        let table = try Fixture.threeClasses(10)
        #expect(throws: TableError.invalidArgument("k (the number of folds) must be at least 2, got 1")) {
            try table.kFold(k: 1, seed: 0)
        }
        #expect(throws: TableError.invalidArgument("k (the number of folds) is 11, more than the 10 rows of the table")) {
            try table.stratifiedKFold(k: 11, seed: 0, on: "label")
        }
        #expect(throws: TableError.unknownColumn("lbl", suggestion: "label")) {
            try table.stratifiedKFold(k: 2, seed: 0, on: "lbl")
        }
    }

    @Test(arguments: [3, 4, 6])
    func stratifiedKFoldKeepsClassCountsWithinOne(k: Int) throws {
        let table = try Fixture.labelled((0..<41).map { ["A", "B", "C", nil][$0 % 9 % 4] })
        let labels = table["label"]!.categorical!
        let folds = try table.stratifiedKFold(k: k, seed: 9, on: "label")
        Self.expectFoldProperties(folds, rowCount: 41, k: k)
        for label in ["A", "B", "C", nil] as [String?] {
            let size = (0..<41).filter { labels[$0] == label }.count
            for fold in folds {
                let inFold = fold.validation.filter { labels[$0] == label }.count
                #expect(inFold == size / k || inFold == (size + k - 1) / k, "class \(label ?? "missing")")
            }
        }
    }

    @Test func stratifiedKFoldAllowsClassesSmallerThanK() throws {
        let table = try Fixture.labelled(Array(repeating: "big", count: 12) + ["rare", "rare"])
        let folds = try table.stratifiedKFold(k: 4, seed: 3, on: "label")
        Self.expectFoldProperties(folds, rowCount: 14, k: 4)
        let rareFolds = folds.filter { !Set($0.validation).isDisjoint(with: [12, 13]) }
        #expect(rareFolds.count == 2)
    }
}
