/// Global importance as horizontal bars, largest at the top: mean |SHAP value| or
/// permutation importance, with optional error bars (± one standard deviation) and each
/// value written at its bar's end.
public struct ImportancePlot: Sendable {
    /// One name per feature.
    public var names: [String]
    /// One importance per feature (may be negative, as permutation importance can be).
    public var values: [Double]
    /// One spread per feature (a standard deviation, drawn as ± error bars), or empty.
    public var spreads: [Double]
    /// The most bars shown; at least 1, defaults to 20. The rest are summed into a last bar
    /// when `sumsOthers` (shap's "Sum of N other features"), else left out with a note.
    public var maxDisplay: Int
    /// Whether the features beyond `maxDisplay` share one summed bar (right for mean |SHAP|;
    /// for permutation importance, whose values do not add, set false).
    public var sumsOthers: Bool
    /// The x axis title, e.g. "mean |SHAP value| (log-odds)" or "Permutation importance (AUC decrease)".
    public var valueLabel: String
    /// A title above the plot, if any.
    public var title: String?
    /// The width of the view box; the height follows from the number of bars.
    public var width: Double

    /// Bars of `values`, one per name.
    public init(
        names: [String], values: [Double], spreads: [Double] = [], maxDisplay: Int = 20, sumsOthers: Bool = true,
        valueLabel: String = "mean |SHAP value|", title: String? = nil, width: Double = 800
    ) {
        self.names = names
        self.values = values
        self.spreads = spreads
        self.maxDisplay = maxDisplay
        self.sumsOthers = sumsOthers
        self.valueLabel = valueLabel
        self.title = title
        self.width = width
    }

    /// The plot as a standalone SVG document.
    /// - Throws: `ExplainError` naming the input when the lengths disagree, there are no
    ///   features, a value or spread is not finite (or a spread negative), or `maxDisplay` < 1.
    public func svg() throws(ExplainError) -> String {
        try PlotChecks.nonEmpty(names.count, "features", in: "names")
        try PlotChecks.maxDisplay(maxDisplay)
        try PlotChecks.count(values.count, of: "values", expected: names.count, shape: "\(names.count) names")
        try PlotChecks.finite(values, "values") { "feature `\(names[$0])`" }
        if !spreads.isEmpty {
            try PlotChecks.count(spreads.count, of: "spreads", expected: names.count, shape: "\(names.count) names")
            try PlotChecks.finite(spreads, "spreads") { "feature `\(names[$0])`" }
            if let index = spreads.firstIndex(where: { $0 < 0 }) {
                throw ExplainError("spreads holds \(spreads[index]) for feature `\(names[index])`; a spread cannot be negative")
            }
        }
        return render()
    }

    private struct Bar {
        let name: String, value: Double, spread: Double?, isOthers: Bool
    }

    /// The bars, top first, and how many features are left out (none when summed).
    private func bars() -> (bars: [Bar], omitted: Int) {
        func bar(_ feature: Int) -> Bar {
            Bar(name: names[feature], value: values[feature], spread: spreads.isEmpty ? nil : spreads[feature], isOthers: false)
        }
        guard sumsOthers else {
            let order = FeatureSelection(importance: values, maxDisplay: names.count).shown
            return (order.prefix(maxDisplay).map(bar), max(0, names.count - maxDisplay))
        }
        let selection = FeatureSelection(importance: values, maxDisplay: maxDisplay)
        var bars = selection.shown.map(bar)
        if !selection.others.isEmpty {
            bars.append(Bar(name: selection.othersLabel, value: selection.others.reduce(0) { $0 + values[$1] }, spread: nil, isOthers: true))
        }
        return (bars, 0)
    }

    private func render() -> String {
        let (bars, omitted) = bars()
        let rowHeight = 28.0, labelRoom = 64.0
        let left = max(90, PlotStyle.widest(bars.map(\.name)) + 22)
        let top = title == nil ? 20.0 : 48, plotHeight = Double(bars.count) * rowHeight
        let height = top + plotHeight + (omitted > 0 ? 78 : 62)
        let lows = bars.map { min(0, $0.value - ($0.spread ?? 0)) }, highs = bars.map { max(0, $0.value + ($0.spread ?? 0)) }
        let extent = NiceTicks.widened(lower: lows.min() ?? 0, upper: highs.max() ?? 1, count: max(3, Int((width - left - labelRoom) / 75)))
        let scale = LinearScale(
            lower: extent.lower, upper: extent.upper,
            start: left + (extent.lower < 0 ? labelRoom : 0), end: width - labelRoom)

        var document = SVGDocument(width: width, height: height)
        document.plotTitle(title)
        document.xAxis(scale: scale, step: extent.step, y: top + plotHeight, title: valueLabel, gridTop: top)
        for (position, bar) in bars.enumerated() {
            let centre = top + (Double(position) + 0.5) * rowHeight
            let (from, to) = (scale(0), scale(bar.value))
            let colour = bar.isOthers ? "#999999" : (bar.value < 0 ? PlotStyle.positive : PlotStyle.neutral)
            document.openGroup(class: bar.isOthers ? "feature others" : "feature", title: "\(bar.name): \(PlotNumberFormat.compact(bar.value))")
            document.fittedText(bar.name, x: left - 12, y: centre + 4.5, maxWidth: PlotStyle.maxLabelWidth, anchor: "end", class: "feature-label")
            document.rect(x: min(from, to), y: centre - rowHeight * 0.35, width: abs(to - from), height: rowHeight * 0.7, fill: colour, class: "bar")
            var end = to
            if let spread = bar.spread, spread > 0 {
                let (low, high) = (scale(bar.value - spread), scale(bar.value + spread))
                document.line(low, centre, high, centre, stroke: "#222222", width: 1.2, class: "error-bar")
                document.line(low, centre - 5, low, centre + 5, stroke: "#222222", width: 1.2)
                document.line(high, centre - 5, high, centre + 5, stroke: "#222222", width: 1.2)
                end = bar.value < 0 ? low : high
            }
            let label = PlotNumberFormat.compact(bar.value)
            document.text(label, x: bar.value < 0 ? end - 6 : end + 6, y: centre + 4.5, size: PlotStyle.tickSize, anchor: bar.value < 0 ? "end" : "start", class: "value-label")
            document.closeGroup()
        }
        if extent.lower < 0 { document.line(scale(0), top, scale(0), top + plotHeight, stroke: PlotStyle.axis, class: "zero") }
        if omitted > 0 {
            document.text("\(omitted) more features not shown", x: width - 8, y: height - 8, size: PlotStyle.noteSize, anchor: "end", class: "note")
        }
        return document.rendered(description: "Importance of \(names.count) features, largest first")
    }
}
