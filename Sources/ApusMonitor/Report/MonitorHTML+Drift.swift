extension MonitorHTML {
    /// The drift table's column headings.
    static let driftColumns = [
        "Feature", "Type", "Test", "Score", "Threshold", "PSI", "KS D", "KS p",
        "Wasserstein (normed)", "Jensen–Shannon", "χ² or Z p", "Cramér's V", "Drifted",
    ]

    /// The prediction drift: its table row, then its panel, open.
    static func predictions(_ json: ReportJSON?) -> String {
        guard let json, !json.members.isEmpty else { return "" }
        var body = "<p class=\"lead\">The distribution of the model's output, reference against current.</p>\n"
        body += "<div class=\"scroll\"><table class=\"drift\">\n" + row(driftColumns, header: true)
        body += driftRow(name: "predictions", json, anchor: nil) + "</table></div>\n"
        body += panelBody(name: "predictions", json)
        return section(id: "predictions", title: "Prediction drift", "<div class=\"prominent\">\n\(body)</div>\n")
    }

    /// One row per feature, in the model's order.
    static func driftTable(_ report: ReportJSON) -> String {
        let features = report["features"]?.members ?? []
        guard !features.isEmpty else { return "" }
        var body = "<p class=\"legend\">Rows are coloured by PSI band: <span class=\"band stable\">stable</span> below "
        body += "\(MonitorFormat.value(report["options"]?["psi_threshold"] ?? .number(0.1))), "
        body += "<span class=\"band moderate\">moderate</span>, <span class=\"band significant\">significant</span> from "
        body += "\(MonitorFormat.value(report["options"]?["psi_significant"] ?? .number(0.25))). "
        body += "A p-value test drifts when its score falls below the threshold, a distance when it exceeds it. "
        body += "<span class=\"approx\">≈</span> marks statistics computed from binned profiles.</p>\n"
        body += "<div class=\"scroll\"><table class=\"drift\">\n" + row(driftColumns, header: true)
        for (index, (name, feature)) in features.enumerated() {
            body += driftRow(name: name, feature, anchor: "feature-\(index)")
        }
        body += "</table></div>\n"
        return section(id: "drift", title: "Feature drift", body)
    }

    /// A drift table row: coloured by PSI band, the drifted mark in red; a feature not
    /// compared shows its note across the statistics.
    private static func driftRow(name: String, _ feature: ReportJSON, anchor: String?) -> String {
        let drifted = feature["drifted"]?.bool == true
        let band = feature["psi_band"]?.stringValue.flatMap { ["stable", "moderate", "significant"].contains($0) ? $0 : nil }
        let classes = (band.map { ["band-\($0)"] } ?? []) + (drifted ? ["drifted"] : [])
        let escaped = MonitorFormat.escape(name)
        let label = anchor.map { "<a href=\"#\($0)\">\(escaped)</a>" } ?? escaped
        var cells = [label, MonitorFormat.value(feature["type"])]
        guard let test = feature["test"]?.stringValue else {
            let note = feature["note"]?.stringValue ?? "not compared"
            let open = classes.isEmpty ? "<tr class=\"not-compared\">" : "<tr class=\"not-compared \(classes.joined(separator: " "))\">"
            return open + cells.map { "<td>\($0)</td>" }.joined()
                + "<td colspan=\"\(driftColumns.count - 3)\" class=\"note\">\(MonitorFormat.escape(note))</td><td>–</td></tr>\n"
        }
        let approximate = feature["approximate"]?.bool == true
            ? " <span class=\"approx\" title=\"approximate: computed from binned profiles\">≈</span>" : ""
        let psi = MonitorFormat.value(feature["psi"]) + (band.map { " <span class=\"band \($0)\">\($0)</span>" } ?? "")
        let wasserstein = feature["wasserstein"] == nil ? MonitorFormat.value(feature["wasserstein_normed"])
            : "<span title=\"distance \(MonitorFormat.value(feature["wasserstein"]))\">\(MonitorFormat.value(feature["wasserstein_normed"]))</span>"
        cells += [
            testName(test), "<span class=\"num\">\(MonitorFormat.value(feature["score"]))\(approximate)</span>",
            MonitorFormat.value(feature["threshold"]), psi,
            MonitorFormat.value(feature["ks_statistic"]), MonitorFormat.value(feature["ks_p_value"]), wasserstein,
            MonitorFormat.value(feature["js_distance"]), MonitorFormat.value(feature["chi2_p_value"] ?? feature["z_p_value"]),
            MonitorFormat.value(feature["cramers_v"]),
            drifted ? "<span class=\"drift-mark\">● yes</span>" : "no",
        ]
        return row(cells, class: classes.isEmpty ? nil : classes.joined(separator: " "))
    }

    /// A test's short name, with its full name as a tooltip.
    static func testName(_ test: String) -> String {
        let (short, full): (String, String) = switch test {
        case "ks": ("KS", "two-sample Kolmogorov–Smirnov test (p-value)")
        case "chisquare": ("χ²", "chi-square test of homogeneity (p-value)")
        case "z": ("Z", "two-proportion Z-test (p-value)")
        case "wasserstein": ("Wasserstein", "normed Wasserstein distance")
        case "jensenshannon": ("JS", "Jensen–Shannon distance")
        case "psi": ("PSI", "population stability index")
        default: (MonitorFormat.escape(test), MonitorFormat.escape(test))
        }
        return "<abbr title=\"\(full)\">\(short)</abbr>"
    }

    /// One `<details>` per feature, drifted ones open.
    static func distributions(_ features: ReportJSON?) -> String {
        let members = features?.members ?? []
        guard !members.isEmpty else { return "" }
        var body = ""
        for (index, (name, feature)) in members.enumerated() {
            let drifted = feature["drifted"]?.bool == true
            body += "<details id=\"feature-\(index)\"\(drifted ? " open" : "") class=\"\(drifted ? "drifted" : "steady")\">\n<summary>"
            body += "<span class=\"name\">\(MonitorFormat.escape(name))</span> <span class=\"minor\">\(MonitorFormat.value(feature["type"]))</span>"
            if drifted { body += " <span class=\"drift-mark\">● drifted</span>" }
            if let band = feature["psi_band"]?.stringValue, ["stable", "moderate", "significant"].contains(band) {
                body += " <span class=\"band \(band)\">PSI \(MonitorFormat.value(feature["psi"]))</span>"
            }
            body += "</summary>\n" + panelBody(name: name, feature) + "</details>\n"
        }
        return section(id: "distributions", title: "Distributions per feature", body)
    }

    /// The chart of the two distributions beside the two samples' summaries, and the note.
    static func panelBody(name: String, _ feature: ReportJSON) -> String {
        var out = "<div class=\"panel\">\n"
        if let chart = MonitorCharts.distribution(feature["distribution"], name: name) {
            out += "<div class=\"chart\">\(chart)</div>\n"
        } else {
            out += "<p class=\"minor\">No distribution to draw.</p>\n"
        }
        out += summaries(reference: feature["reference"], current: feature["current"])
        out += "</div>\n"
        if let note = feature["note"]?.stringValue { out += "<p class=\"note\">\(MonitorFormat.escape(note))</p>\n" }
        return out
    }

    /// Reference and current summaries side by side (rows both samples lack are left out).
    private static func summaries(reference: ReportJSON?, current: ReportJSON?) -> String {
        guard reference != nil || current != nil else { return "" }
        let rows: [(String, String)] = [
            ("count", "rows present"), ("missing", "missing"), ("missing_share", "missing share"), ("mean", "mean"),
            ("std", "std"), ("min", "min"), ("max", "max"), ("distinct", "distinct"),
        ]
        var out = "<table class=\"summary\">\n" + row(["", "reference", "current"], header: true)
        for (key, label) in rows where reference?[key] != nil || current?[key] != nil {
            func format(_ json: ReportJSON?) -> String {
                key == "missing_share" ? MonitorFormat.percent(json) : MonitorFormat.value(json)
            }
            out += "<tr><th>\(label)</th><td>\(format(reference?[key]))</td><td>\(format(current?[key]))</td></tr>\n"
        }
        return out + "</table>\n"
    }
}
