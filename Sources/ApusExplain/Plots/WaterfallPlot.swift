/// One prediction explained as a waterfall (shap's): starting from the expected output
/// E[f(X)] at the bottom, each feature's attribution moves the output right (positive,
/// vermillion) or left (negative, blue) until it reaches the row's output f(x) at the top;
/// features ordered by |attribution|, largest at the top, the smallest summed into one row.
public struct WaterfallPlot: Sendable {
    /// The expected output E[f(X)] (the bias of the attributions).
    public var expectedValue: Double
    /// One attribution per feature.
    public var attributions: [Double]
    /// One label per feature, naming it and its value: "income = 52,000", "age is missing".
    public var featureLabels: [String]
    /// The most rows shown; at least 1, defaults to 10. When there are more features, the
    /// bottom row sums the rest ("N other features"), as in shap.
    public var maxDisplay: Int
    /// The unit of the output ("log-odds", "probability"), shown in the x axis title.
    public var outputUnit: String
    /// A title above the plot, if any.
    public var title: String?
    /// The width of the view box; the height follows from the number of rows.
    public var width: Double

    /// A waterfall from `expectedValue` through `attributions` to their sum.
    public init(
        expectedValue: Double, attributions: [Double], featureLabels: [String], maxDisplay: Int = 10,
        outputUnit: String = "log-odds", title: String? = nil, width: Double = 800
    ) {
        self.expectedValue = expectedValue
        self.attributions = attributions
        self.featureLabels = featureLabels
        self.maxDisplay = maxDisplay
        self.outputUnit = outputUnit
        self.title = title
        self.width = width
    }

    /// The row's output f(x): the expected value plus every attribution.
    public var output: Double { attributions.reduce(expectedValue, +) }

    /// The plot as a standalone SVG document.
    /// - Throws: `ExplainError` naming the input when the lengths disagree, there are no
    ///   features, a number is not finite, or `maxDisplay` < 1.
    public func svg() throws(ExplainError) -> String {
        try PlotChecks.nonEmpty(featureLabels.count, "features", in: "featureLabels")
        try PlotChecks.maxDisplay(maxDisplay)
        try PlotChecks.count(attributions.count, of: "attributions", expected: featureLabels.count, shape: "\(featureLabels.count) feature labels")
        try PlotChecks.finite(attributions, "attributions") { "feature `\(featureLabels[$0])`" }
        guard expectedValue.isFinite else { throw ExplainError("expectedValue is \(expectedValue); it must be a finite number") }
        return render()
    }

    private struct Step {
        let label: String, value: Double, isOthers: Bool
    }

