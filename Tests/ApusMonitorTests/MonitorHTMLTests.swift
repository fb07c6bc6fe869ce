import Foundation
import Testing
@testable import ApusMonitor

@Suite("The monitor's HTML report")
struct MonitorHTMLTests {
    /// Checks that every element opened is closed in order (void elements and `/>` aside);
    /// returns the first problem, or nil.
    static func unbalanced(_ html: String) -> String? {
        let void: Set<String> = ["meta", "br", "hr", "img", "input", "link"]
        var stack: [String] = []
        var rest = Substring(html)
        while let open = rest.firstIndex(of: "<") {
            guard let close = rest[open...].firstIndex(of: ">") else { return "an unclosed `<` at the end" }
            let tag = rest[rest.index(after: open)..<close]
            rest = rest[rest.index(after: close)...]
            if tag.hasPrefix("!") { continue }
            let name = String(tag.drop { $0 == "/" }.prefix { $0.isLetter || $0.isNumber }).lowercased()
            guard !name.isEmpty else { return "a `<` that opens no tag: <\(tag)>" }
            if tag.hasPrefix("/") {
                guard let last = stack.popLast() else { return "</\(name)> closes nothing" }
                guard last == name else { return "</\(name)> closes <\(last)>" }
            } else if !tag.hasSuffix("/") && !void.contains(name) {
                stack.append(name)
            }
        }
        return stack.isEmpty ? nil : "left open: \(stack)"
    }

    static func occurrences(of needle: String, in text: String) -> Int {
        text.components(separatedBy: needle).count - 1
    }

    @Test("the full report: header, verdict, one row and one panel per feature, every section")
    func fullReport() throws {
        let html = MonitorHTML.render(MonitorReportFixture.full())
        if let path = ProcessInfo.processInfo.environment["APUS_MONITOR_HTML"] {
            try html.write(toFile: path, atomically: true, encoding: .utf8)
        }
        #expect(html.hasPrefix("<!DOCTYPE html>"))
        #expect(Self.unbalanced(html) == nil, "\(Self.unbalanced(html) ?? "")")
        #expect(html.contains("<title>Monitoring report: credit v3</title>"))
        #expect(html.contains("credit@champion · task: binary · target: default"))
        #expect(html.contains("file · train.csv · 10,000 rows"))
        #expect(html.contains("prediction log · from 2026-11-28T20:00:00Z to 2026-11-29T00:00:00Z · 5000 rows"))
        #expect(html.contains("<section class=\"verdict alert\">\n<h2>Drift detected</h2>"))
        #expect(html.contains("<li>the predictions drifted</li>"))
        #expect(html.contains("<li>the domain classifier tells the samples apart (AUC 0.71 &gt;= 0.55)</li>"))
        #expect(html.contains("<p>3 of 7 compared features drifted (of 8 in the model); share 0.4286 against the threshold 0.5.</p>"))
        for id in ["predictions", "drift", "distributions", "domain-classifier", "data-quality", "performance", "fairness", "settings"] {
            #expect(html.contains("<section id=\"\(id)\">"), "section \(id)")
        }

        let features = MonitorReportFixture.features()
        for (index, (name, _)) in features.enumerated() {
            let escaped = MonitorFormat.escape(name)
            #expect(html.contains("<a href=\"#feature-\(index)\">\(escaped)</a>"), "row of \(name)")
            #expect(html.contains("<details id=\"feature-\(index)\""), "panel of \(name)")
        }
        #expect(Self.occurrences(of: "<details ", in: html) == 8)
        // Model order, drifted rows marked and coloured by band.
        let positions = features.compactMap { html.range(of: "\">\(MonitorFormat.escape($0.0))</a>")?.lowerBound }
        #expect(positions.count == 8 && positions == positions.sorted())
        #expect(html.contains("<tr class=\"band-significant drifted\"><td><a href=\"#feature-0\">income</a></td><td>numeric</td><td><abbr title=\"two-sample Kolmogorov–Smirnov test (p-value)\">KS</abbr></td>"))
        #expect(html.contains("<td><span class=\"num\">1.2e-30</span></td><td>0.00625</td><td>0.31 <span class=\"band significant\">significant</span></td>"))
        #expect(html.contains("<tr class=\"band-stable\"><td><a href=\"#feature-1\">age</a></td>"))
        #expect(html.contains("<tr class=\"band-moderate drifted\"><td><a href=\"#feature-2\">employment_type</a></td><td>categorical</td><td><abbr title=\"chi-square test of homogeneity (p-value)\">χ²</abbr></td>"))
        #expect(Self.occurrences(of: "<span class=\"drift-mark\">● yes</span>", in: html) == 4)  // 3 features and the predictions
        #expect(Self.occurrences(of: "<span class=\"approx\"", in: html) == 2)  // the legend and debt_ratio
        #expect(html.contains("<td colspan=\"10\" class=\"note\">not compared: every current value is missing (&lt;none&gt; &amp; nothing)</td>"))
        #expect(html.contains("<details id=\"feature-0\" open class=\"drifted\">"))
        #expect(html.contains("<details id=\"feature-1\" class=\"steady\">"))
        // The region's 40 levels: the 30 largest shown, 10 summed.
        #expect(html.contains(">other (10 levels)</text>"))

        // Escaping: the hostile name never appears raw.
        #expect(!html.contains(MonitorReportFixture.hostile))
        #expect(html.contains("&lt;b&gt;&amp;&quot;x&quot;"))
        #expect(!html.lowercased().contains("<script"))
        #expect(html.contains("3 rows repeat an earlier row &lt;script&gt;alert(1)&lt;/script&gt;"))
        #expect(html.contains("X &amp; &lt;other&gt;"))
        // Nothing fetched: the only http is the SVG namespace.
        let svgs = Self.occurrences(of: "<svg xmlns=\"http://www.w3.org/2000/svg\"", in: html)
        #expect(Self.occurrences(of: "http", in: html) == svgs)
        // 7 features and the predictions, the classifier's features, 3 metrics over time, CBPE.
        #expect(svgs == 7 + 1 + 1 + 3 + 1)
        #expect(html.contains("No distribution to draw."))
    }

