extension SVGDocument {
    /// A vertical colour bar from `top` to `bottom` at `x`: "High" above, "Low" below, and
    /// `title` beside it, the scale's colours as a gradient.
    mutating func colourBar(_ scale: SequentialColourScale, title: String, x: Double, top: Double, bottom: Double) {
        let identifier = "apus-colour-bar-\(scale.rawValue)"
        var gradient = "<linearGradient id=\"\(identifier)\" x1=\"0\" y1=\"1\" x2=\"0\" y2=\"0\">"
        for index in 0...10 {
            let fraction = Double(index) / 10
            gradient += "<stop offset=\"\(SVG.number(fraction))\" stop-color=\"\(scale.colour(at: fraction))\"/>"
        }
        define(gradient + "</linearGradient>")
        openGroup(class: "colour-bar")
        rect(x: x, y: top, width: 10, height: bottom - top, fill: "url(#\(identifier))")
        text("High", x: x + 5, y: top - 6, size: PlotStyle.tickSize, anchor: "middle", class: "tick")
        text("Low", x: x + 5, y: bottom + 16, size: PlotStyle.tickSize, anchor: "middle", class: "tick")
        fittedText(title, x: x + 26, y: (top + bottom) / 2, maxWidth: bottom - top + 30, anchor: "middle", class: "legend-title", rotated: true)
        closeGroup()
    }

    /// A key of coloured dots with names, one entry a line, from (`x`, `top`).
    mutating func legend(_ entries: [(colour: String, name: String)], title: String?, x: Double, top: Double, maxWidth: Double) {
        openGroup(class: "legend")
        var y = top
        if let title {
            fittedText(title, x: x, y: y, maxWidth: maxWidth, size: PlotStyle.tickSize, weight: "600", class: "legend-title")
            y += 18
        }
        for entry in entries {
            circle(x: x + 5, y: y - 4, radius: 4.5, fill: entry.colour)
            fittedText(entry.name, x: x + 15, y: y, maxWidth: maxWidth - 15, size: PlotStyle.tickSize, class: "legend-entry")
            y += 17
        }
        closeGroup()
    }
}
