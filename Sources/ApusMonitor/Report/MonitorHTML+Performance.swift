extension MonitorHTML {
    /// Training against current metrics, the metrics over time windows, and the CBPE estimates.
    static func performance(_ json: ReportJSON?) -> String {
        guard let json, !json.members.isEmpty else { return "" }
        let training = json["training"], current = json["current"], windows = json["windows"]?.elements ?? []
        var names = json["metric_names"]?.elements.compactMap(\.stringValue) ?? []
        for key in (training?.members.map(\.0) ?? []) + (current?["metrics"]?.members.map(\.0) ?? []) where !names.contains(key) {
            names.append(key)
        }
        var body = ""
        if let labels = json["labels"]?.stringValue { body += "<p class=\"lead\">Labels from column <strong>\(MonitorFormat.escape(labels))</strong>" }
        if let current {
            body += body.isEmpty ? "<p class=\"lead\">" : "; "
            body += "\(MonitorFormat.value(current["labelled"])) of \(MonitorFormat.value(current["rows"])) current rows labelled"
        }
        if !body.isEmpty { body += ".</p>\n" }
        if !names.isEmpty && (training != nil || current != nil) {
            body += "<table class=\"metrics\">\n" + row(["Metric", "Training", "Current", "Change"], header: true)
            for name in names {
                let before = training?[name]?.double, after = current?["metrics"]?[name]?.double
                let change = before.flatMap { b in after.map { a in signed(a - b) } } ?? MonitorFormat.missing
                body += row([MonitorFormat.escape(name), MonitorFormat.number(before), MonitorFormat.number(after), change])
            }
            body += "</table>\n"
        }
        body += windowsBody(windows, names: names, training: training)
        body += estimated(json["estimated"])
        return section(id: "performance", title: "Performance", body)
    }

    private static func signed(_ value: Double) -> String {
        value > 0 ? "+" + MonitorFormat.number(value) : MonitorFormat.number(value)
    }

    /// One line chart per metric (with two windows or more) and the windows' table.
    private static func windowsBody(_ windows: [ReportJSON], names: [String], training: ReportJSON?) -> String {
        guard !windows.isEmpty else { return "" }
        let starts = windows.map { $0["start"]?.stringValue }
        let days = Set(starts.map { $0.map { String($0.prefix(10)) } })
        let sameDay = days.count == 1 && starts.allSatisfy { shortTime($0).count == 11 }
        let labels = starts.map { sameDay ? String(shortTime($0).suffix(5)) : shortTime($0) }
        var body = "<h3>Over time"
        if sameDay, let day = days.first ?? nil { body += " <span class=\"minor\">(windows starting on \(MonitorFormat.escape(day)))</span>" }
        body += "</h3>\n"
        var charts = ""
        for name in names {
            let values = windows.map { $0["metrics"]?[name]?.double }
            if let chart = MonitorCharts.line(metric: name, windows: labels, values: values, training: training?[name]?.double) {
                charts += "<div class=\"chart\">\(chart)</div>\n"
            }
        }
        if !charts.isEmpty { body += "<div class=\"charts\">\n\(charts)</div>\n" }
        body += "<div class=\"scroll\"><table class=\"windows\">\n"
        body += row(["Start", "End", "Rows", "Labelled"] + names.map(MonitorFormat.escape), header: true)
        for window in windows {
            body += row([MonitorFormat.value(window["start"]), MonitorFormat.value(window["end"]), MonitorFormat.value(window["rows"]),
                         MonitorFormat.value(window["labelled"])] + names.map { MonitorFormat.value(window["metrics"]?[$0]) })
        }
        return body + "</table></div>\n"
    }

    /// "2026-11-28T20:00:00Z" as "11-28 20:00"; other texts shortened.
    static func shortTime(_ text: String?) -> String {
        guard let text else { return MonitorFormat.missing }
        let characters = Array(text)
        guard characters.count >= 16, characters[4] == "-", characters[10] == "T" else { return MonitorFormat.shortened(text, to: 12) }
        return String(characters[5..<10]) + " " + String(characters[11..<16])
    }

    /// Performance estimated without labels, with ± 2 standard errors.
    private static func estimated(_ json: ReportJSON?) -> String {
        guard let json, let metrics = json["metrics"]?.members, !metrics.isEmpty else { return "" }
        let method = json["method"]?.stringValue.map { $0.uppercased() } ?? "estimate"
        var body = "<h3>Estimated without labels (\(MonitorFormat.escape(method))"
        if let threshold = json["threshold"] { body += ", threshold \(MonitorFormat.value(threshold))" }
        body += ")</h3>\n<p class=\"lead\">Confidence-based performance estimation reads the model's own probabilities; "
        body += "the bars span ± 2 standard errors.</p>\n<div class=\"panel\">\n"
        let values = metrics.map { $0.1["value"]?.double ?? .nan }, errors = metrics.map { $0.1["standard_error"]?.double ?? .nan }
        if let chart = MonitorCharts.errorBars(names: metrics.map { $0.0.replacingUnderscores() }, values: values, errors: errors) {
            body += "<div class=\"chart\">\(chart)</div>\n"
        }
        body += "<table class=\"metrics\">\n" + row(["Metric", "Estimate", "Standard error", "± 2 SE"], header: true)
        for (index, (name, _)) in metrics.enumerated() {
            let (value, error) = (values[index], errors[index])
            let interval = value.isFinite && error.isFinite
                ? "\(MonitorFormat.number(value - 2 * error)) to \(MonitorFormat.number(value + 2 * error))" : MonitorFormat.missing
            body += row([MonitorFormat.escape(name.replacingUnderscores()), MonitorFormat.number(value), MonitorFormat.number(error), interval])
        }
        return body + "</table>\n</div>\n"
    }
}
