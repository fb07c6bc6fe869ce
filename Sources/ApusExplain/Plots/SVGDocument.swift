/// A standalone SVG document built element by element: every text is escaped, every number
/// is written with at most two decimals, so the same calls give byte-identical output.
///
/// The document has a `viewBox` (so it scales to any size), no script and no style sheet
/// (every colour is an attribute, so an SVG inlined into a page neither takes nor gives styles).
struct SVGDocument {
    /// The width and height of the view box, in user units (about pixels).
    let width: Double, height: Double
    private var definitions: [String] = []
    private var body: [String] = []

    /// An empty document of this size.
    init(width: Double, height: Double) {
        self.width = width
        self.height = height
    }

    /// The finished document.
    func rendered(description: String) -> String {
        var out = "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 \(SVG.number(width)) \(SVG.number(height))\""
        out += " width=\"\(SVG.number(width))\" height=\"\(SVG.number(height))\" role=\"img\""
        out += " font-family=\"system-ui, -apple-system, 'Segoe UI', Helvetica, Arial, sans-serif\">\n"
        out += "<desc>\(SVG.escape(description))</desc>\n"
        if !definitions.isEmpty { out += "<defs>\n" + definitions.joined(separator: "\n") + "\n</defs>\n" }
        out += "<rect class=\"background\" x=\"0\" y=\"0\" width=\"\(SVG.number(width))\" height=\"\(SVG.number(height))\" fill=\"#ffffff\"/>\n"
        out += body.joined(separator: "\n")
        out += "\n</svg>\n"
        return out
    }

    /// Adds a definition (a gradient) to `<defs>`.
    mutating func define(_ element: String) { definitions.append(element) }

    /// Adds a raw, already escaped element.
    mutating func append(_ element: String) { body.append(element) }

    /// Opens a group; close it with `closeGroup()`.
    mutating func openGroup(class name: String, title: String? = nil) {
        body.append("<g class=\"\(SVG.escape(name))\">" + (title.map { "<title>\(SVG.escape($0))</title>" } ?? ""))
    }

    /// Closes the group opened last.
    mutating func closeGroup() { body.append("</g>") }

    /// A line segment.
    mutating func line(
        _ x1: Double, _ y1: Double, _ x2: Double, _ y2: Double,
        stroke: String, width strokeWidth: Double = 1, dash: String? = nil, opacity: Double? = nil, class name: String? = nil
    ) {
        var element = "<line\(SVG.classAttribute(name)) x1=\"\(SVG.number(x1))\" y1=\"\(SVG.number(y1))\" x2=\"\(SVG.number(x2))\" y2=\"\(SVG.number(y2))\""
        element += " stroke=\"\(stroke)\" stroke-width=\"\(SVG.number(strokeWidth))\""
        if let dash { element += " stroke-dasharray=\"\(dash)\"" }
        if let opacity { element += " stroke-opacity=\"\(SVG.number(opacity))\"" }
        body.append(element + "/>")
    }

    /// A rectangle.
    mutating func rect(
        x: Double, y: Double, width: Double, height: Double, fill: String,
        opacity: Double? = nil, class name: String? = nil, title: String? = nil
    ) {
        var element = "<rect\(SVG.classAttribute(name)) x=\"\(SVG.number(x))\" y=\"\(SVG.number(y))\""
        element += " width=\"\(SVG.number(max(0, width)))\" height=\"\(SVG.number(max(0, height)))\" fill=\"\(fill)\""
        if let opacity { element += " fill-opacity=\"\(SVG.number(opacity))\"" }
        body.append(element + SVG.closing("rect", title: title))
    }

    /// A filled circle.
    mutating func circle(
        x: Double, y: Double, radius: Double, fill: String, stroke: String? = nil, opacity: Double? = nil, class name: String? = nil
    ) {
        var element = "<circle\(SVG.classAttribute(name)) cx=\"\(SVG.number(x))\" cy=\"\(SVG.number(y))\" r=\"\(SVG.number(radius))\" fill=\"\(fill)\""
        if let stroke { element += " stroke=\"\(stroke)\" stroke-width=\"0.8\"" }
        if let opacity { element += " fill-opacity=\"\(SVG.number(opacity))\"" }
        body.append(element + "/>")
    }

