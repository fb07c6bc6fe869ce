import Testing
@testable import ApusTable

extension SplitTests {
    /// Eight rows out of time order; `id` = row position.
    static func timed() throws -> Table {
        let seconds: [Double] = [500, 100, 800, 300, 300, 700, 200, 600]
        return try Table([
            ("id", .numeric(NumericColumn((0..<8).map { Double($0) }))),
            ("at", .timestamp(TimestampColumn(secondsSinceEpoch: seconds))),
            ("step", .numeric(NumericColumn(seconds))),
            ("label", .categorical(CategoricalColumn((0..<8).map { "c\($0 % 2)" }))),
        ])
    }

    @Test func timeSplitByFractionTestsOnTheLatestRows() throws {
        let table = try Self.timed()
        let (train, test) = try table.timeSplit(on: "at", testFraction: 0.25)
        #expect(Fixture.ids(test) == [2, 5])  // 800 and 700, in row order
        #expect(Fixture.ids(train) == [0, 1, 3, 4, 6, 7])
        let numeric = try table.timeSplit(on: "step", testFraction: 0.5)
        #expect(Fixture.ids(numeric.test) == [0, 2, 5, 7])
    }

    @Test func timeSplitTrainTimesPrecedeTestTimes() throws {
        var random = SeededRandom(seed: 4)
        let seconds = (0..<200).map { _ in Double(random.nextInt(below: 50)) * 3600 }
        let table = try Table([
            ("id", .numeric(NumericColumn((0..<200).map { Double($0) }))),
            ("at", .timestamp(TimestampColumn(secondsSinceEpoch: seconds))),
        ])
        let (train, test) = try table.timeSplit(on: "at", testFraction: 0.3)
        #expect(test.rowCount == 60)
        let latestTrain = Fixture.ids(train).map { seconds[$0] }.max()!
        let earliestTest = Fixture.ids(test).map { seconds[$0] }.min()!
        #expect(latestTrain <= earliestTest)
        Fixture.expectPartition(Fixture.ids(train), Fixture.ids(test), count: 200)
    }

    @Test func timeSplitAtCutoffIsStrict() throws {
        let table = try Self.timed()
        let (train, test) = try table.timeSplit(on: "at", cutoff: 300)
        #expect(Fixture.ids(train) == [1, 6])
        #expect(Fixture.ids(test) == [0, 2, 3, 4, 5, 7])
    }

    @Test func timeSplitCutoffThatEmptiesASideThrows() throws {
        let table = try Self.timed()
        #expect(
            OperationsFixture.message { try table.timeSplit(on: "at", cutoff: 50) }
                == "column `at` has no rows before the cutoff 1970-01-01T00:00:50Z (times run from 1970-01-01T00:01:40Z to 1970-01-01T00:13:20Z); each side needs at least one row"
        )
        #expect(
            OperationsFixture.message { try table.timeSplit(on: "step", cutoff: 900) }
                == "column `step` has no rows at or after the cutoff 900 (times run from 100 to 800); each side needs at least one row"
        )
        #expect(throws: TableError.invalidArgument("time split cutoff must be a finite number, got nan")) {
            try table.timeSplit(on: "at", cutoff: .nan)
        }
    }

    @Test func timeSplitRejectsMissingTimesAndOtherKinds() throws {
        let table = try Table([
            ("at", .timestamp(TimestampColumn(secondsSinceEpoch: [1, nil, 3, nil, 5]))),
            ("label", .categorical(CategoricalColumn(["a", "b", "a", "b", "a"]))),
        ])
        #expect(
            OperationsFixture.message { try table.timeSplit(on: "at", testFraction: 0.4) }
                == "column `at` has 2 missing values; a time split needs a time on every row (drop or fill them first)"
        )
        #expect(throws: TableError.wrongKind(column: "label", expected: "timestamp or numeric (for a time split)", found: .categorical)) {
            try table.timeSplit(on: "label", cutoff: 3)
        }
        #expect(throws: TableError.unknownColumn("time", suggestion: nil)) {
            try table.timeSplit(on: "time", testFraction: 0.4)
        }
        #expect(throws: TableError.self) { try table.timeSplit(on: "at", testFraction: 1) }
    }
}
