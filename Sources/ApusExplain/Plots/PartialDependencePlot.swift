/// Partial dependence (PDP) with individual conditional expectation (ICE) curves: the model's
/// output as one feature is set to each value of a grid, for each row (ICE, thin and
/// translucent) and on average (PDP, bold). A numeric feature gives lines; a categorical one
/// a mark per level. The feature's deciles can be marked on the x axis (a rug).
public struct PartialDependencePlot: Sendable {
    /// The feature's name.
    public var featureName: String
    /// The grid of values the feature was set to (level codes when categorical), ascending.
    public var grid: [Double]
    /// The average output at each grid value (the PDP).
    public var average: [Double]
    /// The output of each row at each grid value, rows × grid, row-major (ICE); empty for none.
    public var curves: [Double]
    /// Whether the feature is categorical.
    public var isCategorical: Bool
    /// The names of the levels by code (categorical only).
    public var levelNames: [String]
    /// The feature's values in the data, to mark its deciles on the x axis (NaN ignored); empty for none.
    public var rug: [Double]
    /// The y axis title: what the output is, e.g. "Predicted probability" or "Model output (log-odds)".
    public var outputLabel: String
    /// A title above the plot, if any.
    public var title: String?
    /// The size of the view box.
    public var width: Double, height: Double

    /// A PDP of `average` over `grid`, with ICE `curves` when given.
    public init(
        featureName: String, grid: [Double], average: [Double], curves: [Double] = [], isCategorical: Bool = false,
        levelNames: [String] = [], rug: [Double] = [], outputLabel: String = "Model output", title: String? = nil,
        width: Double = 800, height: Double = 480
    ) {
        self.featureName = featureName
        self.grid = grid
        self.average = average
        self.curves = curves
        self.isCategorical = isCategorical
        self.levelNames = levelNames
        self.rug = rug
        self.outputLabel = outputLabel
        self.title = title
        self.width = width
        self.height = height
    }

    /// The plot as a standalone SVG document.
    /// - Throws: `ExplainError` naming the input when the lengths disagree, the grid is empty,
    ///   or a grid value or output is not finite.
    public func svg() throws(ExplainError) -> String {
        try PlotChecks.nonEmpty(grid.count, "values", in: "grid")
        try PlotChecks.finite(grid, "grid") { "position \($0)" }
        try PlotChecks.count(average.count, of: "average", expected: grid.count, shape: "\(grid.count) grid values")
        try PlotChecks.finite(average, "average") { "grid position \($0)" }
        guard curves.count % grid.count == 0 else {
            throw ExplainError("curves has \(curves.count) values, not a whole number of rows of \(grid.count) grid values")
        }
        try PlotChecks.finite(curves, "curves") { "row \($0 / grid.count), grid position \($0 % grid.count)" }
        return PartialDependenceLayout(plot: self).render()
    }
}

/// The page layout and drawing of a checked `PartialDependencePlot`.
private struct PartialDependenceLayout {
    let plot: PartialDependencePlot
    let left = 84.0, right = 30.0
    var top: Double { plot.title == nil ? 20 : 46 }
    var bottom: Double { plot.height - (plot.rug.isEmpty ? 62 : 72) }
    var rows: Int { plot.curves.count / plot.grid.count }

    func render() -> String {
        var document = SVGDocument(width: plot.width, height: plot.height)
        document.plotTitle(plot.title)
        let outputs = plot.average + plot.curves
        let yExtent = NiceTicks.padded(lower: outputs.min() ?? 0, upper: outputs.max() ?? 1)
        let yStep = NiceTicks.step(lower: yExtent.lower, upper: yExtent.upper, count: max(3, Int((bottom - top) / 60)))
        let yScale = LinearScale(lower: yExtent.lower, upper: yExtent.upper, start: bottom, end: top)
        document.yAxis(scale: yScale, step: yStep, x: left, title: plot.outputLabel, titleX: 22, gridRight: plot.width - right)
        let xs = xPositions(into: &document)
        // ICE: the more rows, the fainter each.
        let opacity = min(0.5, max(0.06, 8 / Double(max(1, rows))))
        let gridCount = plot.grid.count
        document.openGroup(class: "ice")
        for row in 0..<rows {
            let outputs = plot.curves[row * gridCount..<(row + 1) * gridCount]
            if plot.isCategorical {
                for (index, output) in zip(outputs.indices, outputs) {
                    let x = xs[index - row * gridCount], y = yScale(output)
                    document.line(x - 14, y, x + 14, y, stroke: "#555555", width: 1, opacity: opacity, class: "ice-curve")
                }
            } else {
                document.path(zip(xs, outputs).map { ($0, yScale($1)) }, closed: false, stroke: "#555555", width: 0.8, opacity: opacity, class: "ice-curve")
            }
        }
        document.closeGroup()
        let pdpColour = PlotStyle.positive
        if plot.isCategorical {
            for (x, output) in zip(xs, plot.average) {
                document.line(x - 20, yScale(output), x + 20, yScale(output), stroke: pdpColour, width: 3.5, class: "pdp")
                document.circle(x: x, y: yScale(output), radius: 4.5, fill: pdpColour, class: "pdp-point")
            }
        } else {
            document.path(zip(xs, plot.average).map { ($0, yScale($1)) }, closed: false, stroke: pdpColour, width: 3, class: "pdp")
        }
        keyText(into: &document, colour: pdpColour)
        return document.rendered(description: "Partial dependence of the output on \(plot.featureName) over \(gridCount) grid values, \(rows) ICE curves")
    }

