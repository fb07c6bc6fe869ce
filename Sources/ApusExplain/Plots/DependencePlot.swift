/// shap's dependence ("scatter") plot: for one feature, each row's value of the feature
/// (x) against its attribution (y), optionally coloured by a second feature's value to
/// show an interaction. Categorical features get one tick per level, points jittered
/// across it; rows whose value is missing are drawn in a band of their own at the left.
public struct DependencePlot: Sendable {
    /// The feature's name.
    public var featureName: String
    /// The feature's value in each row (a level code when categorical; NaN is missing).
    public var featureValues: [Double]
    /// The feature's attribution in each row.
    public var attributions: [Double]
    /// Whether the feature is categorical.
    public var isCategorical: Bool
    /// The names of the levels by code (categorical only); codes beyond it are shown as numbers.
    public var levelNames: [String]
    /// The colouring feature's name, or nil for no colouring.
    public var colourName: String?
    /// The colouring feature's value in each row (NaN missing), when `colourName` is set.
    public var colourValues: [Double]
    /// Whether the colouring feature is categorical (coloured by level, with a key).
    public var colourIsCategorical: Bool
    /// The colouring feature's level names by code (categorical only).
    public var colourLevelNames: [String]
    /// The unit of the attributions, shown in the y axis title.
    public var outputUnit: String
    /// A title above the plot, if any.
    public var title: String?
    /// The colour scale for a numeric colouring feature.
    public var colourScale: SequentialColourScale
    /// The size of the view box.
    public var width: Double, height: Double

    /// A dependence plot of one feature, uncoloured; set the `colour…` properties to colour it.
    public init(
        featureName: String, featureValues: [Double], attributions: [Double], isCategorical: Bool = false,
        levelNames: [String] = [], outputUnit: String = "log-odds", title: String? = nil, width: Double = 800, height: Double = 520
    ) {
        self.featureName = featureName
        self.featureValues = featureValues
        self.attributions = attributions
        self.isCategorical = isCategorical
        self.levelNames = levelNames
        self.colourName = nil
        self.colourValues = []
        self.colourIsCategorical = false
        self.colourLevelNames = []
        self.outputUnit = outputUnit
        self.title = title
        self.colourScale = .viridis
        self.width = width
        self.height = height
    }

    /// The plot as a standalone SVG document.
    /// - Throws: `ExplainError` naming the input when the lengths disagree, there are no rows,
    ///   an attribution or a numeric feature value is infinite.
    public func svg() throws(ExplainError) -> String {
        try PlotChecks.nonEmpty(featureValues.count, "rows", in: "featureValues")
        try PlotChecks.count(attributions.count, of: "attributions", expected: featureValues.count, shape: "\(featureValues.count) feature values")
        try PlotChecks.finite(attributions, "attributions") { "row \($0)" }
        if let index = featureValues.firstIndex(where: { $0.isInfinite }) {
            throw ExplainError("featureValues holds \(featureValues[index]) at row \(index); a value must be finite or NaN (missing)")
        }
        if let colourName {
            try PlotChecks.count(colourValues.count, of: "colourValues (`\(colourName)`)", expected: featureValues.count, shape: "\(featureValues.count) feature values")
        }
        return DependenceLayout(plot: self).render()
    }
}

/// The page layout and drawing of a checked `DependencePlot`.
private struct DependenceLayout {
    let plot: DependencePlot
    let left = 84.0, radius = 2.6
    var right: Double {
        guard let name = plot.colourName else { return 24 }
        guard plot.colourIsCategorical else { return 86 }
        let names = plot.colourLevelNames + ["missing"]
        let widest = max(PlotStyle.width(of: name, size: PlotStyle.tickSize), PlotStyle.widest(names, size: PlotStyle.tickSize) + 15)
        return min(200, widest + 30)
    }
    var top: Double { plot.title == nil ? 20 : 46 }
    var bottom: Double { plot.height - 62 }
    var hasMissing: Bool { plot.featureValues.contains { $0.isNaN } }
    /// The width of the band for missing values, left of the value axis.
    var missingBand: Double { hasMissing ? 56 : 0 }

    func render() -> String {
        var document = SVGDocument(width: plot.width, height: plot.height)
        document.plotTitle(plot.title)
        let yExtent = NiceTicks.padded(lower: plot.attributions.min() ?? 0, upper: plot.attributions.max() ?? 0)
        let yStep = NiceTicks.step(lower: yExtent.lower, upper: yExtent.upper, count: max(3, Int((bottom - top) / 60)))
        let yScale = LinearScale(lower: yExtent.lower, upper: yExtent.upper, start: bottom, end: top)
        let unit = plot.outputUnit.isEmpty ? "" : " (\(plot.outputUnit))"
        document.yAxis(scale: yScale, step: yStep, x: left, title: "SHAP value for \(plot.featureName)\(unit)", titleX: 22, gridRight: plot.width - right)
        if yExtent.lower < 0 && yExtent.upper > 0 {
            document.line(left, yScale(0), plot.width - right, yScale(0), stroke: "#999999", width: 0.8, class: "zero")
        }
        let xs = xPositions(into: &document)
        let colours = pointColours(into: &document)
        for row in plot.featureValues.indices {
            let missing = plot.featureValues[row].isNaN
            document.circle(x: xs[row], y: yScale(plot.attributions[row]), radius: radius, fill: colours[row], opacity: 0.85, class: missing ? "point missing" : "point")
        }
        return document.rendered(description: "Dependence of the attribution of \(plot.featureName) on its value, \(plot.featureValues.count) rows")
    }

