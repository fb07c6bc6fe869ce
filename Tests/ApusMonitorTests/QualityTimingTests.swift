import ApusModel
import ApusTable
import Testing
@testable import ApusMonitor

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Times the checks on a wide table. Off by default (debug builds are slow and the machine
/// is shared); `APUS_QUALITY_ROWS=1000000 swift test -c release --filter QualityTiming`.
@Suite("Data quality timing")
struct QualityTimingTests {
    static let rows = getenv("APUS_QUALITY_ROWS").flatMap { Int(String(cString: $0)) }

    @Test("rows × 30 columns (20 numeric, 10 categorical)", .enabled(if: rows != nil))
    func timing() throws {
        let n = try #require(Self.rows)
        var state: UInt64 = 42
        func next() -> UInt64 {
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            return state >> 11
        }
        var columns: [(name: String, column: Column)] = []
        var features: [Feature] = [], expectations: [FeatureExpectation] = []
        for j in 0..<20 {
            let values = ColumnBuffer<Double>(count: n) { out in
                for i in 0..<n { out[i] = next() % 50 == 0 ? .nan : Double(next() % 10_000) / 100 }
            }
            columns.append(("x\(j)", .numeric(NumericColumn(storage: values))))
            features.append(Feature(name: "x\(j)", kind: .numeric))
            expectations.append(FeatureExpectation(name: "x\(j)", kind: .numeric, minimum: 1, maximum: 99,
                                                   missingRate: 0.02, trainingRows: 1_000_000))
        }
        let levels = (0..<40).map { "level\($0)" }
        for j in 0..<10 {
            let codes = ColumnBuffer<UInt32>(count: n) { out in
                for i in 0..<n { out[i] = UInt32(next() % 40) }
            }
            columns.append(("c\(j)", .categorical(CategoricalColumn(codes: codes, levels: levels))))
            features.append(Feature(name: "c\(j)", kind: .categorical, levels: Array(levels.prefix(38))))
        }
        let table = try Table(columns)
        let schema = try QualityFixtures.schema(features)
        let clock = ContinuousClock()
        var findings: [QualityFinding] = []
        let elapsed = clock.measure {
            findings = DataQuality.check(current: table, schema: schema, expectations: expectations)
        }
        print("data quality: \(n) rows × 30 columns in \(elapsed); \(findings.count) findings")
        #expect(findings.filter { $0.check == .outOfRange }.count == 20)
        #expect(findings.filter { $0.check == .unseenCategories }.count == 10)
    }
}
