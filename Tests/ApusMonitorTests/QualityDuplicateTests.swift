import ApusModel
import ApusTable
import Testing
@testable import ApusMonitor

@Suite("Data quality: duplicated rows and every problem at once")
struct QualityDuplicateTests {
    typealias F = QualityFixtures

    @Test("duplicates over every column: missing equals missing, −0 equals +0, text compared by bytes")
    func duplicates() throws {
        let table = try F.table([
            ("a", F.numbers([1, 2, 1, 1, nil, nil, -0.0, 0, 7, 7])),
            ("b", F.levels(["x", "y", "x", "x", nil, nil, "z", "z", "w", "w"])),
            ("c", F.text(["p", "q", "p", "p", nil, nil, "", "", "ab", "a"])),
        ])
        let result = DuplicateRows.find(in: table)
        #expect(result.count == 4)
        #expect(result.firstPair?.earlier == 0 && result.firstPair?.later == 2)
        let finding = try #require(DataQuality.duplicateFinding(table))
        #expect(finding.count == 4 && finding.share == 0.4 && finding.exampleRow == 3 && finding.exampleValue == "row 1")
        #expect(finding.message == "4 of 10 rows (40.0%) repeat an earlier row over all 3 columns, e.g. row 3 repeats row 1; "
            + "look for a join or a retry that doubles rows")
        let single = try F.table([("a", F.numbers([1, 1]))])
        #expect(DataQuality.duplicateFinding(single)?.message == "1 of 2 rows (50.0%) repeat an earlier row over the only column, "
            + "e.g. row 2 repeats row 1; look for a join or a retry that doubles rows")
    }

    @Test("many distinct rows: none counted; each row repeated once: exactly half")
    func manyRows() throws {
        let n = 100_000
        let a = (0..<n).map { Double($0 / 7) }, b = (0..<n).map { "l\($0 % 7)" }
        let distinct = try F.table([("a", F.numbers(a)), ("b", F.levels(b))])
        #expect(DuplicateRows.find(in: distinct).count == 0)
        let twice = try F.table([("a", F.numbers(a + a)), ("b", F.levels(b + b))])
        let result = DuplicateRows.find(in: twice)
        #expect(result.count == n)
        #expect(result.firstPair?.earlier == 0 && result.firstPair?.later == n)
        #expect(QualityOptions().checksDuplicates)
        #expect(DataQuality.check(current: twice, schema: try F.schema([]), options: QualityOptions(checksDuplicates: false))
            .map(\.check) == [.extraColumns])
    }

    @Test("a table with every problem at once")
    func everything() throws {
        let schema = try F.schema([
            Feature(name: "age", kind: .numeric), Feature(name: "income", kind: .numeric),
            Feature(name: "colour", kind: .categorical, levels: F.colours), Feature(name: "flag", kind: .numeric),
            Feature(name: "region", kind: .categorical, levels: ["north", "south"]), Feature(name: "score", kind: .numeric),
            Feature(name: "note", kind: .numeric),
        ])
        let expectations = [
            F.ageExpectation, F.colourExpectation,
            FeatureExpectation(name: "income", kind: .numeric, minimum: 0, maximum: 1000, missingRate: 0, trainingRows: 5000),
            FeatureExpectation(name: "score", kind: .numeric, minimum: 0, maximum: 1, missingRate: 0.0, trainingRows: 5000),
        ]
        let table = try F.table([
            ("id", F.numbers([1, 2, 3, 4, 5, 6, 7, 8, 9, 9])),
            ("age", F.numbers([30, 40, 200, 35, 50, 60, 70, 10, 45, 45])),
            ("income", F.levels(["10", "20", "lots", "30", "40", "50", "60", "70", "80", "80"])),
            ("colour", F.levels(["red", "teal", "blue", "red", "green", "red", "blue", "green", "red", "red"])),
            ("flag", F.numbers([1, 1, 1, 1, 1, 1, 1, 1, 1, 1])),
            ("score", F.numbers([0.5, nil, nil, nil, nil, 0.2, 0.3, 0.4, nil, nil])),
            ("note", F.text([nil, nil, nil, nil, nil, nil, nil, nil, nil, nil])),
        ])
        let findings = DataQuality.check(current: table, schema: schema, expectations: expectations)
        #expect(F.summary(findings) == [
            "missing_feature region error 10",
            "extra_columns - info 1",
            "out_of_range age warning 2",
            "type_changed income error 1",
            "unseen_categories colour warning 1",
            "constant_column flag warning 10",
            "missing_rate_increase score warning 6",
            "all_missing note error 10",
            "duplicated_rows - warning 1",
        ])
        #expect(findings.first { $0.check == .typeChanged }?.exampleRow == 3)
        #expect(findings.first { $0.check == .unseenCategories }?.exampleValue == "teal")
        #expect(findings.first { $0.check == .duplicatedRows }?.exampleRow == 10)
        #expect(findings.allSatisfy { $0.share >= 0 && $0.share <= 1 && !$0.message.isEmpty })
    }
}