    private func render() -> String {
        let selection = FeatureSelection(importance: attributions.map(abs), maxDisplay: maxDisplay)
        var steps = selection.shown.map { Step(label: featureLabels[$0], value: attributions[$0], isOthers: false) }
        if !selection.others.isEmpty {
            steps.append(Step(label: "\(selection.others.count) other features", value: selection.others.reduce(0) { $0 + attributions[$1] }, isOthers: true))
        }
        // The chain runs bottom (last step) to top (first step).
        var ends = [Double](repeating: 0, count: steps.count), running = expectedValue
        for index in steps.indices.reversed() {
            running += steps[index].value
            ends[index] = running
        }
        let starts = steps.indices.map { ends[$0] - steps[$0].value }
        let final = output

        let rowHeight = 30.0, labelRoom = 60.0
        let left = max(90, PlotStyle.widest(steps.map(\.label)) + 22)
        let top = (title == nil ? 16.0 : 44) + 26, plotHeight = Double(steps.count) * rowHeight
        let axisY = top + plotHeight + 26, height = axisY + 60
        let extent = NiceTicks.padded(lower: (starts + ends + [expectedValue]).min() ?? 0, upper: (starts + ends + [expectedValue]).max() ?? 0, padding: 0.04)
        let step = NiceTicks.step(lower: extent.lower, upper: extent.upper, count: max(3, Int((width - left - 2 * labelRoom) / 75)))
        let scale = LinearScale(lower: extent.lower, upper: extent.upper, start: left + labelRoom, end: width - labelRoom)

        var document = SVGDocument(width: width, height: height)
        document.plotTitle(title)
        let axisTitle = outputUnit.isEmpty ? "Model output" : "Model output (\(outputUnit))"
        document.xAxis(scale: scale, step: step, y: axisY, title: axisTitle, gridTop: top - 26)
        // E[f(X)] below the bottom row, f(x) above the top row, each with a dashed guide.
        let baseX = scale(expectedValue), finalX = scale(final)
        document.line(baseX, top + plotHeight - rowHeight * 0.5, baseX, axisY, stroke: "#777777", dash: "3 3", class: "expected")
        markerText("E[f(X)] = \(PlotNumberFormat.compact(expectedValue))", x: baseX, y: axisY - 8, into: &document, class: "expected-label")
        document.line(finalX, top - 20, finalX, top + rowHeight * 0.5, stroke: "#777777", dash: "3 3", class: "output")
        markerText("f(x) = \(PlotNumberFormat.compact(final))", x: finalX, y: top - 8, into: &document, class: "output-label")

        for (position, entry) in steps.enumerated() {
            let centre = top + (Double(position) + 0.5) * rowHeight
            document.openGroup(class: entry.isOthers ? "feature others" : "feature", title: "\(entry.label): \(PlotNumberFormat.signed(entry.value))")
            document.fittedText(entry.label, x: left - 12, y: centre + 4.5, maxWidth: PlotStyle.maxLabelWidth, anchor: "end", class: "feature-label")
            drawArrow(from: scale(starts[position]), to: scale(ends[position]), centre: centre, height: rowHeight * 0.68, value: entry.value, into: &document)
            if position + 1 < steps.count {  // the connector to the next row's start
                document.line(scale(starts[position]), centre + rowHeight * 0.34, scale(starts[position]), centre + rowHeight * 0.66, stroke: "#BBBBBB", width: 0.8)
            }
            document.closeGroup()
        }
        return document.rendered(description: "Waterfall from E[f(X)] = \(PlotNumberFormat.compact(expectedValue)) to f(x) = \(PlotNumberFormat.compact(final)) over \(featureLabels.count) features")
    }

    /// A label at `x`, kept inside the page: left of the line when near the right edge.
    private func markerText(_ text: String, x: Double, y: Double, into document: inout SVGDocument, class name: String) {
        let fitsRight = x + 6 + PlotStyle.width(of: text, size: PlotStyle.tickSize) <= width - 4
        document.text(text, x: fitsRight ? x + 6 : x - 6, y: y, size: PlotStyle.tickSize, anchor: fitsRight ? "start" : "end", weight: "600", class: name)
    }

    /// A bar from `from` to `to` with an arrow head at `to`, its signed value inside when it
    /// fits, else beyond the head.
    private func drawArrow(from: Double, to: Double, centre: Double, height: Double, value: Double, into document: inout SVGDocument) {
        let colour = value >= 0 ? PlotStyle.positive : PlotStyle.negative
        let direction = to >= from ? 1.0 : -1.0, length = abs(to - from)
        let head = min(8, length * 0.6), half = height / 2
        let neck = to - direction * head
        document.path(
            [(from, centre - half), (neck, centre - half), (to, centre), (neck, centre + half), (from, centre + half)],
            closed: true, fill: colour, class: value >= 0 ? "bar positive" : "bar negative")
        let label = PlotNumberFormat.signed(value)
        let labelWidth = PlotStyle.width(of: label, size: PlotStyle.tickSize)
        if labelWidth + 10 <= length - head {
            document.text(label, x: (from + neck) / 2, y: centre + 4.5, size: PlotStyle.tickSize, anchor: "middle", fill: "#ffffff", class: "value-label")
        } else {
            document.text(label, x: to + direction * 5, y: centre + 4.5, size: PlotStyle.tickSize, anchor: direction > 0 ? "start" : "end", fill: colour, class: "value-label")
        }
    }
}