    /// The key (top right): bold = average, thin = one row each.
    func keyText(into document: inout SVGDocument, colour: String) {
        let x = plot.width - right - 150, y = top + 14
        document.openGroup(class: "legend")
        document.rect(x: x - 8, y: y - 12, width: 156, height: rows > 0 ? 40 : 22, fill: "#ffffff", opacity: 0.85)
        document.line(x, y - 4, x + 22, y - 4, stroke: colour, width: 3)
        document.text("average (PDP)", x: x + 28, y: y, size: PlotStyle.tickSize)
        if rows > 0 {
            document.line(x, y + 14, x + 22, y + 14, stroke: "#555555", width: 1, opacity: 0.6)
            document.text("\(rows) rows (ICE)", x: x + 28, y: y + 18, size: PlotStyle.tickSize)
        }
        document.closeGroup()
    }

    /// The page x of each grid value, drawing the x axis and the deciles.
    func xPositions(into document: inout SVGDocument) -> [Double] {
        let start = left + 10, end = plot.width - right - 10
        if plot.isCategorical {
            let slot = (end - start) / Double(plot.grid.count)
            let xs = plot.grid.indices.map { start + (Double($0) + 0.5) * slot }
            document.openGroup(class: "x-axis")
            document.line(start, bottom, end, bottom, stroke: PlotStyle.axis)
            for (x, code) in zip(xs, plot.grid) {
                document.line(x, bottom, x, bottom + 5, stroke: PlotStyle.axis)
                let index = Int(exactly: code.rounded()) ?? -1
                let name = code < 0 ? "unseen" : plot.levelNames.indices.contains(index) ? plot.levelNames[index] : PlotNumberFormat.compact(code)
                document.fittedText(name, x: x, y: bottom + 19, maxWidth: max(30, slot - 6), size: PlotStyle.tickSize, anchor: "middle", class: "level-label")
            }
            document.fittedText(plot.featureName, x: (start + end) / 2, y: bottom + 42, maxWidth: end - start, anchor: "middle", class: "axis-title")
            document.closeGroup()
            return xs
        }
        let extent = (lower: plot.grid.min() ?? 0, upper: plot.grid.max() ?? 1)
        let step = NiceTicks.step(lower: extent.lower, upper: extent.upper, count: max(3, Int((end - start) / 75)))
        let scale = LinearScale(lower: extent.lower, upper: extent.upper, start: start, end: end)
        let deciles = decileValues()
        if !deciles.isEmpty {
            document.openGroup(class: "rug", title: "deciles of \(plot.featureName)")
            for value in deciles where value >= extent.lower && value <= extent.upper {
                document.line(scale(value), bottom - 10, scale(value), bottom, stroke: "#222222", width: 1.2, class: "decile")
            }
            document.closeGroup()
        }
        document.xAxis(scale: scale, step: step, y: bottom, title: plot.featureName, gridTop: top)
        if !deciles.isEmpty {
            document.text("ticks above the axis: deciles of the data", x: plot.width - right, y: plot.height - 8, size: PlotStyle.noteSize, anchor: "end", class: "note")
        }
        return plot.grid.map { scale($0) }
    }

    /// The 10th, 20th, …, 90th percentiles of the rug's present values.
    func decileValues() -> [Double] {
        let sorted = plot.rug.filter(\.isFinite).sorted()
        guard !sorted.isEmpty else { return [] }
        return (1...9).map { ColourRange.percentile(sorted, Double($0) * 10) }
    }
}
