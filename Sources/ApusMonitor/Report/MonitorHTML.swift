/// The monitor's report as one self-contained HTML page: inline CSS and inline SVG, no script,
/// no font, image or style sheet fetched from anywhere, so the file can be mailed, archived
/// and opened offline. It renders the same `ReportJSON` tree that `apus monitor --json` prints
/// (see the report schema): sections the report lacks are left out, nulls print as "–", and
/// every text taken from the report is escaped.
public enum MonitorHTML {
    /// The page for `report`.
    public static func render(_ report: ReportJSON) -> String {
        var page = "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
        page += "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
        page += "<title>\(MonitorFormat.escape(title(of: report)))</title>\n<style>\(style)</style>\n</head>\n<body>\n<main>\n"
        page += header(report)
        page += verdict(report)
        page += predictions(report["predictions"])
        page += driftTable(report)
        page += distributions(report["features"])
        page += domainClassifier(report["domain_classifier"])
        page += dataQuality(report["data_quality"])
        page += performance(report["performance"])
        page += fairness(report["fairness"])
        page += settings(report["options"])
        page += footer(report)
        return page + "</main>\n</body>\n</html>\n"
    }

    static func title(of report: ReportJSON) -> String {
        let model = report["model"]
        let name = model?["name"]?.stringValue ?? "model"
        let version = model?["version"]?.int.map { " v\($0)" } ?? ""
        return "Monitoring report: \(name)\(version)"
    }

    private static func header(_ report: ReportJSON) -> String {
        var out = "<header>\n<h1>\(MonitorFormat.escape(title(of: report)))</h1>\n<table class=\"facts\">\n"
        let model = report["model"]
        out += fact("Model", [model?["reference"]?.stringValue, model?["task"]?.stringValue.map { "task: \($0)" },
                              model?["target"]?.stringValue.map { "target: \($0)" }])
        out += fact("Reference", sample(report["reference"]))
        out += fact("Current", sample(report["current"]))
        out += fact("Generated", [report["generated_at"]?.stringValue])
        return out + "</table>\n</header>\n"
    }

    /// The texts describing a sample: its source, path, time window and rows.
    private static func sample(_ json: ReportJSON?) -> [String?] {
        guard let json else { return [] }
        let source = json["source"]?.stringValue.map { $0.replacingUnderscores() }
        var window: String?
        if let since = json["since"]?.stringValue { window = "from \(since)" + (json["until"]?.stringValue.map { " to \($0)" } ?? "") }
        let rows = json["rows"].map { MonitorFormat.value($0) + " rows" }
        return [source, json["path"]?.stringValue, window, rows]
    }

    /// A header row; the texts are escaped here except `rows`, which `value` already escaped.
    private static func fact(_ label: String, _ parts: [String?]) -> String {
        let shown = parts.compactMap { $0 }.filter { !$0.isEmpty }
        guard !shown.isEmpty else { return "" }
        return "<tr><th>\(label)</th><td>\(shown.map(MonitorFormat.escape).joined(separator: " · "))</td></tr>\n"
    }

    private static func verdict(_ report: ReportJSON) -> String {
        let alert = report["alert"]?.bool ?? false
        var out = "<section class=\"verdict \(alert ? "alert" : "ok")\">\n"
        out += "<h2>\(alert ? "Drift detected" : "No drift detected")</h2>\n"
        let reasons = report["alert_reasons"]?.elements.compactMap(\.stringValue) ?? []
        if !reasons.isEmpty {
            out += "<ul>\n" + reasons.map { "<li>\(MonitorFormat.escape($0))</li>\n" }.joined() + "</ul>\n"
        }
        if let drift = report["dataset_drift"] {
            out += "<p>\(MonitorFormat.value(drift["drifted"]?.int.map { .integer($0) } ?? countDrifted(report["features"]))) of "
            out += "\(MonitorFormat.value(drift["compared"])) compared features drifted (of \(MonitorFormat.value(drift["features"])) in the model); "
            out += "share \(MonitorFormat.value(drift["share"])) against the threshold \(MonitorFormat.value(drift["threshold"])).</p>\n"
        }
        return out + "</section>\n"
    }

    /// How many features say they drifted, when `dataset_drift` does not hold the count.
    private static func countDrifted(_ features: ReportJSON?) -> ReportJSON {
        .integer(features?.members.filter { $0.1["drifted"]?.bool == true }.count ?? 0)
    }

    private static func settings(_ options: ReportJSON?) -> String {
        guard let options, !options.members.isEmpty else { return "" }
        var out = "<section id=\"settings\">\n<h2>Settings</h2>\n<table class=\"facts compact\">\n"
        for (key, value) in options.members {
            out += "<tr><th>\(MonitorFormat.escape(key.replacingUnderscores()))</th><td>\(MonitorFormat.value(value))</td></tr>\n"
        }
        return out + "</table>\n</section>\n"
    }

    private static func footer(_ report: ReportJSON) -> String {
        var out = "<footer>\n<p>Made by apus monitor"
        if let generated = report["generated_at"]?.stringValue { out += " at \(MonitorFormat.escape(generated))" }
        out += ".</p>\n"
        if let seconds = report["seconds"], !seconds.members.isEmpty {
            let parts = seconds.members.map { "\(MonitorFormat.escape($0.0.replacingUnderscores())) \(MonitorFormat.value($0.1)) s" }
            out += "<p class=\"seconds\">Seconds: \(parts.joined(separator: " · ")).</p>\n"
        }
        return out + "</footer>\n"
    }

    /// A section with a heading, or nothing when `body` is empty.
    static func section(id: String, title: String, _ body: String) -> String {
        guard !body.isEmpty else { return "" }
        return "<section id=\"\(id)\">\n<h2>\(title)</h2>\n\(body)</section>\n"
    }

    /// A table row of already escaped cells.
    static func row(_ cells: [String], header: Bool = false, class name: String? = nil) -> String {
        let tag = header ? "th" : "td"
        let open = name.map { "<tr class=\"\($0)\">" } ?? "<tr>"
        return open + cells.map { "<\(tag)>\($0)</\(tag)>" }.joined() + "</tr>\n"
    }
}

extension String {
    /// The text with underscores as spaces ("prediction_log" reads "prediction log").
    func replacingUnderscores() -> String {
        String(map { $0 == "_" ? " " : $0 })
    }
}
