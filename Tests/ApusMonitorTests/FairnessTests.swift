import Testing
@testable import ApusMonitor

@Suite("Fairness metrics against fairlearn's MetricFrame")
struct FairnessTests {
    static let cases = ["two_groups", "five_groups", "no_positive_labels", "no_predicted_positives", "missing_groups",
                        "zero_max", "fpr_zero_max", "tpr_zero_max", "credit"]

    @Test("by_group, overall and the disparity functions to 1e-12", arguments: cases)
    func matchesFairlearn(name: String) throws {
        let c = try FairnessReference.load(name)
        let report = try FairnessReport.compute(groups: c.groups, predicted: c.predicted, actual: c.actual)
        #expect(report.groups.map(\.group) == c.names)
        let metrics: [(String, (GroupRates) -> Double?)] = [
            ("count", { Double($0.count) }), ("selection_rate", \.selectionRate), ("tpr", \.truePositiveRate),
            ("fpr", \.falsePositiveRate), ("precision", \.precision),
        ]
        var worst = 0.0
        for (metric, value) in metrics {
            let expected = try c.list("by_group_\(metric)")
            try #require(expected.count == report.groups.count)
            for (group, e) in zip(report.groups, expected) {
                #expect(FairnessReference.same(value(group), e), "\(name) \(group.group) \(metric): \(String(describing: value(group))) vs \(e)")
                if let v = value(group), e.isFinite { worst = max(worst, abs(v - e)) }
            }
            let overall = try c.number("overall_\(metric)")
            #expect(FairnessReference.same(value(report.overall), overall), "\(name) overall \(metric)")
        }
        let disparities: [(String, Double?)] = [
            ("demographic_parity_difference", report.demographicParityDifference),
            ("demographic_parity_ratio", report.demographicParityRatio),
            ("equalized_odds_difference", report.equalizedOddsDifference),
            ("equalized_odds_ratio", report.equalizedOddsRatio),
            ("equal_opportunity_difference", report.equalOpportunityDifference),
            ("equal_opportunity_ratio", report.equalOpportunityRatio),
        ]
        for (key, value) in disparities {
            let e = try c.number(key)
            #expect(FairnessReference.same(value, e), "\(name) \(key): \(String(describing: value)) vs \(e)")
            if let value, e.isFinite { worst = max(worst, abs(value - e)) }
        }
        print("fairness \(name): worst |Apus − fairlearn| = \(worst)")
    }

    @Test("without labels: counts, selection rates and demographic parity only")
    func withoutLabels() throws {
        let c = try FairnessReference.load("credit")
        let report = try FairnessReport.compute(groups: c.groups, predicted: c.predicted, actual: nil)
        #expect(report.groups.map(\.group) == c.names)
        #expect(zip(report.groups.map(\.selectionRate), try c.list("by_group_selection_rate")).allSatisfy { $0 == $1 })
        #expect(report.demographicParityDifference == (try c.number("demographic_parity_difference")))
        #expect(report.demographicParityRatio == (try c.number("demographic_parity_ratio")))
        #expect(report.groups.allSatisfy { $0.labels == nil && $0.truePositiveRate == nil && $0.precision == nil })
        #expect(report.equalizedOddsDifference == nil && report.equalOpportunityRatio == nil)
    }

    @Test("two groups by hand, and probabilities with a threshold")
    func byHand() throws {
        // a: labels 1 0 1 0, decisions 1 1 0 0 → TP 1, FP 1; b: labels 1 1 0 0, decisions 1 0 0 0 → TP 1.
        let groups: [String?] = ["b", "b", "b", "b", "a", "a", "a", "a"]
        let actual = [true, true, false, false, true, false, true, false]
        let probabilities = [0.9, 0.4, 0.1, 0.2, 0.5, 0.7, 0.49, 0.0]
        let report = try FairnessReport.compute(groups: groups, probabilities: probabilities, threshold: 0.5, actual: actual)
        let a = try #require(report.groups.first), b = try #require(report.groups.last)
        #expect(a.group == "a" && b.group == "b")
        #expect(a.selected == 2 && a.labels == GroupRates.LabelCounts(positives: 2, negatives: 2, truePositives: 1, falsePositives: 1))
        #expect(b.selected == 1 && b.labels == GroupRates.LabelCounts(positives: 2, negatives: 2, truePositives: 1, falsePositives: 0))
        #expect(a.selectionRate == 0.5 && b.selectionRate == 0.25)
        #expect(a.truePositiveRate == 0.5 && a.falsePositiveRate == 0.5 && a.precision == 0.5)
        #expect(b.truePositiveRate == 0.5 && b.falsePositiveRate == 0 && b.precision == 1)
        #expect(report.demographicParityDifference == 0.25 && report.demographicParityRatio == 0.5)
        #expect(report.equalOpportunityDifference == 0 && report.equalOpportunityRatio == 1)
        #expect(report.equalizedOddsDifference == 0.5 && report.equalizedOddsRatio == 0)
        #expect(report.overall.count == 8 && report.overall.selected == 3 && report.overall.group == FairnessReport.overallName)
    }

    @Test("missing group values form the group \"(missing)\", sorted by code point")
    func missingGroup() throws {
        let report = try FairnessReport.compute(groups: ["b", nil, "B", "a", nil], predicted: [true, false, true, true, true], actual: nil)
        #expect(report.groups.map(\.group) == ["(missing)", "B", "a", "b"])
        #expect(report.groups[0].count == 2 && report.groups[0].selected == 1)
    }

    @Test("bad input names the arguments")
    func badInput() {
        func message(_ body: () throws -> Void) -> String {
            do { try body() } catch { return "\(error)" }
            return "no error"
        }
        #expect(message { _ = try FairnessReport.compute(groups: [], predicted: [], actual: nil) }
            == "groups is empty; at least one row is needed")
        #expect(message { _ = try FairnessReport.compute(groups: ["a", "b"], predicted: [true], actual: nil) }
            == "predicted has 1 value but groups has 2; they must have one value per row")
        #expect(message { _ = try FairnessReport.compute(groups: ["a", "b"], predicted: [true, false], actual: [true, true, false]) }
            == "actual has 3 values but groups has 2; they must have one value per row")
        #expect(message { _ = try FairnessReport.compute(groups: ["a"], probabilities: [0.2, 0.3], actual: nil) }
            == "probabilities has 2 values but groups has 1; they must have one value per row")
        #expect(message { _ = try FairnessReport.compute(groups: ["a", "b"], probabilities: [0.2, .nan], actual: nil) }
            == "probabilities[1] is nan; probabilities must be in [0, 1]")
        #expect(message { _ = try FairnessReport.compute(groups: ["a"], probabilities: [0.2], threshold: 1.5, actual: nil) }
            == "threshold = 1.5 is out of range")
    }
}
