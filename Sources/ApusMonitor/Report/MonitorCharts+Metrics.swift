extension MonitorCharts {
    /// Horizontal bars, one per label, in the given order, each value written at its end
    /// (the domain classifier's top features and their shares).
    static func bars(labels: [String], values: [Double], description: String, format: (Double) -> String) -> String? {
        let count = min(labels.count, values.count)
        guard count > 0 else { return nil }
        let shown = labels.prefix(count).map { MonitorFormat.shortened($0, to: 28) }
        let width = 560.0, rowHeight = 24.0, top = 8.0
        let left = min(200, (shown.map { MonitorFormat.width(of: $0, size: MonitorSVG.labelSize) }.max() ?? 0) + 14)
        let highest = max(values.prefix(count).map { $0.isFinite ? abs($0) : 0 }.max() ?? 0, 1e-12)
        let room = width - left - 70
        var svg = MonitorSVG(width: width, height: top * 2 + Double(count) * rowHeight)
        for index in 0..<count {
            let y = top + Double(index) * rowHeight, value = values[index].isFinite ? values[index] : 0
            let length = abs(value) / highest * room
            svg.text(shown[index], x: left - 8, y: y + 16, anchor: "end", title: shown[index] == labels[index] ? nil : labels[index])
            svg.rect(x: left, y: y + 4, width: length, height: rowHeight - 8, fill: MonitorSVG.reference, title: "\(labels[index]): \(format(value))")
            svg.text(format(value), x: left + length + 6, y: y + 16, size: MonitorSVG.tickSize, fill: MonitorSVG.axis)
        }
        svg.line(left, top, left, top + Double(count) * rowHeight, stroke: MonitorSVG.axis)
        return svg.rendered(label: description)
    }

    /// A metric over time windows: one point per window joined by a line, the training value
    /// as a dashed line; nil with fewer than two windows.
    static func line(metric: String, windows: [String], values: [Double?], training: Double?) -> String? {
        let points = values.enumerated().compactMap { index, value in value.flatMap { $0.isFinite ? (index, $0) : nil } }
        guard windows.count >= 2, points.count >= 2 else { return nil }
        let width = 350.0, left = 56.0, right = 16.0, top = 30.0, plotHeight = 130.0
        var svg = MonitorSVG(width: width, height: top + plotHeight + 34)
        let all = points.map(\.1) + (training.map { [$0] } ?? [])
        let (low, high) = (all.min() ?? 0, all.max() ?? 1)
        let pad = high > low ? (high - low) * 0.1 : max(abs(high) * 0.05, 0.01)
        let scale = MonitorScale(lower: low - pad, upper: high + pad, start: top + plotHeight, end: top, count: 4)
        svg.text(metric, x: left, y: 14, weight: "600")
        svg.yAxis(scale, x: left, right: width - right) { MonitorFormat.number($0, significantDigits: 3) }
        let span = width - left - right - 60
        func x(_ index: Int) -> Double { left + 30 + span * Double(index) / Double(max(1, windows.count - 1)) }
        if let training, training.isFinite {
            svg.line(left, scale(training), width - right, scale(training), stroke: "#009E73", width: 1.5, dash: "5 4")
            svg.text("training \(MonitorFormat.number(training))", x: width - right, y: 14, size: MonitorSVG.tickSize, anchor: "end", fill: "#007A5A")
        }
        svg.polyline(points.map { (x($0.0), scale($0.1)) }, stroke: MonitorSVG.current)
        for (index, value) in points {
            svg.circle(x: x(index), y: scale(value), radius: 3.5, fill: MonitorSVG.current, title: "\(windows[index]): \(MonitorFormat.number(value))")
        }
        let spacing = span / Double(max(1, windows.count - 1))
        let every = max(1, Int(((windows.map { MonitorFormat.width(of: $0, size: 10) }.max() ?? 0) + 10) / spacing + 0.999))
        for index in stride(from: 0, to: windows.count, by: every) {
            svg.text(windows[index], x: x(index), y: top + plotHeight + 18, size: 10, anchor: "middle", fill: MonitorSVG.axis)
        }
        svg.line(left, top + plotHeight, width - right, top + plotHeight, stroke: MonitorSVG.axis)
        return svg.rendered(label: "\(metric) per time window")
    }

    /// Estimates with error bars of ± `spread` standard errors, one row per metric.
    static func errorBars(names: [String], values: [Double], errors: [Double], spread: Double = 2) -> String? {
        let rows = (0..<min(names.count, values.count, errors.count)).filter { values[$0].isFinite }
        guard !rows.isEmpty else { return nil }
        let width = 560.0, left = 110.0, right = 20.0, rowHeight = 26.0, top = 8.0
        let plotHeight = Double(rows.count) * rowHeight
        var svg = MonitorSVG(width: width, height: top + plotHeight + 30)
        let error = { (row: Int) in errors[row].isFinite ? abs(errors[row]) * spread : 0 }
        let low = rows.map { values[$0] - error($0) }.min() ?? 0, high = rows.map { values[$0] + error($0) }.max() ?? 1
        let scale = MonitorScale(lower: low, upper: high, start: left, end: width - right, count: 5)
        for tick in scale.ticks() {
            svg.line(scale(tick), top, scale(tick), top + plotHeight, stroke: MonitorSVG.grid, width: 0.8)
            svg.text(MonitorFormat.number(tick, significantDigits: 3), x: scale(tick), y: top + plotHeight + 18, size: MonitorSVG.tickSize, anchor: "middle", fill: MonitorSVG.axis)
        }
        for (position, row) in rows.enumerated() {
            let y = top + (Double(position) + 0.5) * rowHeight
            let (from, to) = (scale(values[row] - error(row)), scale(values[row] + error(row)))
            svg.text(MonitorFormat.shortened(names[row], to: 16), x: left - 10, y: y + 4, anchor: "end")
            svg.line(from, y, to, y, stroke: MonitorSVG.ink, width: 1.4)
            svg.line(from, y - 5, from, y + 5, stroke: MonitorSVG.ink, width: 1.4)
            svg.line(to, y - 5, to, y + 5, stroke: MonitorSVG.ink, width: 1.4)
            let tip = "\(names[row]): \(MonitorFormat.number(values[row])) ± \(MonitorFormat.number(error(row)))"
            svg.circle(x: scale(values[row]), y: y, radius: 4.5, fill: MonitorSVG.reference, title: tip)
        }
        svg.line(left, top + plotHeight, width - right, top + plotHeight, stroke: MonitorSVG.axis)
        return svg.rendered(label: "Estimated metrics with ± \(MonitorFormat.number(spread)) standard errors")
    }
}
