/// shap's summary ("beeswarm") plot: one row per feature, ordered by mean |attribution|;
/// each point is one row of the data, placed at its attribution and coloured by the
/// feature's value (low to high on a colour-blind-safe scale; missing in grey), stacked
/// where points crowd so that density shows.
///
/// ```swift
/// let svg = try BeeswarmPlot(attributions: values, featureValues: features, featureNames: names).svg()
/// ```
public struct BeeswarmPlot: Sendable {
    /// Attributions of one output, rows × features, row-major.
    public var attributions: [Double]
    /// The features' values, rows × features, row-major (level codes for categorical
    /// features; NaN is missing). Empty: points are not coloured by value.
    public var featureValues: [Double]
    /// One name per feature, in matrix-column order.
    public var featureNames: [String]
    /// Whether each feature is categorical (coloured by level, not by a low–high scale);
    /// empty means none is.
    public var categorical: [Bool]
    /// The most rows shown; when there are more features, the last row is the sum of the
    /// rest ("Sum of N other features"), as in shap. At least 1; defaults to 20.
    public var maxDisplay: Int
    /// The unit of the attributions, shown in the x axis title ("log-odds", "probability").
    public var outputUnit: String
    /// A title above the plot, if any.
    public var title: String?
    /// The colour scale for feature values.
    public var colourScale: SequentialColourScale
    /// The width of the view box; the height follows from the number of rows.
    public var width: Double

    /// A beeswarm of `attributions` (rows × features) coloured by `featureValues`.
    public init(
        attributions: [Double], featureValues: [Double], featureNames: [String], categorical: [Bool] = [],
        maxDisplay: Int = 20, outputUnit: String = "log-odds", title: String? = nil,
        colourScale: SequentialColourScale = .viridis, width: Double = 800
    ) {
        self.attributions = attributions
        self.featureValues = featureValues
        self.featureNames = featureNames
        self.categorical = categorical
        self.maxDisplay = maxDisplay
        self.outputUnit = outputUnit
        self.title = title
        self.colourScale = colourScale
        self.width = width
    }

    /// The plot as a standalone SVG document.
    /// - Throws: `ExplainError` naming the input when the shapes disagree, there are no rows
    ///   or features, an attribution is not finite, or `maxDisplay` is below 1.
    public func svg() throws(ExplainError) -> String {
        let features = featureNames.count
        try PlotChecks.nonEmpty(features, "features", in: "featureNames")
        try PlotChecks.maxDisplay(maxDisplay)
        try PlotChecks.flags(categorical, features: features)
        guard attributions.count % features == 0 else {
            throw ExplainError("attributions has \(attributions.count) values, not a whole number of rows of \(features) features")
        }
        let rows = attributions.count / features
        try PlotChecks.nonEmpty(rows, "rows", in: "attributions")
        if !featureValues.isEmpty {
            try PlotChecks.count(featureValues.count, of: "featureValues", expected: rows * features, shape: "\(rows) rows × \(features) features")
        }
        try PlotChecks.finite(attributions, "attributions") { PlotChecks.cell($0, features: featureNames) }
        return BeeswarmLayout(plot: self, rows: rows).render()
    }
}

/// The page layout and drawing of a `BeeswarmPlot` whose input has been checked.
private struct BeeswarmLayout {
    let plot: BeeswarmPlot
    let rows: Int, features: Int
    let selection: FeatureSelection
    let rowHeight = 30.0, radius = 2.4

    init(plot: BeeswarmPlot, rows: Int) {
        self.plot = plot
        self.rows = rows
        features = plot.featureNames.count
        var meanAbsolute = [Double](repeating: 0, count: features)
        for (index, value) in plot.attributions.enumerated() { meanAbsolute[index % features] += abs(value) / Double(rows) }
        selection = FeatureSelection(importance: meanAbsolute, maxDisplay: plot.maxDisplay)
    }

    /// The attributions of display row `position`: one feature's column, or the sum of the others.
    func column(_ position: Int) -> [Double] {
        let members = position < selection.shown.count ? [selection.shown[position]] : selection.others
        return (0..<rows).map { row in members.reduce(0) { $0 + plot.attributions[row * features + $1] } }
    }

