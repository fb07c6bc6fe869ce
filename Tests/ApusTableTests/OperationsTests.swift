import Testing
@testable import ApusTable

/// Small tables for the operations and split tests.
enum OperationsFixture {
    /// Five rows, one column of every kind; row 2 is missing in every column.
    static func mixed() throws -> Table {
        try Table([
            ("id", .numeric(NumericColumn([1, 2, nil, 4, 5] as [Double?]))),
            ("color", .categorical(CategoricalColumn(["red", "blue", nil, "red", "green"]))),
            ("flag", .boolean(BooleanColumn([true, false, nil, true, false]))),
            ("note", .text(TextColumn(["héllo", "", nil, "a,b", "zz"]))),
            ("when", .timestamp(TimestampColumn(secondsSinceEpoch: [0, 86_400, nil, 3_600, 1e9]))),
        ])
    }

    /// Every value of `table` as CSV text (`nil` for missing), row by row.
    static func cells(_ table: Table) -> [[String?]] {
        (0..<table.rowCount).map { row in table.columns.map { $0.formattedValue(at: row) } }
    }

    /// The `description` of the error `body` throws, or `""` when it does not throw.
    static func message(_ body: () throws -> Any) -> String {
        do {
            _ = try body()
            return ""
        } catch {
            return "\(error)"
        }
    }
}

@Suite struct OperationsTests {
    typealias Fixture = OperationsFixture

    @Test func selectingKeepsGivenOrderAndSharesStorage() throws {
        let table = try Fixture.mixed()
        let picked = try table.selecting(columns: ["when", "id"])
        #expect(picked.columnNames == ["when", "id"])
        #expect(picked.rowCount == 5)
        #expect(picked["id"]?.numeric?.storage === table["id"]?.numeric?.storage)
    }

    @Test func selectingUnknownOrRepeatedNameThrows() throws {
        let table = try Fixture.mixed()
        #expect(throws: TableError.unknownColumn("colr", suggestion: "color")) {
            try table.selecting(columns: ["id", "colr"])
        }
        #expect(Fixture.message { try table.selecting(columns: ["colr"]) } == "no column named `colr`; did you mean `color`?")
        #expect(throws: TableError.duplicateColumnName("id", firstPosition: 1, secondPosition: 2)) {
            try table.selecting(columns: ["id", "id"])
        }
    }

    @Test func droppingKeepsTheRestInOrder() throws {
        let table = try Fixture.mixed()
        #expect(try table.dropping(columns: ["color", "note"]).columnNames == ["id", "flag", "when"])
        #expect(try table.dropping(columns: []).columnNames == table.columnNames)
        #expect(try table.dropping(columns: table.columnNames).columnCount == 0)
        #expect(throws: TableError.unknownColumn("flags", suggestion: "flag")) {
            try table.dropping(columns: ["id", "flags"])
        }
    }

    @Test func renamingMapsOldToNew() throws {
        let table = try Fixture.mixed()
        let renamed = try table.renaming(columns: ["id": "key", "when": "at"])
        #expect(renamed.columnNames == ["key", "color", "flag", "note", "at"])
        let swapped = try table.renaming(columns: ["id": "color", "color": "id"])
        #expect(swapped.columnNames == ["color", "id", "flag", "note", "when"])
        #expect(swapped["color"]?.kind == .numeric)
    }

    @Test func renamingRejectsUnknownEmptyAndClashingNames() throws {
        let table = try Fixture.mixed()
        #expect(throws: TableError.unknownColumn("idd", suggestion: "id")) {
            try table.renaming(columns: ["idd": "key"])
        }
        #expect(throws: TableError.emptyColumnName(position: 3)) {
            try table.renaming(columns: ["flag": ""])
        }
        #expect(
            Fixture.message { try table.renaming(columns: ["id": "color"]) }
                == "renaming would give two columns named `color` (from `id` and `color`); names must be unique"
        )
    }

    @Test func rowsGathersEveryKindWithMissingValues() throws {
        let table = try Fixture.mixed()
        let taken = try table.rows([4, 0, 2, 2, 3])
        #expect(taken.columnNames == table.columnNames)
        #expect(taken.schema == table.schema)
        #expect(Fixture.cells(taken) == [
            ["5", "green", "false", "zz", "2001-09-09T01:46:40Z"],
            ["1", "red", "true", "héllo", "1970-01-01T00:00:00Z"],
            [nil, nil, nil, nil, nil],
            [nil, nil, nil, nil, nil],
            ["4", "red", "true", "a,b", "1970-01-01T01:00:00Z"],
        ])
        #expect(taken["color"]?.categorical?.levels == ["red", "blue", "green"])
    }

    @Test func textGatherRebuildsBytesAndOffsets() throws {
        let table = try Fixture.mixed()
        guard case .text(let note)? = try table.rows([3, 1, 0])["note"] else {
            Issue.record("note is not text")
            return
        }
        #expect(note.offsets.array == [0, 3, 3, 9])
        #expect(String(decoding: note.bytes.array, as: UTF8.self) == "a,bhéllo")
        #expect(note[1] == "")
        #expect(!note.isMissing(1))
    }

    @Test func rowsWithNoIndicesGivesAnEmptyTableOfTheSameSchema() throws {
        let table = try Fixture.mixed()
        let empty = try table.rows([])
        #expect(empty.rowCount == 0)
        #expect(empty.schema == table.schema)
    }

    @Test func rowsOutOfRangeThrows() throws {
        let table = try Fixture.mixed()
        #expect(throws: TableError.rowOutOfRange(row: 5, rowCount: 5)) { try table.rows([0, 5, 9]) }
        #expect(throws: TableError.rowOutOfRange(row: -1, rowCount: 5)) { try table.rows([-1]) }
        #expect(Fixture.message { try table.rows([7]) } == "row index 7 is out of range for a table of 5 rows")
        #expect(throws: TableError.rowOutOfRange(row: 5, rowCount: 5)) { try table.columns[0].rows([5]) }
    }

    @Test func rowsWhereMaskKeepsOrder() throws {
        let table = try Fixture.mixed()
        let kept = try table.rows(where: [false, true, false, true, true])
        #expect(Fixture.cells(kept).map { $0[1] } == ["blue", "red", "green"])
        #expect(throws: TableError.invalidArgument("row mask has 2 values, the table has 5 rows")) {
            try table.rows(where: [true, false])
        }
    }

    /// A larger gather agrees with reading the values row by row.
    @Test func gatherMatchesRowByRowReads() throws {
        var random = SeededRandom(seed: 7)
        let count = 1000
        let words = (0..<count).map { row -> String? in
            row % 11 == 0 ? nil : String(repeating: "x", count: random.nextInt(below: 9)) + "\(row)"
        }
        let numbers = (0..<count).map { row -> Double? in row % 13 == 0 ? nil : Double(row) / 4 }
        let table = try Table([
            ("word", .text(TextColumn(words))),
            ("level", .categorical(CategoricalColumn(words.map { $0.map { String($0.prefix(2)) } }))),
            ("number", .numeric(NumericColumn(numbers))),
        ])
        let indices = (0..<3000).map { _ in random.nextInt(below: count) }
        let taken = try table.rows(indices)
        let original = Fixture.cells(table)
        let expected = indices.map { original[$0] }
        #expect(Fixture.cells(taken) == expected)
    }
}