    @Test("the other sections: classifier, findings, metrics, windows, CBPE, fairness, seconds")
    func sections() {
        let html = MonitorHTML.render(MonitorReportFixture.full())
        #expect(html.contains("<span class=\"label\">AUC</span><span class=\"value\">0.71</span><span class=\"minor\">threshold 0.55</span>"))
        #expect(html.contains("<span class=\"value\">1e-40</span>"))
        #expect(html.contains(">41%</text>"))
        #expect(html.contains("<span class=\"severity error\">1 error</span> <span class=\"severity warning\">2 warnings</span>"))
        #expect(html.contains("<tr class=\"severity-error\"><td><span class=\"severity error\">error</span></td><td>unseen categories</td><td>employment_type</td><td>70</td><td>1.4%</td><td>12</td><td>gig</td>"))
        #expect(html.contains("<tr class=\"severity-info\"><td><span class=\"severity info\">info</span></td><td>duplicated rows</td><td>–</td>"))
        #expect(html.contains("<tr><td>auc</td><td>0.82</td><td>0.79</td><td>−0.03</td></tr>"))
        #expect(html.contains("<tr><td>accuracy</td><td>–</td><td>0.86</td><td>–</td></tr>"))
        #expect(Self.occurrences(of: "<polyline ", in: html) == 3)
        #expect(html.contains(">training 0.82</text>"))
        #expect(html.contains("<tr><td>2026-11-28T21:00:00Z</td><td>2026-11-28T22:00:00Z</td><td>1250</td><td>1200</td><td>0.786</td><td>0.348</td><td>–</td></tr>"))
        #expect(html.contains("Estimated without labels (CBPE, threshold 0.5)"))
        #expect(html.contains("<tr><td>roc auc</td><td>0.8</td><td>0.006</td><td>0.788 to 0.812</td></tr>"))
        #expect(html.contains("<tr><td>F</td><td>2400</td><td>0.22</td><td>1</td><td>0.62</td><td>0.11</td><td>0.44</td></tr>"))
        #expect(html.contains("<tr><td>X &amp; &lt;other&gt;</td><td>100</td><td>0.15</td><td><span class=\"warn\" title=\"below 0.8\">0.6818 ▼</span></td>"))
        #expect(html.contains("<tr><td>Demographic parity</td><td>0.07</td><td><span class=\"warn\" title=\"below 0.8\">0.6818 ▼</span></td></tr>"))
        #expect(html.contains("<tr><td>Equal opportunity</td><td>0.12</td><td>0.8065</td></tr>"))
        #expect(html.contains("<tr class=\"overall\"><td>all rows</td><td>5000</td>"))
        #expect(html.contains("Seconds: load 1.2 s · drift 0.6 s · total 2.1 s."))
    }