    func render() -> String {
        let displayed = selection.shown.count + (selection.others.isEmpty ? 0 : 1)
        let labels = selection.shown.map { plot.featureNames[$0] } + (selection.others.isEmpty ? [] : [selection.othersLabel])
        let left = max(90, PlotStyle.widest(labels) + 24), right = plot.featureValues.isEmpty ? 30.0 : 86
        let top = plot.title == nil ? 24.0 : 50, plotHeight = Double(displayed) * rowHeight
        let notesCategorical = !plot.featureValues.isEmpty && plot.categorical.contains(true)
        let height = top + plotHeight + (notesCategorical ? 76 : 62)
        let columns = (0..<displayed).map(column)
        let all = columns.flatMap { $0 }
        let extent = NiceTicks.padded(lower: min(0, all.min() ?? 0), upper: max(0, all.max() ?? 0))
        let step = NiceTicks.step(lower: extent.lower, upper: extent.upper, count: max(3, Int((plot.width - left - right) / 75)))
        let scale = LinearScale(lower: extent.lower, upper: extent.upper, start: left, end: plot.width - right)

        var document = SVGDocument(width: plot.width, height: height)
        document.plotTitle(plot.title)
        let axisTitle = plot.outputUnit.isEmpty ? "SHAP value (impact on model output)" : "SHAP value (impact on model output, \(plot.outputUnit))"
        document.xAxis(scale: scale, step: step, y: top + plotHeight, title: axisTitle)
        document.line(scale(0), top, scale(0), top + plotHeight, stroke: "#999999", class: "zero")
        for (position, values) in columns.enumerated() {
            let centre = top + (Double(position) + 0.5) * rowHeight
            let isOthers = position >= selection.shown.count
            let name = labels[position]
            document.openGroup(class: isOthers ? "feature others" : "feature", title: name)
            document.line(left, centre, plot.width - right, centre, stroke: "#CCCCCC", width: 0.5, dash: "1 5", class: "guide")
            document.fittedText(name, x: left - 12, y: centre + 4.5, maxWidth: PlotStyle.maxLabelWidth, anchor: "end", class: "feature-label")
            drawPoints(values, feature: isOthers ? nil : selection.shown[position], centre: centre, scale: scale, into: &document)
            document.closeGroup()
        }
        if !plot.featureValues.isEmpty {
            document.colourBar(plot.colourScale, title: "Feature value", x: plot.width - right + 24, top: top + 14, bottom: top + plotHeight - 8)
            if notesCategorical {
                document.text("Categorical features: one colour per level", x: plot.width - 8, y: height - 8, size: PlotStyle.noteSize, anchor: "end", class: "note")
            }
        }
        return document.rendered(description: "Beeswarm of \(rows) rows' attributions for \(features) features, ordered by mean absolute value")
    }

    /// The swarm of one row: points at `values`, stacked by `SwarmLayout`, coloured by `feature`'s values.
    func drawPoints(_ values: [Double], feature: Int?, centre: Double, scale: LinearScale, into document: inout SVGDocument) {
        let xs = values.map { scale($0) }
        let offsets = SwarmLayout.offsets(xs: xs, binWidth: radius * 1.6, halfHeight: rowHeight * 0.42, layerSpacing: radius * 1.7)
        let isCategorical = feature.map { plot.categorical.isEmpty ? false : plot.categorical[$0] } ?? false
        let column = feature.flatMap { f in plot.featureValues.isEmpty ? nil : (0..<rows).map { plot.featureValues[$0 * features + f] } }
        let range = column.flatMap { isCategorical ? nil : ColourRange($0) }
        for row in 0..<rows {
            let y = centre + offsets[row]
            guard let column else {
                if feature == nil {
                    document.circle(x: xs[row], y: y, radius: radius, fill: "#ffffff", stroke: "#555555", class: "point")
                } else {
                    document.circle(x: xs[row], y: y, radius: radius, fill: PlotStyle.neutral, class: "point")
                }
                continue
            }
            let value = column[row]
            if value.isNaN || (isCategorical && value < 0) {
                document.circle(x: xs[row], y: y, radius: radius, fill: PlotStyle.missing, class: "point missing")
            } else if isCategorical {
                document.circle(x: xs[row], y: y, radius: radius, fill: ColourPalette.category(Int(exactly: value.rounded()) ?? 0), class: "point")
            } else {
                document.circle(x: xs[row], y: y, radius: radius, fill: plot.colourScale.colour(at: range?.fraction(value) ?? 0.5), class: "point")
            }
        }
    }
}
