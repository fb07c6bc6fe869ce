import Testing
@testable import ApusTable

/// Tables whose `id` column holds each row's original position, so a split's rows can be
/// traced back.
enum SplitFixture {
    /// `classes` gives the class of each row (categorical `label`); `id` = row position.
    static func labelled(_ classes: [String?]) throws -> Table {
        try Table([
            ("id", .numeric(NumericColumn(classes.indices.map { Double($0) }))),
            ("label", .categorical(CategoricalColumn(classes))),
        ])
    }

    /// `count` rows: class A for 50%, B for 30%, C for 20%, interleaved.
    static func threeClasses(_ count: Int) throws -> Table {
        try labelled((0..<count).map { row in
            let slot = row % 10
            return slot < 5 ? "A" : slot < 8 ? "B" : "C"
        })
    }

    /// The original positions of `table`'s rows.
    static func ids(_ table: Table) -> [Int] {
        table["id"]!.numeric!.values.map { Int($0) }
    }

    /// Checks that `train` and `test` are disjoint, ascending and together all `count` rows.
    static func expectPartition(_ train: [Int], _ test: [Int], count: Int) {
        #expect(train == train.sorted())
        #expect(test == test.sorted())
        #expect(Set(train).isDisjoint(with: test))
        #expect((train + test).sorted() == Array(0..<count))
    }

    /// How many rows of each label `table` holds.
    static func classCounts(_ table: Table) -> [String: Int] {
        let column = table["label"]!.categorical!
        var counts: [String: Int] = [:]
        for row in 0..<table.rowCount { counts[column[row] ?? "<missing>", default: 0] += 1 }
        return counts
    }
}

@Suite struct SplitTests {
    typealias Fixture = SplitFixture

    @Test func randomSplitSizesAndPartition() throws {
        let table = try Fixture.threeClasses(10)
        let (train, test) = try table.randomSplit(testFraction: 0.25, seed: 1)
        #expect(test.rowCount == 3)  // round(2.5) rounds half up
        #expect(train.rowCount == 7)
        Fixture.expectPartition(Fixture.ids(train), Fixture.ids(test), count: 10)
    }

    @Test func randomSplitIsFixedBySeed() throws {
        let table = try Fixture.threeClasses(100)
        let first = try table.randomSplit(testFraction: 0.3, seed: 99)
        let again = try table.randomSplit(testFraction: 0.3, seed: 99)
        let other = try table.randomSplit(testFraction: 0.3, seed: 100)
        #expect(Fixture.ids(first.test) == Fixture.ids(again.test))
        #expect(Fixture.ids(first.train) == Fixture.ids(again.train))
        #expect(Fixture.ids(first.test) != Fixture.ids(other.test))
    }

    @Test(arguments: [0.0, 1.0, -0.2, 1.5, Double.nan, Double.infinity])
    func badFractionNamesTheArgument(fraction: Double) throws {
        let table = try Fixture.threeClasses(10)
        let message = OperationsFixture.message { try table.randomSplit(testFraction: fraction, seed: 1) }
        #expect(message == "testFraction must be strictly between 0 and 1, got \(fraction)")
        let stratified = OperationsFixture.message { try table.stratifiedSplit(testFraction: fraction, seed: 1, on: "label") }
        #expect(stratified == message)
    }

