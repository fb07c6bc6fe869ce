import ApusMonitor
import ApusService
import ApusStore
import Foundation
import Testing

@Suite("apus monitor on the shared credit data against credit --shift", .enabled(if: MonitorCreditData.available))
struct ModelMonitoringTests {
    static func run(current: String, domainClassifier: Bool = true) throws -> MonitorOutcome {
        var request = MonitorRequest(model: try MonitorCreditData.modelPath.get())
        request.referencePath = try MonitorCreditData.path("reference.csv")
        request.currentPath = try MonitorCreditData.path(current)
        if !domainClassifier { request.domainClassifier = nil }
        return try ModelMonitoring.run(request) { throw ServiceError("no store in these tests") }
    }

    static func close(_ actual: Double?, _ expected: Double, relative: Double, absolute: Double = 0) -> Bool {
        guard let actual else { return false }
        if actual == expected { return true }
        return abs(actual - expected) <= max(relative * abs(expected), absolute)
    }

    @Test("every feature's statistics equal scipy's (1e-9 statistics, 1e-6 p-values)")
    func statisticsEqualScipy() throws {
        let outcome = try Self.run(current: "shifted.csv", domainClassifier: false)
        let expected = try MonitorCreditData.expected()
        let features = try #require(outcome.report["features"])
        #expect(features.members.count == 18)
        var checked = 0
        for (name, statistics) in expected {
            let feature = try #require(features[name], "feature \(name) is missing from the report")
            for (key, value) in statistics {
                let isPValue = key.hasSuffix("p_value")
                let ok = Self.close(feature[key]?.double, value, relative: isPValue ? 1e-6 : 1e-9, absolute: isPValue ? 1e-300 : 1e-12)
                #expect(ok, "\(name).\(key): apus \(String(describing: feature[key]?.double)), scipy \(value)")
                checked += 1
            }
        }
        #expect(checked >= 80)
    }

    @Test("the shifted data is flagged, with the features the shift moved")
    func shiftIsFlagged() throws {
        let outcome = try Self.run(current: "shifted.csv")
        #expect(outcome.alert)
        let features = try #require(outcome.report["features"])
        for name in ["income", "utilization", "age", "employment_type", "region", "loan_purpose", "age_band", "interest_rate"] {
            #expect(features[name]?["drifted"]?.bool == true, "\(name) should drift")
        }
        for name in ["sex", "loan_term_months", "debt_ratio"] {
            #expect(features[name]?["drifted"]?.bool == false, "\(name) should not drift")
        }
        #expect(outcome.report["predictions"]?["drifted"]?.bool == true)
        let domain = try #require(outcome.report["domain_classifier"])
        #expect((domain["auc"]?.double ?? 0) > 0.6)
        #expect(domain["drifted"]?.bool == true)
        let top = domain["top_features"]?.elements.compactMap { $0["feature"]?.stringValue } ?? []
        #expect(top.contains("region"))
    }

    @Test("a fresh sample of the same population is not flagged")
    func sameIsNotFlagged() throws {
        let outcome = try Self.run(current: "same.csv")
        #expect(!outcome.alert, "reasons: \(outcome.alertReasons)")
        #expect(outcome.report["dataset_drift"]?["drifted"]?.int == 0)
        #expect(outcome.report["domain_classifier"]?["drifted"]?.bool == false)
    }

    /// The false-alarm rate of the whole report (any alert reason) over 100 fresh samples of the
    /// reference's population: with Bonferroni over 18 features at α = 0.05 it should stay near 5%
    /// or below; printed for the closing note.
    @Test("false alarms over 100 fresh samples stay at the design rate")
    func falseAlarmRate() throws {
        var alerts = 0, featureFlags = 0
        for k in 0..<100 {
            let outcome = try Self.run(current: "null-\(k).csv")
            if outcome.alert { alerts += 1 }
            featureFlags += outcome.report["dataset_drift"]?["drifted"]?.int ?? 0
        }
        print("monitor false alarms: \(alerts) of 100 reports alerted; \(featureFlags) of 1800 feature verdicts drifted")
        #expect(alerts <= 12)
        #expect(featureFlags <= 18)
    }

    @Test("a current file without some model columns and with text in a numeric column is reported, not refused")
    func schemaDriftIsReported() throws {
        let source = try String(contentsOfFile: try MonitorCreditData.path("same.csv"), encoding: .utf8)
        var lines = source.split(separator: "\n").map { $0.split(separator: ",", omittingEmptySubsequences: false).map(String.init) }
        let header = lines[0]
        let drop = try #require(header.firstIndex(of: "region"))
        let age = try #require(header.firstIndex(of: "age"))
        for index in lines.indices {
            lines[index].remove(at: drop)
            if index == 5 { lines[index][age] = "forty" }
        }
        let path = NSTemporaryDirectory() + "apus-monitor-schema-\(UUID().uuidString).csv"
        try lines.map { $0.joined(separator: ",") }.joined(separator: "\n").write(toFile: path, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(atPath: path) }
        var request = MonitorRequest(model: try MonitorCreditData.modelPath.get())
        request.referencePath = try MonitorCreditData.path("reference.csv")
        request.currentPath = path
        request.domainClassifier = nil
        let outcome = try ModelMonitoring.run(request) { throw ServiceError("no store") }
        let region = try #require(outcome.report["features"]?["region"])
        #expect(region["test"] == .null)
        #expect(region["note"]?.stringValue == "not compared: the current data has no column `region`")
        #expect(outcome.report["features"]?["age"]?["current"]?["missing"]?.int == 1)
    }
}
