/// Per-group rates of a binary classifier's decisions and the disparities between groups, as
/// fairlearn's `MetricFrame` and its disparity functions compute them with
/// `method="between_groups"` and `agg="worst_case"`.
///
/// The sensitive column need not be a model feature. Rows whose group is missing form their own
/// group, `"(missing)"` (fairlearn refuses missing values; pass that name to it to compare).
/// Groups are sorted by name in Unicode code-point order, as pandas sorts `MetricFrame.by_group`.
public struct FairnessReport: Sendable, Equatable {
    /// The name of the group of rows whose sensitive value is missing.
    public static let missingGroupName = "(missing)"
    /// The `group` of `overall`.
    public static let overallName = "(overall)"

    /// One entry per group, sorted by name.
    public let groups: [GroupRates]
    /// Every row together (missing groups included), as `MetricFrame.overall`.
    public let overall: GroupRates

    /// max − min of the groups' selection rates (`demographic_parity_difference`).
    public let demographicParityDifference: Double
    /// min / max of the groups' selection rates (`demographic_parity_ratio`); NaN when nobody is selected.
    public let demographicParityRatio: Double
    /// The larger of the TPR and FPR differences (`equalized_odds_difference`); nil without labels.
    public let equalizedOddsDifference: Double?
    /// The smaller of the TPR and FPR ratios (`equalized_odds_ratio`); nil without labels. As in
    /// fairlearn, NaN when the TPR ratio is NaN (every group's TPR is 0) and the TPR ratio when only
    /// the FPR ratio is NaN.
    public let equalizedOddsRatio: Double?
    /// max − min of the groups' TPRs (`equal_opportunity_difference`); nil without labels.
    public let equalOpportunityDifference: Double?
    /// min / max of the groups' TPRs (`equal_opportunity_ratio`); NaN when every TPR is 0; nil without labels.
    public let equalOpportunityRatio: Double?

    /// Computes the report from decisions.
    /// - Parameters:
    ///   - groups: each row's sensitive value; nil is missing.
    ///   - predicted: each row's decision (true = selected, the positive class).
    ///   - actual: each row's label (true = positive), or nil when there are no labels: then only
    ///     counts, selection rates and demographic parity are reported.
    /// - Throws: `DriftError.emptyInput` when there are no rows, `.lengthMismatch` naming the
    ///   arguments when `predicted` or `actual` does not have one value per row of `groups`.
    public static func compute(groups: [String?], predicted: [Bool], actual: [Bool]?) throws(DriftError) -> FairnessReport {
        if groups.isEmpty { throw .emptyInput(argument: "groups") }
        if predicted.count != groups.count {
            throw .lengthMismatch(argument: "predicted", count: predicted.count, expected: "groups", expectedCount: groups.count)
        }
        if let actual, actual.count != groups.count {
            throw .lengthMismatch(argument: "actual", count: actual.count, expected: "groups", expectedCount: groups.count)
        }
        var index: [String: Int] = [:]
        var names: [String] = []
        var tallies: [Tally] = []
        var total = Tally()
        for row in groups.indices {
            let name = groups[row] ?? missingGroupName
            let g: Int
            if let known = index[name] {
                g = known
            } else {
                g = names.count
                index[name] = g
                names.append(name)
                tallies.append(Tally())
            }
            let label = actual?[row]
            tallies[g].add(predicted: predicted[row], actual: label)
            total.add(predicted: predicted[row], actual: label)
        }
        let hasLabels = actual != nil
        let order = names.indices.sorted { names[$0].unicodeScalars.lexicographicallyPrecedes(names[$1].unicodeScalars) }
        let rates = order.map { tallies[$0].rates(group: names[$0], hasLabels: hasLabels) }
        let overall = total.rates(group: overallName, hasLabels: hasLabels)

        let selection = rates.map(\.selectionRate)
        var eoDifference: Double?, eoRatio: Double?, opportunityDifference: Double?, opportunityRatio: Double?
        if hasLabels {
            let tpr = rates.map { $0.truePositiveRate ?? .nan }, fpr = rates.map { $0.falsePositiveRate ?? .nan }
            opportunityDifference = Disparity.difference(tpr)
            opportunityRatio = Disparity.ratio(tpr)
            eoDifference = Disparity.pythonMax(Disparity.difference(tpr), Disparity.difference(fpr))
            eoRatio = Disparity.pythonMin(Disparity.ratio(tpr), Disparity.ratio(fpr))
        }
        return FairnessReport(
            groups: rates, overall: overall,
            demographicParityDifference: Disparity.difference(selection),
            demographicParityRatio: Disparity.ratio(selection),
            equalizedOddsDifference: eoDifference, equalizedOddsRatio: eoRatio,
            equalOpportunityDifference: opportunityDifference, equalOpportunityRatio: opportunityRatio)
    }

    /// Computes the report from predicted probabilities of the positive class: a row is selected
    /// when its probability is at least `threshold` (as Apus serving turns a probability into a class).
    /// - Throws: as `compute(groups:predicted:actual:)`, and `DriftError.invalidProbability` for a
    ///   NaN or out-of-[0, 1] probability, `.invalidParameter` for a threshold outside [0, 1].
    public static func compute(groups: [String?], probabilities: [Double], threshold: Double = 0.5,
                               actual: [Bool]?) throws(DriftError) -> FairnessReport {
        if !(threshold >= 0 && threshold <= 1) { throw .invalidParameter(name: "threshold", value: threshold) }
        if probabilities.count != groups.count, !groups.isEmpty {
            throw .lengthMismatch(argument: "probabilities", count: probabilities.count, expected: "groups", expectedCount: groups.count)
        }
        var predicted = [Bool]()
        predicted.reserveCapacity(probabilities.count)
        for (row, p) in probabilities.enumerated() {
            if !(p >= 0 && p <= 1) { throw .invalidProbability(argument: "probabilities", index: row, value: p) }
            predicted.append(p >= threshold)
        }
        return try compute(groups: groups, predicted: predicted, actual: actual)
    }
}

/// Confusion counts accumulated row by row.
private struct Tally {
    var count = 0, selected = 0, positives = 0, truePositives = 0, falsePositives = 0

    mutating func add(predicted: Bool, actual: Bool?) {
        count += 1
        if predicted { selected += 1 }
        guard let actual else { return }
        if actual {
            positives += 1
            if predicted { truePositives += 1 }
        } else if predicted {
            falsePositives += 1
        }
    }

    func rates(group: String, hasLabels: Bool) -> GroupRates {
        let labels = hasLabels
            ? GroupRates.LabelCounts(positives: positives, negatives: count - positives,
                                     truePositives: truePositives, falsePositives: falsePositives)
            : nil
        return GroupRates(group: group, count: count, selected: selected, labels: labels)
    }
}