    /// Each row's page x, drawing the x axis (levels or a numeric scale) and the missing band.
    func xPositions(into document: inout SVGDocument) -> [Double] {
        let start = left + missingBand + 10, end = plot.width - right
        let present = plot.featureValues.filter { !$0.isNaN }
        var xs = [Double](repeating: 0, count: plot.featureValues.count)
        if plot.isCategorical {
            let codes = Array(Set(present.map { $0.rounded() })).sorted()
            let slot = (end - start) / Double(max(1, codes.count))
            let position = Dictionary(uniqueKeysWithValues: codes.enumerated().map { ($1, start + (Double($0) + 0.5) * slot) })
            document.openGroup(class: "x-axis")
            document.line(start, bottom, end, bottom, stroke: PlotStyle.axis)
            let names = codes.map { code -> String in
                let index = Int(exactly: code) ?? -1
                return code < 0 ? "unseen" : plot.levelNames.indices.contains(index) ? plot.levelNames[index] : PlotNumberFormat.compact(code)
            }
            // Every level gets a tick; when the labels are wider than their slots, every
            // `every`-th level is labelled, so that no two labels touch.
            let labelWidth = min(90, PlotStyle.widest(names, size: PlotStyle.tickSize)) + 8
            let every = max(1, Int((labelWidth / max(1, slot)).rounded(.up)))
            for (index, code) in codes.enumerated() {
                let x = position[code] ?? start
                document.line(x, bottom, x, bottom + (index % every == 0 ? 5 : 3), stroke: PlotStyle.axis)
                guard index % every == 0 else { continue }
                document.fittedText(names[index], x: x, y: bottom + 19, maxWidth: max(slot * Double(every), 30) - 8,
                                    size: PlotStyle.tickSize, anchor: "middle", class: "level-label")
            }
            document.fittedText(plot.featureName, x: (start + end) / 2, y: bottom + 42, maxWidth: end - start, anchor: "middle", class: "axis-title")
            document.closeGroup()
            for (row, value) in plot.featureValues.enumerated() where !value.isNaN {
                let jitter = Double(plotHash(row) % 1001) / 1000 - 0.5
                xs[row] = (position[value.rounded()] ?? start) + jitter * slot * 0.6
            }
        } else {
            let extent = NiceTicks.padded(lower: present.min() ?? 0, upper: present.max() ?? 1, padding: 0.03)
            let step = NiceTicks.step(lower: extent.lower, upper: extent.upper, count: max(3, Int((end - start) / 75)))
            let scale = LinearScale(lower: extent.lower, upper: extent.upper, start: start, end: end)
            document.xAxis(scale: scale, step: step, y: bottom, title: plot.featureName, gridTop: top)
            for (row, value) in plot.featureValues.enumerated() where !value.isNaN { xs[row] = scale(value) }
        }
        if hasMissing {
            let centre = left + 8 + missingBand / 2
            document.openGroup(class: "missing-band")
            document.rect(x: left + 4, y: top, width: missingBand - 4, height: bottom - top, fill: "#F2F2F2")
            document.line(left + missingBand + 2, top, left + missingBand + 2, bottom, stroke: "#999999", dash: "4 3")
            document.text("missing", x: centre, y: bottom + 19, size: PlotStyle.tickSize, anchor: "middle", class: "tick")
            document.closeGroup()
            for (row, value) in plot.featureValues.enumerated() where value.isNaN {
                xs[row] = centre + (Double(plotHash(row) % 1001) / 1000 - 0.5) * (missingBand - 20)
            }
        }
        return xs
    }

    /// Each row's fill, drawing the colour bar or the key of levels.
    func pointColours(into document: inout SVGDocument) -> [String] {
        guard let name = plot.colourName else { return plot.featureValues.map { $0.isNaN ? PlotStyle.missing : PlotStyle.neutral } }
        let values = plot.colourValues
        if plot.colourIsCategorical {
            let codes = Array(Set(values.filter { !$0.isNaN && $0 >= 0 }.map { $0.rounded() })).sorted()
            var entries = codes.prefix(12).map { code in
                let index = Int(exactly: code) ?? 0
                return (colour: ColourPalette.category(index), name: plot.colourLevelNames.indices.contains(index) ? plot.colourLevelNames[index] : PlotNumberFormat.compact(code))
            }
            if values.contains(where: { $0.isNaN || $0 < 0 }) { entries.append((PlotStyle.missing, "missing")) }
            document.legend(entries, title: name, x: plot.width - right + 18, top: top + 12, maxWidth: right - 24)
            return values.map { $0.isNaN || $0 < 0 ? PlotStyle.missing : ColourPalette.category(Int(exactly: $0.rounded()) ?? 0) }
        }
        document.colourBar(plot.colourScale, title: name, x: plot.width - right + 24, top: top + 16, bottom: bottom - 10)
        guard let range = ColourRange(values) else { return values.map { _ in PlotStyle.missing } }
        return values.map { $0.isNaN ? PlotStyle.missing : plot.colourScale.colour(at: range.fraction($0)) }
    }
}