    /// A polygon or polyline through `points`, filled or stroked.
    mutating func path(
        _ points: [(x: Double, y: Double)], closed: Bool, fill: String = "none", stroke: String = "none",
        width strokeWidth: Double = 1, opacity: Double? = nil, class name: String? = nil, title: String? = nil
    ) {
        guard let first = points.first else { return }
        var data = "M\(SVG.number(first.x)) \(SVG.number(first.y))"
        for point in points.dropFirst() { data += "L\(SVG.number(point.x)) \(SVG.number(point.y))" }
        if closed { data += "Z" }
        var element = "<path\(SVG.classAttribute(name)) d=\"\(data)\" fill=\"\(fill)\" stroke=\"\(stroke)\""
        if stroke != "none" { element += " stroke-width=\"\(SVG.number(strokeWidth))\" stroke-linejoin=\"round\"" }
        if let opacity { element += (fill == "none" ? " stroke-opacity=\"" : " fill-opacity=\"") + "\(SVG.number(opacity))\"" }
        body.append(element + SVG.closing("path", title: title))
    }

    /// A text. `anchor` is start, middle or end; `rotated` turns it a quarter anticlockwise
    /// about its anchor point; `title` becomes a tooltip (the full text of a shortened one).
    mutating func text(
        _ content: String, x: Double, y: Double, size: Double = PlotStyle.labelSize, anchor: String = "start",
        weight: String? = nil, fill: String? = nil, rotated: Bool = false, class name: String? = nil, title: String? = nil
    ) {
        var element = "<text\(SVG.classAttribute(name)) x=\"\(SVG.number(x))\" y=\"\(SVG.number(y))\" font-size=\"\(SVG.number(size))\""
        if anchor != "start" { element += " text-anchor=\"\(anchor)\"" }
        if let weight { element += " font-weight=\"\(weight)\"" }
        element += " fill=\"\(fill ?? "#222222")\""
        if rotated { element += " transform=\"rotate(-90 \(SVG.number(x)) \(SVG.number(y)))\"" }
        element += ">"
        if let title { element += "<title>\(SVG.escape(title))</title>" }
        body.append(element + SVG.escape(content) + "</text>")
    }

    /// A text no wider than `maxWidth`: shortened with an ellipsis when longer, the full text
    /// then in a tooltip.
    mutating func fittedText(
        _ content: String, x: Double, y: Double, maxWidth: Double, size: Double = PlotStyle.labelSize,
        anchor: String = "start", weight: String? = nil, class name: String? = nil, rotated: Bool = false
    ) {
        let shown = PlotStyle.truncated(content, toWidth: maxWidth, size: size)
        text(shown, x: x, y: y, size: size, anchor: anchor, weight: weight, rotated: rotated, class: name, title: shown == content ? nil : content)
    }
}

/// Escaping and number writing for SVG.
enum SVG {
    /// `text` with `&`, `<`, `>`, `"` and `'` escaped, and characters XML forbids dropped.
    static func escape(_ text: String) -> String {
        var out = ""
        out.reserveCapacity(text.utf8.count)
        for scalar in text.unicodeScalars {
            switch scalar {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "'": out += "&apos;"
            case "\t", "\n", "\r": out += " "
            default:
                let value = scalar.value
                if value < 0x20 || (0xFFFE...0xFFFF).contains(value) { continue }
                out.unicodeScalars.append(scalar)
            }
        }
        return out
    }

    /// A coordinate with at most two decimals, no trailing zeros, no exponent.
    static func number(_ value: Double) -> String {
        guard value.isFinite else { return "0" }
        let hundredths = (value * 100).rounded()
        guard abs(hundredths) < 1e15 else { return "0" }
        let whole = Int64(hundredths)
        let sign = whole < 0 ? "-" : ""
        let magnitude = whole.magnitude
        let fraction = magnitude % 100
        let integer = "\(sign)\(magnitude / 100)"
        if fraction == 0 { return integer == "-0" ? "0" : integer }
        return fraction % 10 == 0 ? "\(integer).\(fraction / 10)" : "\(integer).\(fraction < 10 ? "0" : "")\(fraction)"
    }

    static func classAttribute(_ name: String?) -> String {
        name.map { " class=\"\(escape($0))\"" } ?? ""
    }

    static func closing(_ tag: String, title: String?) -> String {
        guard let title else { return "/>" }
        return "><title>\(escape(title))</title></\(tag)>"
    }
}
