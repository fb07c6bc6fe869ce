/// fairlearn's `MetricFrame.difference(method="between_groups")` and `.ratio(method="between_groups")`
/// of one metric over the groups.
enum Disparity {
    /// group max − group min (0 for a single group).
    static func difference(_ values: [Double]) -> Double {
        guard let low = values.min(), let high = values.max() else { return .nan }
        return high - low
    }

    /// group min / group max, as pandas divides: NaN when both are 0 (every group at 0).
    /// Rates are non-negative, so a 0 max means a 0 min.
    static func ratio(_ values: [Double]) -> Double {
        guard let low = values.min(), let high = values.max() else { return .nan }
        if high == 0 { return .nan }
        return low / high
    }

    /// fairlearn's `equalized_odds_ratio(agg="worst_case")`: Python's built-in `min` over the
    /// series [TPR ratio, FPR ratio], which keeps its first element when a comparison involves NaN:
    /// NaN when the TPR ratio is NaN, the TPR ratio when only the FPR ratio is NaN.
    static func pythonMin(_ first: Double, _ second: Double) -> Double {
        second < first ? second : first
    }

    /// Python's built-in `max` over [first, second] (used by `equalized_odds_difference`).
    static func pythonMax(_ first: Double, _ second: Double) -> Double {
        second > first ? second : first
    }
}
