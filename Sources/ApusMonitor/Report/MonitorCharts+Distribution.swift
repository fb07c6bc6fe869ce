#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#elseif canImport(Musl)
import Musl
#endif

/// The small inline SVG charts of the monitor's HTML report.
enum MonitorCharts {
    /// The most levels a distribution chart shows; the rest share one "other" bar.
    static let maxLevels = 30

    /// One group of two bars: a bin or a level, with the proportion of each sample in it.
    struct Group {
        let label: String, reference: Double, current: Double
    }

    /// Reference against current proportions per bin (`edges`) or per level (`levels`) as
    /// pairs of bars, or nil when the distribution holds nothing to draw.
    static func distribution(_ json: ReportJSON?, name: String) -> String? {
        guard let json else { return nil }
        let reference = json["reference"]?.elements.map { $0.double ?? 0 } ?? []
        let current = json["current"]?.elements.map { $0.double ?? 0 } ?? []
        let count = min(reference.count, current.count)
        guard count > 0 else { return nil }
        if let levels = json["levels"]?.elements, !levels.isEmpty {
            let groups = (0..<count).map { index in
                Group(label: index < levels.count ? (levels[index].stringValue ?? MonitorFormat.missing) : "level \(index + 1)",
                      reference: reference[index], current: current[index])
            }
            return levelChart(limited(groups), name: name)
        }
        let edges = json["edges"]?.elements.map { $0.double } ?? []
        return binChart(reference: Array(reference.prefix(count)), current: Array(current.prefix(count)), edges: edges, name: name)
    }

    /// At most `maxLevels` groups: the largest (by either sample) in their given order, the
    /// rest summed into a last "other" group.
    static func limited(_ groups: [Group]) -> [Group] {
        guard groups.count > maxLevels else { return groups }
        let kept = Set(groups.indices.sorted { max(groups[$0].reference, groups[$0].current) > max(groups[$1].reference, groups[$1].current) }.prefix(maxLevels))
        let others = groups.indices.filter { !kept.contains($0) }
        let other = Group(label: "other (\(others.count) levels)",
                          reference: others.reduce(0) { $0 + groups[$1].reference },
                          current: others.reduce(0) { $0 + groups[$1].current })
        return groups.indices.filter { kept.contains($0) }.map { groups[$0] } + [other]
    }

    private static func levelChart(_ groups: [Group], name: String) -> String {
        let labels = groups.map { MonitorFormat.shortened($0.label, to: 18) }
        let longest = labels.map { MonitorFormat.width(of: $0, size: MonitorSVG.tickSize) }.max() ?? 0
        let rotate = groups.count > 6 || longest > 520 / Double(max(1, groups.count)) - 6
        let bottom = rotate ? longest * 0.72 + 18 : 24
        var chart = BarFrame(groups: groups, bottom: bottom)
        for (index, label) in labels.enumerated() {
            let centre = chart.centre(of: index)
            let title = label == groups[index].label ? nil : groups[index].label
            if rotate {
                chart.svg.text(label, x: centre + 3, y: chart.baseline + 12, size: MonitorSVG.tickSize, anchor: "end", fill: MonitorSVG.axis, angle: -45, title: title)
            } else {
                chart.svg.text(label, x: centre, y: chart.baseline + 16, size: MonitorSVG.tickSize, anchor: "middle", fill: MonitorSVG.axis, title: title)
            }
        }
        return chart.svg.rendered(label: "Share of rows per level of \(name), reference against current")
    }

    private static func binChart(reference: [Double], current: [Double], edges: [Double?], name: String) -> String {
        func edgeLabel(_ index: Int) -> String {
            guard index < edges.count, let edge = edges[index], edge.isFinite else {
                return index == 0 ? "−∞" : index >= reference.count ? "∞" : MonitorFormat.missing
            }
            return MonitorFormat.number(edge, significantDigits: 3)
        }
        let groups = reference.indices.map { bin in
            Group(label: "\(edgeLabel(bin)) to \(edgeLabel(bin + 1))", reference: reference[bin], current: current[bin])
        }
        var chart = BarFrame(groups: groups, bottom: 28)
        let labels = (0...groups.count).map(edgeLabel)
        let widest = labels.map { MonitorFormat.width(of: $0, size: MonitorSVG.tickSize) }.max() ?? 0
        let every = max(1, Int(ceil((widest + 8) / chart.groupWidth)))
        for index in stride(from: 0, through: groups.count, by: every) {
            let x = chart.left + Double(index) * chart.groupWidth
            chart.svg.line(x, chart.baseline, x, chart.baseline + 4, stroke: MonitorSVG.axis)
            let anchor = index == 0 ? "start" : index == groups.count ? "end" : "middle"
            chart.svg.text(labels[index], x: x, y: chart.baseline + 17, size: MonitorSVG.tickSize, anchor: anchor, fill: MonitorSVG.axis)
        }
        return chart.svg.rendered(label: "Share of rows per bin of \(name), reference against current")
    }

    /// The frame both distribution charts share: legend, percentage axis and the bar pairs.
    private struct BarFrame {
        var svg: MonitorSVG
        let left = 52.0, top = 30.0, plotHeight = 150.0
        let groupWidth: Double, baseline: Double

        init(groups: [Group], bottom: Double, width: Double = 560) {
            svg = MonitorSVG(width: width, height: top + plotHeight + bottom)
            groupWidth = (width - left - 10) / Double(max(1, groups.count))
            baseline = top + plotHeight
            let highest = groups.map { max($0.reference, $0.current) }.max() ?? 1
            let scale = MonitorScale(lower: 0, upper: max(highest, 1e-9), start: baseline, end: top, count: 4)
            svg.yAxis(scale, x: left, right: width - 10) { MonitorFormat.number($0 * 100, significantDigits: 3) + "%" }
            let next = svg.legend("reference", colour: MonitorSVG.reference, x: left, y: 14)
            svg.legend("current", colour: MonitorSVG.current, x: next, y: 14)
            let bar = min(groupWidth * 0.38, 36)
            for (index, group) in groups.enumerated() {
                let centre = left + (Double(index) + 0.5) * groupWidth
                let tip = "\(group.label): reference \(MonitorFormat.number(group.reference * 100, significantDigits: 3))%, current \(MonitorFormat.number(group.current * 100, significantDigits: 3))%"
                svg.rect(x: centre - bar, y: scale(group.reference), width: bar, height: baseline - scale(group.reference), fill: MonitorSVG.reference, title: tip)
                svg.rect(x: centre, y: scale(group.current), width: bar, height: baseline - scale(group.current), fill: MonitorSVG.current, title: tip)
            }
            svg.line(left, baseline, width - 10, baseline, stroke: MonitorSVG.axis)
        }

        func centre(of index: Int) -> Double { left + (Double(index) + 0.5) * groupWidth }
    }
}