    @Test func splitThatEmptiesASideThrows() throws {
        let table = try Fixture.threeClasses(10)
        #expect(throws: TableError.invalidArgument(
            "testFraction 0.01 of 10 rows leaves 0 test and 10 training rows; each side needs at least one row"
        )) { try table.randomSplit(testFraction: 0.01, seed: 1) }
        #expect(throws: TableError.self) { try table.randomSplit(testFraction: 0.97, seed: 1) }
        #expect(throws: TableError.self) { try Table().randomSplit(testFraction: 0.5, seed: 1) }
    }

    @Test func stratifiedSplitKeepsExactProportions() throws {
        let table = try Fixture.threeClasses(100)
        let (train, test) = try table.stratifiedSplit(testFraction: 0.2, seed: 5, on: "label")
        #expect(Fixture.classCounts(test) == ["A": 10, "B": 6, "C": 4])
        #expect(Fixture.classCounts(train) == ["A": 40, "B": 24, "C": 16])
        Fixture.expectPartition(Fixture.ids(train), Fixture.ids(test), count: 100)
    }

    /// Each class's test count is within one of its exact share, and the total is right.
    @Test(arguments: [0.1, 0.25, 0.33, 0.5, 0.77])
    func stratifiedSplitRoundsEachClassWithinOne(fraction: Double) throws {
        let table = try Fixture.labelled((0..<47).map { ["A", "B", "C", nil][$0 % 7 % 4] })
        let whole = Fixture.classCounts(table)
        let (train, test) = try table.stratifiedSplit(testFraction: fraction, seed: 3, on: "label")
        #expect(test.rowCount == Int((fraction * 47).rounded()))
        for (label, size) in whole {
            let share = Double(test.rowCount) * Double(size) / 47
            #expect(abs(Double(Fixture.classCounts(test)[label, default: 0]) - share) < 1, "class \(label)")
        }
        Fixture.expectPartition(Fixture.ids(train), Fixture.ids(test), count: 47)
    }

    @Test func stratifiedSplitHandlesMissingAsItsOwnClass() throws {
        let table = try Fixture.labelled((0..<20).map { $0 % 4 == 0 ? nil : ($0 % 2 == 0 ? "x" : "y") })
        let (_, test) = try table.stratifiedSplit(testFraction: 0.4, seed: 8, on: "label")
        #expect(Fixture.classCounts(test) == ["<missing>": 2, "x": 2, "y": 4])
    }

    @Test func stratifiedSplitOnBooleanAndNumericColumns() throws {
        let flags = (0..<30).map { $0 % 3 == 0 }
        let table = try Table([
            ("id", .numeric(NumericColumn((0..<30).map { Double($0) }))),
            ("flag", .boolean(BooleanColumn(flags))),
            ("grade", .numeric(NumericColumn((0..<30).map { Double($0 % 5) }))),
        ])
        let byFlag = try table.stratifiedSplit(testFraction: 0.3, seed: 2, on: "flag").test
        #expect(Fixture.ids(byFlag).filter { flags[$0] }.count == 3)
        let byGrade = try table.stratifiedSplit(testFraction: 1.0 / 3.0, seed: 2, on: "grade").test
        let grades = Fixture.ids(byGrade).map { $0 % 5 }
        #expect(grades.sorted() == [0, 0, 1, 1, 2, 2, 3, 3, 4, 4])
    }

    @Test func stratifiedSplitIsFixedBySeed() throws {
        let table = try Fixture.threeClasses(60)
        let first = try table.stratifiedSplit(testFraction: 0.25, seed: 11, on: "label")
        let again = try table.stratifiedSplit(testFraction: 0.25, seed: 11, on: "label")
        let other = try table.stratifiedSplit(testFraction: 0.25, seed: 12, on: "label")
        #expect(Fixture.ids(first.test) == Fixture.ids(again.test))
        #expect(Fixture.ids(first.test) != Fixture.ids(other.test))
    }

    @Test func stratifiedSplitRejectsUnsuitableColumns() throws {
        let table = try Table([
            ("label", .categorical(CategoricalColumn((0..<300).map { "c\($0 % 2)" }))),
            ("note", .text(TextColumn((0..<300).map { "n\($0)" }))),
            ("amount", .numeric(NumericColumn((0..<300).map { Double($0) }))),
        ])
        #expect(throws: TableError.unknownColumn("lable", suggestion: "label")) {
            try table.stratifiedSplit(testFraction: 0.2, seed: 1, on: "lable")
        }
        #expect(
            OperationsFixture.message { try table.stratifiedSplit(testFraction: 0.2, seed: 1, on: "note") }
                == "column `note` is text, expected categorical, boolean or numeric (for a stratified split)"
        )
        #expect(
            OperationsFixture.message { try table.stratifiedSplit(testFraction: 0.2, seed: 1, on: "amount") }
                == "column `amount` has 300 distinct numbers, too many classes for a stratified split (at most 256); stratify on a categorical or boolean column"
        )
    }

    @Test func apportionUsesLargestRemainders() {
        #expect(Table.apportion(3, among: [7, 3]) == [2, 1])
        #expect(Table.apportion(10, among: [50, 30, 20]) == [5, 3, 2])
        #expect(Table.apportion(2, among: [1, 1, 1]) == [1, 1, 0])
        #expect(Table.apportion(0, among: [4, 4]) == [0, 0])
    }
}
