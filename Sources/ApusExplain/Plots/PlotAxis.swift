#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#elseif canImport(Musl)
import Musl
#endif

/// A linear map from data values to positions on the page.
struct LinearScale {
    /// The data interval shown.
    let lower: Double, upper: Double
    /// The page positions of `lower` and `upper` (`start` may exceed `end`, for y axes).
    let start: Double, end: Double

    /// The page position of `value`.
    func callAsFunction(_ value: Double) -> Double {
        let span = upper - lower
        return span == 0 ? (start + end) / 2 : start + (value - lower) / span * (end - start)
    }
}

/// Round tick steps (1, 2, 2.5 or 5 times a power of ten) and the ticks within an interval.
enum NiceTicks {
    /// A round step giving about `count` intervals over `lower...upper`.
    static func step(lower: Double, upper: Double, count: Int = 6) -> Double {
        let span = upper - lower
        guard span > 0, span.isFinite else { return 1 }
        let raw = span / Double(max(1, count))
        let magnitude = pow(10, floor(log10(raw)))
        let normalised = raw / magnitude
        let factor: Double = normalised < 1.5 ? 1 : normalised < 2.25 ? 2 : normalised < 3.5 ? 2.5 : normalised < 7.5 ? 5 : 10
        return factor * magnitude
    }

    /// The next rounder, larger step: 1 → 2 → 5 → 10 (and 2.5 → 5) times a power of ten.
    static func larger(_ step: Double) -> Double {
        let magnitude = pow(10, floor(log10(step) + 1e-9))
        let normalised = (step / magnitude * 100).rounded() / 100
        return (normalised < 2 ? 2 : normalised < 5 ? 5 : 10) * magnitude
    }

    /// `step`, made larger until the labels of `scale`'s ticks (at `size`) do not touch.
    static func readable(_ step: Double, scale: LinearScale, size: Double) -> Double {
        var step = step
        for _ in 0..<6 {
            let values = ticks(lower: scale.lower, upper: scale.upper, step: step)
            guard values.count > 2 else { return step }
            let widest = values.map { PlotStyle.width(of: PlotNumberFormat.tick($0, step: step), size: size) }.max() ?? 0
            let spacing = abs(scale(values[1]) - scale(values[0]))
            if spacing >= widest + 12 { return step }
            step = larger(step)
        }
        return step
    }

    /// `lower...upper` widened to whole steps, with that step.
    static func widened(lower: Double, upper: Double, count: Int = 6) -> (lower: Double, upper: Double, step: Double) {
        var (lower, upper) = (lower, upper)
        if lower == upper {
            let pad = lower == 0 ? 1 : abs(lower) * 0.1
            (lower, upper) = (lower - pad, upper + pad)
        }
        let step = step(lower: lower, upper: upper, count: count)
        return ((lower / step).rounded(.down) * step, (upper / step).rounded(.up) * step, step)
    }

    /// The multiples of `step` inside `lower...upper` (computed as k × step, so they do not drift).
    static func ticks(lower: Double, upper: Double, step: Double) -> [Double] {
        guard step > 0, step.isFinite, lower.isFinite, upper.isFinite else { return [] }
        let first = (lower / step - 1e-9).rounded(.up), last = (upper / step + 1e-9).rounded(.down)
        guard last >= first, last - first < 1000 else { return [] }
        return stride(from: first, through: last, by: 1).map { $0 == 0 ? 0 : $0 * step }
    }

    /// A data interval with a margin of `padding` (a fraction of its span) on each side.
    static func padded(lower: Double, upper: Double, padding: Double = 0.05) -> (lower: Double, upper: Double) {
        if lower == upper {
            let pad = lower == 0 ? 1 : abs(lower) * 0.1
            return (lower - pad, upper + pad)
        }
        let pad = (upper - lower) * padding
        return (lower - pad, upper + pad)
    }
}

extension SVGDocument {
    /// A horizontal axis at page height `y`: line, ticks with labels, optional vertical grid
    /// lines up to `gridTop`, and the axis title centred below.
    mutating func xAxis(scale: LinearScale, step: Double, y: Double, title: String, gridTop: Double? = nil) {
        let step = NiceTicks.readable(step, scale: scale, size: PlotStyle.tickSize)
        openGroup(class: "x-axis")
        line(min(scale.start, scale.end), y, max(scale.start, scale.end), y, stroke: PlotStyle.axis)
        for value in NiceTicks.ticks(lower: scale.lower, upper: scale.upper, step: step) {
            let x = scale(value)
            if let gridTop { line(x, gridTop, x, y, stroke: PlotStyle.grid, width: 0.6, class: "grid") }
            line(x, y, x, y + 5, stroke: PlotStyle.axis)
            text(PlotNumberFormat.tick(value, step: step), x: x, y: y + 19, size: PlotStyle.tickSize, anchor: "middle", class: "tick")
        }
        let centre = (scale.start + scale.end) / 2
        fittedText(title, x: centre, y: y + 40, maxWidth: abs(scale.end - scale.start) + 120, anchor: "middle", class: "axis-title")
        closeGroup()
    }

    /// A vertical axis at page position `x`: line, ticks with labels, optional horizontal grid
    /// lines up to `gridRight`, and the axis title rotated at `titleX`.
    mutating func yAxis(scale: LinearScale, step: Double, x: Double, title: String, titleX: Double, gridRight: Double? = nil) {
        openGroup(class: "y-axis")
        line(x, min(scale.start, scale.end), x, max(scale.start, scale.end), stroke: PlotStyle.axis)
        for value in NiceTicks.ticks(lower: scale.lower, upper: scale.upper, step: step) {
            let y = scale(value)
            if let gridRight { line(x, y, gridRight, y, stroke: PlotStyle.grid, width: 0.6, class: "grid") }
            line(x - 5, y, x, y, stroke: PlotStyle.axis)
            text(PlotNumberFormat.tick(value, step: step), x: x - 8, y: y + 4, size: PlotStyle.tickSize, anchor: "end", class: "tick")
        }
        let centre = (scale.start + scale.end) / 2
        fittedText(title, x: titleX, y: centre, maxWidth: abs(scale.end - scale.start) + 40, anchor: "middle", class: "axis-title", rotated: true)
        closeGroup()
    }

    /// The plot's title, centred at the top, when there is one.
    mutating func plotTitle(_ title: String?) {
        guard let title, !title.isEmpty else { return }
        fittedText(title, x: width / 2, y: 26, maxWidth: width - 40, size: PlotStyle.titleSize, anchor: "middle", weight: "600", class: "title")
    }
}
