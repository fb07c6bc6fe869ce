import ApusModel
import ApusTable
import Testing
@testable import ApusMonitor

@Suite("Data quality: empty window, schema and a clean table")
struct QualitySchemaTests {
    typealias F = QualityFixtures

    @Test("an empty table gives one finding and nothing else")
    func emptyWindow() throws {
        let schema = try F.ageAndColour()
        for table in [Table(), try F.table([("age", F.numbers([])), ("id", F.numbers([]))])] {
            let findings = DataQuality.check(current: table, schema: schema, expectations: [F.ageExpectation])
            #expect(findings == [QualityFinding(check: .emptyWindow, column: nil, severity: .warning, count: 0, share: 0,
                                                message: "the current window has no rows")])
        }
    }

    @Test("a clean table gives only the info finding listing the extra column")
    func clean() throws {
        let table = try F.table([
            ("id", F.numbers([1, 2, 3, 4])), ("age", F.numbers([30, 40, 90, 18])),
            ("colour", F.levels(["red", "green", "blue", "red"])),
        ])
        let findings = DataQuality.check(current: table, schema: try F.ageAndColour(),
                                         expectations: [F.ageExpectation, F.colourExpectation])
        #expect(findings.count == 1)
        let extra = try #require(findings.first)
        #expect(extra.check == .extraColumns && extra.severity == .info && extra.column == nil)
        #expect(extra.count == 1 && extra.share == 1.0 / 3)
        #expect(extra.message == "1 column is not read by the model: `id`")
        // Without the extra column, nothing at all.
        let exact = try F.table([("age", F.numbers([30, 40])), ("colour", F.levels(["red", "blue"]))])
        #expect(DataQuality.check(current: exact, schema: try F.ageAndColour(), expectations: [F.ageExpectation]).isEmpty)
    }

    @Test("a missing feature is an error with a suggestion; extra columns are listed up to the limit")
    func missingFeatureAndExtras() throws {
        let table = try F.table([
            ("Age", F.numbers([30, 40])), ("colour", F.levels(["red", "blue"])),
            ("a", F.numbers([1, 2])), ("b", F.numbers([1, 2])), ("c", F.numbers([1, 2])),
        ])
        let findings = DataQuality.check(current: table, schema: try F.ageAndColour(),
                                         options: QualityOptions(maxListedColumns: 2))
        #expect(F.summary(findings) == ["missing_feature age error 2", "extra_columns - info 4"])
        #expect(findings[0].share == 1)
        #expect(findings[0].message == "model feature `age` is not a column of the current table (did you mean `Age`?); "
            + "the model cannot score these rows: add the column or fix its name")
        #expect(findings[1].message == "4 columns are not read by the model: `Age`, `a`, and 2 more")
        #expect(findings[1].share == 0.8)
    }

    @Test("text in a numeric feature is a type change naming the first bad value; the numbers are still checked")
    func typeChanged() throws {
        let schema = try F.schema([Feature(name: "income", kind: .numeric)])
        let expectation = FeatureExpectation(name: "income", kind: .numeric, minimum: 0, maximum: 100, missingRate: 0.2)
        let options = QualityOptions(checksDuplicates: false)
        for column in [F.levels(["10", "abc", "20", nil, "abc", "500"]), F.text(["10", "abc", "20", nil, "abc", "500"])] {
            let table = try F.table([("income", column)])
            let findings = DataQuality.check(current: table, schema: schema, expectations: [expectation], options: options)
            #expect(F.summary(findings) == ["type_changed income error 2", "out_of_range income warning 1"])
            let kind = column.kind == .text ? "text" : "categorical"
            #expect(findings[0].message == "`income` is numeric in the model, but the current column is \(kind) and "
                + "2 of 6 rows (33.3%) are not numbers, e.g. row 2 has `abc`; scoring stops at such a value: "
                + "fix the source or write it as missing")
            #expect(findings[0].exampleRow == 2 && findings[0].exampleValue == "abc")
            #expect(findings[1].exampleValue == "500" && findings[1].exampleRow == 6)
        }
        // Levels that all read as numbers are not a type change.
        let numericText = try F.table([("income", F.levels(["10", "20", "30"]))])
        #expect(DataQuality.check(current: numericText, schema: schema, expectations: [expectation]).isEmpty)
    }

    @Test("a categorical feature read from a numeric or boolean column looks its values up as text")
    func categoricalFromNumbers() throws {
        let schema = try F.schema([Feature(name: "grade", kind: .categorical, levels: ["1", "2", "3"]),
                                   Feature(name: "flag", kind: .categorical, levels: ["true", "false"])])
        let table = try F.table([
            ("grade", F.numbers([1, 2, 3, 4, 2, 2.5])),
            ("flag", .boolean(BooleanColumn([true, false, nil, true, true, false]))),
        ])
        let findings = DataQuality.check(current: table, schema: schema)
        #expect(F.summary(findings) == ["unseen_categories grade warning 2"])
        #expect(findings[0].message == "`grade`: 2 of 6 rows (33.3%) hold levels the model never saw: `4` (1), `2.5` (1); "
            + "first at row 4 (`4`); the model routes them as unseen levels: retrain if they are here to stay")
    }

    @Test("a numeric feature read from a boolean or timestamp column is numeric (0/1, seconds)")
    func numericFromBooleans() throws {
        let schema = try F.schema([Feature(name: "flag", kind: .numeric), Feature(name: "when", kind: .numeric)])
        let table = try F.table([
            ("flag", .boolean(BooleanColumn([true, false, true]))),
            ("when", .timestamp(TimestampColumn(secondsSinceEpoch: [0, 100, 200]))),
        ])
        let expectations = [FeatureExpectation(name: "flag", kind: .numeric, minimum: 0, maximum: 1),
                            FeatureExpectation(name: "when", kind: .numeric, minimum: 0, maximum: 150)]
        let findings = DataQuality.check(current: table, schema: schema, expectations: expectations)
        #expect(F.summary(findings) == ["out_of_range when warning 1"])
    }
}
