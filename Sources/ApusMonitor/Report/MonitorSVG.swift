#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#elseif canImport(Musl)
import Musl
#endif

/// A small inline SVG built element by element: every text escaped, every coordinate written
/// with at most two decimals, every colour an attribute (so the page's style sheet neither
/// reaches into the plot nor the plot into the page).
struct MonitorSVG {
    let width: Double, height: Double
    private var body: [String] = []

    /// The colours of the two samples (Okabe–Ito blue and vermillion, told apart by people
    /// with any common colour-vision deficiency), of axes and of grid lines.
    static let reference = "#0072B2", current = "#D55E00", axis = "#555555", grid = "#E2E2E2", ink = "#222222"
    static let tickSize = 11.0, labelSize = 12.0

    init(width: Double, height: Double) {
        self.width = width
        self.height = height
    }

    /// The finished `<svg>` element, described by `label` for screen readers.
    func rendered(label: String) -> String {
        var out = "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 \(Self.number(width)) \(Self.number(height))\""
        out += " width=\"\(Self.number(width))\" height=\"\(Self.number(height))\" role=\"img\" aria-label=\"\(MonitorFormat.escape(label))\">"
        out += body.joined()
        return out + "</svg>"
    }

    mutating func rect(x: Double, y: Double, width: Double, height: Double, fill: String, title: String? = nil) {
        let element = "<rect x=\"\(Self.number(x))\" y=\"\(Self.number(y))\" width=\"\(Self.number(max(0, width)))\" height=\"\(Self.number(max(0, height)))\" fill=\"\(fill)\""
        body.append(element + Self.closing("rect", title: title))
    }

    mutating func line(_ x1: Double, _ y1: Double, _ x2: Double, _ y2: Double, stroke: String, width: Double = 1, dash: String? = nil) {
        var element = "<line x1=\"\(Self.number(x1))\" y1=\"\(Self.number(y1))\" x2=\"\(Self.number(x2))\" y2=\"\(Self.number(y2))\""
        element += " stroke=\"\(stroke)\" stroke-width=\"\(Self.number(width))\""
        if let dash { element += " stroke-dasharray=\"\(dash)\"" }
        body.append(element + "/>")
    }

    mutating func circle(x: Double, y: Double, radius: Double, fill: String, title: String? = nil) {
        let element = "<circle cx=\"\(Self.number(x))\" cy=\"\(Self.number(y))\" r=\"\(Self.number(radius))\" fill=\"\(fill)\""
        body.append(element + Self.closing("circle", title: title))
    }

    /// An open line through `points`.
    mutating func polyline(_ points: [(x: Double, y: Double)], stroke: String, width: Double = 2) {
        guard points.count > 1 else { return }
        let coordinates = points.map { "\(Self.number($0.x)),\(Self.number($0.y))" }.joined(separator: " ")
        body.append("<polyline points=\"\(coordinates)\" fill=\"none\" stroke=\"\(stroke)\" stroke-width=\"\(Self.number(width))\" stroke-linejoin=\"round\"/>")
    }

    /// A text; `anchor` is start, middle or end; `angle` turns it about its anchor point
    /// (negative is anticlockwise); `title` becomes a tooltip (the full text of a shortened one).
    mutating func text(
        _ content: String, x: Double, y: Double, size: Double = labelSize, anchor: String = "start",
        fill: String = ink, weight: String? = nil, angle: Double? = nil, title: String? = nil
    ) {
        var element = "<text x=\"\(Self.number(x))\" y=\"\(Self.number(y))\" font-size=\"\(Self.number(size))\" fill=\"\(fill)\""
        if anchor != "start" { element += " text-anchor=\"\(anchor)\"" }
        if let weight { element += " font-weight=\"\(weight)\"" }
        if let angle { element += " transform=\"rotate(\(Self.number(angle)) \(Self.number(x)) \(Self.number(y)))\"" }
        element += ">"
        if let title { element += "<title>\(MonitorFormat.escape(title))</title>" }
        body.append(element + MonitorFormat.escape(content) + "</text>")
    }

    /// A legend entry: a swatch and its label; returns the x after it.
    @discardableResult
    mutating func legend(_ label: String, colour: String, x: Double, y: Double) -> Double {
        rect(x: x, y: y - 9, width: 11, height: 11, fill: colour)
        text(label, x: x + 16, y: y, size: Self.labelSize)
        return x + 16 + MonitorFormat.width(of: label, size: Self.labelSize) + 14
    }

    /// A vertical axis at `x` over `scale`: ticks with labels and horizontal grid lines to `right`.
    mutating func yAxis(_ scale: MonitorScale, x: Double, right: Double, format: (Double) -> String) {
        for value in scale.ticks() {
            let y = scale(value)
            line(x, y, right, y, stroke: Self.grid, width: 0.8)
            text(format(value), x: x - 6, y: y + 4, size: Self.tickSize, anchor: "end", fill: Self.axis)
        }
        line(x, scale.start, x, scale.end, stroke: Self.axis)
    }

    /// A coordinate with at most two decimals, no exponent.
    static func number(_ value: Double) -> String {
        guard value.isFinite else { return "0" }
        let hundredths = (value * 100).rounded()
        guard abs(hundredths) < 1e15 else { return "0" }
        let whole = Int64(hundredths)
        let magnitude = whole.magnitude
        let fraction = magnitude % 100
        let integer = (whole < 0 ? "-" : "") + "\(magnitude / 100)"
        if fraction == 0 { return integer == "-0" ? "0" : integer }
        return fraction % 10 == 0 ? "\(integer).\(fraction / 10)" : "\(integer).\(fraction < 10 ? "0" : "")\(fraction)"
    }

    private static func closing(_ tag: String, title: String?) -> String {
        guard let title else { return "/>" }
        return "><title>\(MonitorFormat.escape(title))</title></\(tag)>"
    }
}

/// A linear map from data values to page positions, over an interval widened to round ticks.
struct MonitorScale {
    let lower: Double, upper: Double, step: Double
    let start: Double, end: Double

    /// `lower...upper` widened to whole round steps (about `count` of them), mapped to `start...end`.
    init(lower: Double, upper: Double, start: Double, end: Double, count: Int = 4) {
        var (low, high) = (lower.isFinite ? lower : 0, upper.isFinite ? upper : 1)
        if low == high {
            let pad = low == 0 ? 1 : abs(low) * 0.1
            (low, high) = (low - pad, high + pad)
        }
        let raw = (high - low) / Double(max(1, count))
        let magnitude = pow(10, floor(log10(raw)))
        let normalised = raw / magnitude
        let factor: Double = normalised < 1.5 ? 1 : normalised < 2.25 ? 2 : normalised < 3.5 ? 2.5 : normalised < 7.5 ? 5 : 10
        step = factor * magnitude
        self.lower = (low / step + 1e-9).rounded(.down) * step
        self.upper = (high / step - 1e-9).rounded(.up) * step
        self.start = start
        self.end = end
    }

    /// The page position of `value`.
    func callAsFunction(_ value: Double) -> Double {
        upper == lower ? (start + end) / 2 : start + (value - lower) / (upper - lower) * (end - start)
    }

    /// The multiples of the step from `lower` to `upper`.
    func ticks() -> [Double] {
        guard step > 0, step.isFinite else { return [] }
        let first = (lower / step).rounded(), last = (upper / step).rounded()
        guard last >= first, last - first <= 20 else { return [] }
        return stride(from: first, through: last, by: 1).map { $0 == 0 ? 0 : $0 * step }
    }
}
