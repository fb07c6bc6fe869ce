import ApusModel
import ApusTable
import Testing
@testable import ApusMonitor

@Suite("Data quality: missing rate, range, unseen levels, constant columns")
struct QualityFeatureTests {
    typealias F = QualityFixtures

    private func ageFindings(_ values: [Double?], _ expectation: FeatureExpectation?,
                             options: QualityOptions = QualityOptions(checksDuplicates: false)) throws -> [QualityFinding] {
        // One column repeats values often: duplicated rows are tested on their own.
        let schema = try F.schema([Feature(name: "age", kind: .numeric)])
        return DataQuality.check(current: try F.table([("age", F.numbers(values))]), schema: schema,
                                 expectations: expectation.map { [$0] } ?? [], options: options)
    }

    @Test("the two-proportion z-test by hand")
    func zTest() throws {
        // x1 = 100 of 1,000, x2 = 12 of 50: p̂ = 112/1050, z = 0.14 / √(p̂(1 − p̂)(1/1000 + 1/50)).
        let test = try #require(MissingRateTest.test(trainingRate: 0.1, trainingRows: 1000, currentMissing: 12, currentRows: 50))
        #expect(abs(test.z - 3.1296607035592503) < 1e-12)
        #expect(abs(test.pValue - 0.0008750415826416628) < 1e-15)
        #expect(MissingRateTest.test(trainingRate: 0.1, trainingRows: 0, currentMissing: 12, currentRows: 50) == nil)
        #expect(MissingRateTest.test(trainingRate: 0, trainingRows: 10, currentMissing: 0, currentRows: 50) == nil)
    }

