extension MonitorHTML {
    /// Multivariate drift: the domain classifier's AUC against its threshold, and the
    /// features it leant on.
    static func domainClassifier(_ json: ReportJSON?) -> String {
        guard let json, !json.members.isEmpty else { return "" }
        let drifted = json["drifted"]?.bool == true
        var body = "<div class=\"stats\">\n"
        body += stat("AUC", MonitorFormat.value(json["auc"]), "threshold \(MonitorFormat.value(json["threshold"]))")
        body += stat("p-value", MonitorFormat.value(json["p_value"]), nil)
        if let rows = json["rows"] {
            body += stat("rows", "\(MonitorFormat.value(rows["reference"])) / \(MonitorFormat.value(rows["current"]))", "reference / current")
        }
        body += stat("verdict", drifted ? "<span class=\"drift-mark\">● drifted</span>" : "no drift", nil)
        body += "</div>\n<p class=\"lead\">A small gradient-boosted classifier is trained to tell reference rows from current rows; "
        body += "an AUC near 0.5 means it cannot, so the two samples look alike.</p>\n"
        let top = json["top_features"]?.elements ?? []
        let names = top.map { $0["feature"]?.stringValue ?? MonitorFormat.missing }, shares = top.map { $0["share"]?.double ?? 0 }
        if let chart = MonitorCharts.bars(labels: names, values: shares, description: "Features the domain classifier relied on most",
                                          format: { MonitorFormat.number($0 * 100, significantDigits: 3) + "%" }) {
            body += "<h3>Features it relied on most (share of its importance)</h3>\n<div class=\"chart\">\(chart)</div>\n"
        }
        return section(id: "domain-classifier", title: "Multivariate drift (domain classifier)", body)
    }

    /// A headline number with its label and an optional note (all already escaped).
    static func stat(_ label: String, _ value: String, _ note: String?) -> String {
        "<div class=\"stat\"><span class=\"label\">\(label)</span><span class=\"value\">\(value)</span>"
            + (note.map { "<span class=\"minor\">\($0)</span>" } ?? "") + "</div>\n"
    }

    /// The data-quality findings, coloured by severity, with their counts.
    static func dataQuality(_ json: ReportJSON?) -> String {
        guard let json, !json.members.isEmpty else { return "" }
        func count(_ key: String, _ noun: String) -> String {
            let value = json[key]
            return "\(MonitorFormat.value(value)) \(noun)\(value?.int == 1 ? "" : "s")"
        }
        var body = "<p class=\"counts\"><span class=\"severity error\">\(count("errors", "error"))</span> "
        body += "<span class=\"severity warning\">\(count("warnings", "warning"))</span> "
        body += "<span class=\"severity info\">\(count("infos", "info"))</span></p>\n"
        let findings = json["findings"]?.elements ?? []
        if findings.isEmpty {
            body += "<p>No findings.</p>\n"
        } else {
            body += "<div class=\"scroll\"><table class=\"findings\">\n"
            body += row(["Severity", "Check", "Column", "Count", "Share", "Example row", "Example value", "Message"], header: true)
            for finding in findings {
                let severity = finding["severity"]?.stringValue ?? "info"
                let known = ["error", "warning", "info"].contains(severity) ? severity : "info"
                body += row([
                    "<span class=\"severity \(known)\">\(MonitorFormat.escape(severity))</span>",
                    MonitorFormat.escape((finding["check"]?.stringValue ?? MonitorFormat.missing).replacingUnderscores()),
                    MonitorFormat.value(finding["column"]), MonitorFormat.value(finding["count"]), MonitorFormat.percent(finding["share"]),
                    MonitorFormat.value(finding["example_row"]), MonitorFormat.value(finding["example_value"]),
                    MonitorFormat.value(finding["message"]),
                ], class: "severity-\(known)")
            }
            body += "</table></div>\n"
        }
        return section(id: "data-quality", title: "Data quality", body)
    }

    /// Fairness across the groups of a sensitive column, with the four-fifths rule on ratios.
    static func fairness(_ json: ReportJSON?) -> String {
        guard let json, !json.members.isEmpty else { return "" }
        var body = "<p class=\"lead\">Sensitive column <strong>\(MonitorFormat.value(json["sensitive"]))</strong>; "
        body += "a row is selected when its score reaches \(MonitorFormat.value(json["threshold"])); "
        body += json["labelled"]?.bool == true ? "labels known, so error rates are shown.</p>\n" : "no labels, so only selection rates.</p>\n"
        let groups = json["groups"]?.elements ?? []
        let highest = groups.compactMap { $0["selection_rate"]?.double }.filter(\.isFinite).max()
        body += "<div class=\"scroll\"><table class=\"fairness\">\n"
        body += row(["Group", "Count", "Selection rate", "Ratio to highest", "TPR", "FPR", "Precision"], header: true)
        func cells(_ label: String, _ group: ReportJSON, ratio: String) -> [String] {
            [label, MonitorFormat.value(group["count"]), MonitorFormat.value(group["selection_rate"]), ratio,
             MonitorFormat.value(group["tpr"]), MonitorFormat.value(group["fpr"]), MonitorFormat.value(group["precision"])]
        }
        for group in groups {
            var ratio = MonitorFormat.missing
            if let rate = group["selection_rate"]?.double, let highest, highest > 0 { ratio = ratioCell(rate / highest) }
            body += row(cells(MonitorFormat.value(group["group"]), group, ratio: ratio))
        }
        if let overall = json["overall"] { body += row(cells("all rows", overall, ratio: ""), class: "overall") }
        body += "</table></div>\n<h3>Disparities</h3>\n<table class=\"disparity\">\n" + row(["Measure", "Difference", "Ratio"], header: true)
        for (key, label) in [("demographic_parity", "Demographic parity"), ("equalized_odds", "Equalized odds"), ("equal_opportunity", "Equal opportunity")] {
            let difference = json["\(key)_difference"], ratio = json["\(key)_ratio"]
            guard difference != nil || ratio != nil else { continue }
            body += row([label, MonitorFormat.value(difference), ratio?.double.map(ratioCell) ?? MonitorFormat.missing])
        }
        body += "</table>\n<p class=\"legend\">Ratios below 0.8 (the four-fifths rule) are <span class=\"warn\">amber</span>.</p>\n"
        return section(id: "fairness", title: "Fairness", body)
    }

    /// A ratio, amber when below the four-fifths rule's 0.8.
    static func ratioCell(_ ratio: Double) -> String {
        let text = MonitorFormat.number(ratio)
        return ratio.isFinite && ratio < 0.8 ? "<span class=\"warn\" title=\"below 0.8\">\(text) ▼</span>" : text
    }
}
