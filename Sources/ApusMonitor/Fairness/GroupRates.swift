/// One group's confusion counts and the rates fairlearn reports for it.
///
/// The rates follow fairlearn 0.15 with scikit-learn's conventions for empty denominators:
/// `selection_rate` is selected / count; `true_positive_rate` and `false_positive_rate` come from
/// `confusion_matrix(normalize="true")`, whose 0/0 rows become 0 (`nan_to_num`), so a group with
/// no positive labels has TPR 0 and one with no negative labels has FPR 0; `precision_score`'s
/// default `zero_division="warn"` gives 0 for a group with no predicted positives.
public struct GroupRates: Sendable, Equatable {
    /// The group's name (`FairnessReport.missingGroupName` for rows whose group is missing), or
    /// `FairnessReport.overallName` for the whole sample.
    public let group: String
    /// Rows in the group.
    public let count: Int
    /// Rows predicted positive (selected).
    public let selected: Int
    /// Confusion counts; nil when there are no labels.
    public let labels: LabelCounts?

    /// Confusion counts of a group with labels.
    public struct LabelCounts: Sendable, Equatable {
        /// Rows whose label is positive (TP + FN) and negative (FP + TN).
        public let positives: Int
        public let negatives: Int
        /// Positive labels predicted positive, and negative labels predicted positive.
        public let truePositives: Int
        public let falsePositives: Int
    }

    /// selected / count.
    public var selectionRate: Double { Double(selected) / Double(count) }

    /// TP / (TP + FN), 0 when the group has no positive labels; nil without labels.
    public var truePositiveRate: Double? {
        labels.map { $0.positives == 0 ? 0 : Double($0.truePositives) / Double($0.positives) }
    }

    /// FP / (FP + TN), 0 when the group has no negative labels; nil without labels.
    public var falsePositiveRate: Double? {
        labels.map { $0.negatives == 0 ? 0 : Double($0.falsePositives) / Double($0.negatives) }
    }

    /// TP / (TP + FP), 0 when the group has no predicted positives; nil without labels.
    public var precision: Double? {
        labels.map { selected == 0 ? 0 : Double($0.truePositives) / Double(selected) }
    }
}