    @Test("a missing-rate rise is flagged when above 5 points and p < 0.01, not otherwise")
    func missingRate() throws {
        let expectation = FeatureExpectation(name: "age", kind: .numeric, missingRate: 0.1, trainingRows: 1000)
        // 12 of 50 missing (24%) against 10%: +14 points, p = 0.00088.
        let values: [Double?] = (0..<50).map { (i: Int) -> Double? in i % 4 == 1 && i < 48 ? nil : Double(30 + i % 3) }
        let findings = try ageFindings(values, expectation)
        #expect(F.summary(findings) == ["missing_rate_increase age warning 12"])
        #expect(findings[0].share == 0.24 && findings[0].exampleRow == 2)
        #expect(findings[0].message == "`age`: 12 of 50 rows (24.0%) are missing, against 10.0% in training "
            + "(+14.0 points; z = 3.13, one-sided p = 0.00088), first at row 2: check the feed that fills it")
        // The same rise with a stricter p-value threshold: not flagged.
        #expect(try ageFindings(values, expectation, options: QualityOptions(missingPValue: 0.0005, checksDuplicates: false)).isEmpty)
        // 2 of 10 (20%) against 5% of 1,000: +15 points but p = 0.016: chance.
        let few = FeatureExpectation(name: "age", kind: .numeric, missingRate: 0.05, trainingRows: 1000)
        #expect(try ageFindings([nil, nil, 1, 2, 3, 4, 5, 6, 7, 8], few).isEmpty)
        // 6 of 20 (30%) against 5%: p < 0.0001.
        let many: [Double?] = (0..<20).map { (i: Int) -> Double? in i < 6 ? nil : Double(i) }
        #expect(try ageFindings(many, few)[0].message == "`age`: 6 of 20 rows (30.0%) are missing, against 5.0% in training "
            + "(+25.0 points; z = 4.86, one-sided p < 0.0001), first at row 1: check the feed that fills it")
        // Below the 5-point threshold, however significant: 5% against 1% of 100,000 rows.
        let big = FeatureExpectation(name: "age", kind: .numeric, missingRate: 0.01, trainingRows: 100_000)
        let slightly: [Double?] = (0..<1000).map { (i: Int) -> Double? in i < 50 ? nil : 1.0 + Double(i % 7) }
        #expect(try ageFindings(slightly, big).isEmpty)
        // Training row count unknown: the threshold alone.
        let unknown = FeatureExpectation(name: "age", kind: .numeric, missingRate: 0.05)
        #expect(try ageFindings([nil, nil, 1, 2, 3, 4, 5, 6, 7, 8], unknown)[0].message
            == "`age`: 2 of 10 rows (20.0%) are missing, against 5.0% in training "
            + "(+15.0 points; no test: the training row count is unknown), first at row 1: check the feed that fills it")
    }

    @Test("out-of-range values: count, share, below and above, the most extreme value and its row")
    func outOfRange() throws {
        // Training had 20% missing, so the one missing value here is no rise.
        let range = FeatureExpectation(name: "age", kind: .numeric, minimum: 18, maximum: 90, missingRate: 0.2, trainingRows: 1000)
        let findings = try ageFindings([10, 50, 95, 150, nil, 20], range)
        #expect(F.summary(findings) == ["out_of_range age warning 3"])
        #expect(findings[0].share == 0.5 && findings[0].exampleRow == 4 && findings[0].exampleValue == "150")
        #expect(findings[0].message == "`age`: 3 of 6 rows (50.0%) are outside the training range [18, 90] "
            + "(1 below, 2 above); the most extreme is 150 at row 4; trees treat every value past the edge like the edge")
        // The low side farther out; a one-sided range.
        let low = try ageFindings([-100, 95, 30], F.ageExpectation)
        #expect(low[0].exampleValue == "-100" && low[0].exampleRow == 1)
        let oneSided = try ageFindings([-0.5, 3, 1e9], FeatureExpectation(name: "age", kind: .numeric, minimum: 0))
        #expect(oneSided[0].message == "`age`: 1 of 3 rows (33.3%) are outside the training range [0, inf] "
            + "(1 below, 0 above); the most extreme is -0.5 at row 1; trees treat every value past the edge like the edge")
        // A stale expectation (another kind) gives no range.
        #expect(try ageFindings([1000, 2], FeatureExpectation(name: "age", kind: .categorical, minimum: 0, maximum: 1)).isEmpty)
    }

    @Test("unseen levels: count, share, the most frequent examples with counts, and the rest counted")
    func unseenLevels() throws {
        let table = try F.table([
            ("age", F.numbers((0..<9).map { (i: Int) -> Double? in 30 + Double(i) })),
            ("colour", F.levels(["red", "teal", "mauve", "teal", "green", "pink", "teal", "mauve", "blue"])),
        ])
        let findings = DataQuality.check(current: table, schema: try F.ageAndColour(),
                                         expectations: [F.colourExpectation], options: QualityOptions(maxExampleLevels: 2))
        #expect(F.summary(findings) == ["unseen_categories colour warning 6"])
        #expect(findings[0].share == 6.0 / 9 && findings[0].exampleRow == 2 && findings[0].exampleValue == "teal")
        #expect(findings[0].message == "`colour`: 6 of 9 rows (66.7%) hold levels the model never saw: `teal` (3), "
            + "`mauve` (2), and 1 more level; first at row 2 (`teal`); the model routes them as unseen levels: "
            + "retrain if they are here to stay")
        // Without an expectation the model's schema levels decide; with one, its levels do.
        let own = DataQuality.check(current: table, schema: try F.ageAndColour())
        #expect(F.summary(own) == ["unseen_categories colour warning 6"])
        let wider = FeatureExpectation(name: "colour", kind: .categorical, levels: F.colours + ["teal", "mauve", "pink"])
        #expect(DataQuality.check(current: table, schema: try F.ageAndColour(), expectations: [wider]).isEmpty)
    }

    @Test("a single distinct value is a warning; all missing is an error")
    func constantColumns() throws {
        let constant = try ageFindings([5, 5, nil, 5], nil)
        #expect(F.summary(constant) == ["constant_column age warning 3"])
        #expect(constant[0].share == 0.75 && constant[0].exampleRow == 1 && constant[0].exampleValue == "5")
        #expect(constant[0].message == "`age` holds the single value 5 in all 3 non-missing rows (first at row 1); "
            + "a constant feature gives the model nothing to go on: check the feed")
        #expect(try ageFindings([-0.0, 0, nil], nil).map(\.check) == [.constantColumn])
        #expect(try ageFindings([5, nil], nil).isEmpty)  // one value is not evidence of a constant column
        let missing = try ageFindings([nil, nil, nil], nil)
        #expect(F.summary(missing) == ["all_missing age error 3"])
        #expect(missing[0].share == 1)
        #expect(missing[0].message == "`age` is missing in all 3 rows; the model sees no value of it: check the feed that fills it")
        // With training's missing rate known, the rise is reported too.
        #expect(F.summary(try ageFindings([nil, nil, nil], F.ageExpectation))
            == ["all_missing age error 3", "missing_rate_increase age warning 3"])
        let schema = try F.schema([Feature(name: "colour", kind: .categorical, levels: F.colours)])
        let levels = DataQuality.check(current: try F.table([("colour", F.levels(["red", nil, "red"]))]), schema: schema,
                                       options: QualityOptions(checksDuplicates: false))
        #expect(levels.map(\.message) == ["`colour` holds the single value `red` in all 2 non-missing rows (first at row 1); "
            + "a constant feature gives the model nothing to go on: check the feed"])
        #expect(levels[0].exampleValue == "red")
    }
}
