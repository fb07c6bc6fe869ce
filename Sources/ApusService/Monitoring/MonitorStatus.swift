import ApusMonitor

/// The short form of a monitoring report: what `monitor_status` answers an agent. The alert
/// and its reasons, the drifted share with each drifted feature, prediction drift, the domain
/// classifier, data-quality counts with the first findings, and performance (measured with
/// feedback labels, or estimated by CBPE) against training.
public enum MonitorStatus {
    /// The most data-quality findings kept.
    public static let maxFindings = 10

    /// The summary of `outcome`'s report.
    public static func summary(of outcome: MonitorOutcome) -> ReportJSON {
        let report = outcome.report
        var members: [(String, ReportJSON)] = [
            ("model", report["model"] ?? .null),
            ("generated_at", report["generated_at"] ?? .null),
            ("reference", report["reference"] ?? .null),
            ("window", report["current"] ?? .null),
            ("alert", .bool(outcome.alert)),
            ("alert_reasons", .array(outcome.alertReasons.map { .string($0) })),
        ]
        if let note = report["note"] { members.append(("note", note)) }
        if let dataset = report["dataset_drift"] {
            let drifted = (report["features"]?.members ?? []).filter { $0.1["drifted"]?.bool == true }.map { name, feature in
                ReportJSON.object([
                    ("feature", .string(name)), ("type", feature["type"] ?? .null), ("test", feature["test"] ?? .null),
                    ("score", feature["score"] ?? .null), ("threshold", feature["threshold"] ?? .null),
                    ("psi", feature["psi"] ?? .null),
                ])
            }
            members.append(("drift", .object(dataset.members + [("drifted_features", .array(drifted))])))
        } else {
            members.append(("drift", .null))
        }
        if let predictions = report["predictions"] {
            members.append(("prediction_drift", .object([
                ("drifted", predictions["drifted"] ?? .null), ("test", predictions["test"] ?? .null),
                ("score", predictions["score"] ?? .null), ("threshold", predictions["threshold"] ?? .null),
            ])))
        } else {
            members.append(("prediction_drift", .null))
        }
        if let domain = report["domain_classifier"] {
            members.append(("domain_classifier", .object([
                ("auc", domain["auc"] ?? .null), ("p_value", domain["p_value"] ?? .null), ("drifted", domain["drifted"] ?? .null),
                ("top_features", domain["top_features"] ?? .array([])),
            ])))
        } else {
            members.append(("domain_classifier", .null))
        }
        if let quality = report["data_quality"] {
            let findings = quality["findings"]?.elements ?? []
            members.append(("data_quality", .object([
                ("errors", quality["errors"] ?? .integer(0)), ("warnings", quality["warnings"] ?? .integer(0)),
                ("infos", quality["infos"] ?? .integer(0)), ("findings", .integer(findings.count)),
                ("first_findings", .array(findings.prefix(maxFindings).map { finding in
                    .object([("check", finding["check"] ?? .null), ("column", finding["column"] ?? .null),
                             ("severity", finding["severity"] ?? .null), ("message", finding["message"] ?? .null)])
                })),
            ])))
        } else {
            members.append(("data_quality", .null))
        }
        if let performance = report["performance"] {
            members.append(("performance", .object([
                ("training", performance["training"] ?? .null),
                ("current", performance["current"]?["metrics"] ?? .null),
                ("labelled_rows", performance["current"]?["labelled"] ?? .null),
                ("estimated", performance["estimated"]?["metrics"] ?? .null),
            ])))
        } else {
            members.append(("performance", .null))
        }
        return .object(members)
    }
}
