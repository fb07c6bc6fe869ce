import ApusModel
import ApusMonitor
import ApusTable

/// The fairness section: per group of a sensitive column, the binary decisions' rates, and the
/// disparities between groups as fairlearn defines them.
enum MonitorFairness {
    static func json(model: Model, sensitive name: String, current: Table, predictions: MonitorPredictions,
                     labels: MonitorLabels?, threshold: Double) throws -> ReportJSON {
        guard let column = current[name] else {
            throw ServiceError("monitor: the current data has no sensitive column `\(name)`"
                               + (closestName(to: name, among: current.columnNames).map { " (did you mean `\($0)`?)" } ?? ""))
        }
        guard model.task == .binary else {
            return .object([("sensitive", .string(name)),
                            ("note", .string("fairness rates need a binary classifier; this model's task is \(model.task.rawValue)"))])
        }
        var groups = (0..<column.count).map { column.formattedValue(at: $0) }
        var probabilities = predictions.values
        var actual: [Bool]?
        var note: String?
        if let labels {
            let labelled = labels.values.indices.filter { !labels.values[$0].isNaN }
            if labelled.count == labels.values.count {
                actual = labels.values.map { $0 == 1 }
            } else if !labelled.isEmpty {
                groups = labelled.map { groups[$0] }
                probabilities = labelled.map { probabilities[$0] }
                actual = labelled.map { labels.values[$0] == 1 }
                note = "computed on the \(labelled.count) labelled rows of \(labels.values.count)"
            }
        }
        let report: FairnessReport
        do {
            report = try FairnessReport.compute(groups: groups, probabilities: probabilities, threshold: threshold, actual: actual)
        } catch {
            throw ServiceError("monitor: fairness on `\(name)`: \(error)")
        }
        func rates(_ group: GroupRates) -> [(String, ReportJSON)] {
            [("count", .integer(group.count)), ("selection_rate", .number(group.selectionRate)),
             ("tpr", .number(group.truePositiveRate)), ("fpr", .number(group.falsePositiveRate)),
             ("precision", .number(group.precision))]
        }
        var members: [(String, ReportJSON)] = [
            ("sensitive", .string(name)), ("threshold", .number(threshold)), ("labelled", .bool(actual != nil)),
            ("overall", .object(rates(report.overall))),
            ("groups", .array(report.groups.map { .object([("group", .string($0.group))] + rates($0)) })),
            ("demographic_parity_difference", .number(report.demographicParityDifference)),
            ("demographic_parity_ratio", .number(report.demographicParityRatio)),
            ("equalized_odds_difference", .number(report.equalizedOddsDifference)),
            ("equalized_odds_ratio", .number(report.equalizedOddsRatio)),
            ("equal_opportunity_difference", .number(report.equalOpportunityDifference)),
            ("equal_opportunity_ratio", .number(report.equalOpportunityRatio)),
        ]
        if let note { members.append(("note", .string(note))) }
        return .object(members)
    }
}