    @Test("a report with drift only leaves the absent sections out")
    func minimalReport() {
        let html = MonitorHTML.render(MonitorReportFixture.minimal())
        #expect(Self.unbalanced(html) == nil, "\(Self.unbalanced(html) ?? "")")
        #expect(html.contains("<section class=\"verdict ok\">\n<h2>No drift detected</h2>"))
        #expect(!html.contains("<ul>"))
        #expect(html.contains("<section id=\"drift\">"))
        #expect(html.contains("<section id=\"distributions\">"))
        for id in ["predictions", "domain-classifier", "data-quality", "performance", "fairness", "settings"] {
            #expect(!html.contains("id=\"\(id)\""), "section \(id)")
        }
        #expect(!html.contains("Seconds:"))
        #expect(Self.occurrences(of: "<svg ", in: html) == 2)
        // Nothing at all still makes a page.
        let empty = MonitorHTML.render(.object([]))
        #expect(Self.unbalanced(empty) == nil)
        #expect(empty.contains("No drift detected"))
        #expect(MonitorHTML.render(.null).contains("<title>Monitoring report: model</title>"))
    }

    @Test("a metric over a single window has no chart, but its table")
    func singleWindow() {
        let window: ReportJSON = .object([("start", .string("2026-11-28T20:00:00Z")), ("metrics", .object([("auc", .number(0.8))]))])
        let report: ReportJSON = .object([("performance", .object([("metric_names", .array([.string("auc")])), ("windows", .array([window]))]))])
        let html = MonitorHTML.render(report)
        #expect(!html.contains("<polyline"))
        #expect(html.contains("<td>0.8</td>"))
        #expect(Self.unbalanced(html) == nil)
    }

    @Test("numbers: four significant digits, scientific below 1e-4, groups from 10,000, – for null")
    func numbers() {
        #expect(MonitorFormat.number(1.2e-30) == "1.2e-30")
        #expect(MonitorFormat.number(0.00263) == "0.00263")
        #expect(MonitorFormat.number(0.0001) == "0.0001")
        #expect(MonitorFormat.number(0.0000999996) == "1e-4")
        #expect(MonitorFormat.number(0.123456) == "0.1235")
        #expect(MonitorFormat.number(52_000) == "52,000")
        #expect(MonitorFormat.number(1520.5) == "1521")
        #expect(MonitorFormat.number(-0.42) == "−0.42")
        #expect(MonitorFormat.number(2.5e13) == "2.5e13")
        #expect(MonitorFormat.number(nil) == "–")
        #expect(MonitorFormat.number(.nan) == "–")
        #expect(MonitorFormat.value(.null) == "–")
        #expect(MonitorFormat.value(nil) == "–")
        #expect(MonitorFormat.value(.integer(12_345)) == "12,345")
        #expect(MonitorFormat.value(.string("a<b & 'c'")) == "a&lt;b &amp; &#39;c&#39;")
        #expect(MonitorFormat.percent(.number(0.05)) == "5%")
        #expect(MonitorHTML.shortTime("2026-11-28T20:00:00Z") == "11-28 20:00")
    }

    @Test("the balance checker finds what it should")
    func checker() {
        #expect(Self.unbalanced("<p><b>x</p></b>") == "</p> closes <b>")
        #expect(Self.unbalanced("<div><svg><rect/></svg>") == "left open: [\"div\"]")
        #expect(Self.unbalanced("<meta charset=\"utf-8\"><p>x</p>") == nil)
    }
}
