import Foundation
@testable import ApusMonitor

/// A realistic monitor report, built as `apus monitor` would print it: a credit model with
/// eight features of both types (one not compared, one with a hostile name, one with 40
/// levels), prediction drift, a domain classifier, data-quality findings, performance with
/// four windows and CBPE estimates, and fairness over three groups.
enum MonitorReportFixture {
    static let hostile = "<b>&\"x\""

    /// Proportions of a normal density with `mean` and `std` over `edges` (renormalised).
    static func normalBins(_ edges: [Double], mean: Double, std: Double) -> [Double] {
        func cdf(_ x: Double) -> Double { 0.5 * erfc(-(x - mean) / (std * 2.0.squareRoot())) }
        let raw = (0..<(edges.count - 1)).map { cdf(edges[$0 + 1]) - cdf(edges[$0]) }
        let total = raw.reduce(0, +)
        return raw.map { $0 / total }
    }

    static func summary(count: Int, missing: Int, mean: Double?, std: Double?, min: Double?, max: Double?, distinct: Int) -> ReportJSON {
        var members: [(String, ReportJSON)] = [
            ("count", .integer(count)), ("missing", .integer(missing)),
            ("missing_share", .number(Double(missing) / Double(count + missing))),
        ]
        if let mean { members.append(("mean", .number(mean))) }
        if let std { members.append(("std", .number(std))) }
        if let min { members.append(("min", .number(min))) }
        if let max { members.append(("max", .number(max))) }
        members.append(("distinct", .integer(distinct)))
        return .object(members)
    }

    /// A numeric feature tested by KS, its current sample shifted by `shift` standard deviations.
    static func numeric(_ name: String, mean: Double, std: Double, shift: Double, psi: Double, band: String,
                        p: Double, approximate: Bool = false, missing: Int = 0) -> (String, ReportJSON) {
        let edges = [-Double.infinity] + (1...9).map { mean + std * (Double($0) - 5) * 0.6 } + [Double.infinity]
        let drifted = p < 0.00625
        return (name, .object([
            ("type", .string("numeric")), ("test", .string("ks")), ("threshold", .number(0.00625)), ("score", .number(p)),
            ("drifted", .bool(drifted)), ("approximate", .bool(approximate)),
            ("psi", .number(psi)), ("psi_band", .string(band)),
            ("ks_statistic", .number(0.02 + shift * 0.35)), ("ks_p_value", .number(p)),
            ("wasserstein", .number(std * shift * 0.9 + std * 0.01)), ("wasserstein_normed", .number(shift * 0.9 + 0.01)),
            ("js_distance", .number(0.01 + shift * 0.2)),
            ("reference", summary(count: 10_000 - missing, missing: missing, mean: mean, std: std, min: mean - 3.8 * std, max: mean + 4.1 * std, distinct: 4_210)),
            ("current", summary(count: 5_000 - missing, missing: missing + (drifted ? 120 : 0), mean: mean + shift * std, std: std * 1.05,
                                min: mean - 3.5 * std, max: mean + 4.4 * std, distinct: 2_380)),
            ("distribution", .object([
                ("edges", .array(edges.map { .number($0) })),
                ("reference", .array(normalBins(edges, mean: mean, std: std).map { .number($0) })),
                ("current", .array(normalBins(edges, mean: mean + shift * std, std: std * 1.05).map { .number($0) })),
            ])),
        ]))
    }

    /// A categorical feature tested by chi-square.
    static func categorical(_ name: String, levels: [String], reference: [Double], current: [Double],
                            p: Double, psi: Double, band: String) -> (String, ReportJSON) {
        let normalise = { (values: [Double]) in values.map { $0 / values.reduce(0, +) } }
        return (name, .object([
            ("type", .string("categorical")), ("test", .string("chisquare")), ("threshold", .number(0.00625)), ("score", .number(p)),
            ("drifted", .bool(p < 0.00625)), ("approximate", .bool(false)),
            ("psi", .number(psi)), ("psi_band", .string(band)), ("js_distance", .number(psi / 3)),
            ("chi2_statistic", .number(-log(p) * 2)), ("chi2_p_value", .number(p)), ("cramers_v", .number(psi / 4)),
            ("reference", summary(count: 10_000, missing: 0, mean: nil, std: nil, min: nil, max: nil, distinct: levels.count)),
            ("current", summary(count: 5_000, missing: 12, mean: nil, std: nil, min: nil, max: nil, distinct: levels.count)),
            ("distribution", .object([
                ("levels", .array(levels.map { .string($0) })),
                ("reference", .array(normalise(reference).map { .number($0) })),
                ("current", .array(normalise(current).map { .number($0) })),
            ])),
        ]))
    }

    static func features() -> [(String, ReportJSON)] {
        let regions = (1...40).map { "region_\($0)" }
        let regionReference = (1...40).map { 1 / Double($0) }, regionCurrent = (1...40).map { 1 / Double($0) + ($0 == 3 ? 0.3 : 0) }
        return [
            numeric("income", mean: 52_000, std: 21_000, shift: 0.35, psi: 0.31, band: "significant", p: 1.2e-30),
            numeric("age", mean: 41, std: 12, shift: 0.01, psi: 0.004, band: "stable", p: 0.62),
            categorical("employment_type", levels: ["salaried", "self-employed", "gig", "retired", "unemployed"],
                        reference: [60, 20, 5, 10, 5], current: [48, 22, 16, 9, 5], p: 3.4e-12, psi: 0.14, band: "moderate"),
            numeric("debt_ratio", mean: 0.35, std: 0.12, shift: 0.08, psi: 0.12, band: "moderate", p: 0.0021, approximate: true, missing: 150),
            categorical("region", levels: regions, reference: regionReference, current: regionCurrent, p: 0.011, psi: 0.09, band: "stable"),
            (hostile, .object([
                ("type", .string("categorical")), ("test", .null), ("threshold", .null), ("score", .null),
                ("drifted", .bool(false)), ("approximate", .bool(false)),
                ("reference", summary(count: 10_000, missing: 0, mean: nil, std: nil, min: nil, max: nil, distinct: 9_800)),
                ("current", summary(count: 0, missing: 5_000, mean: nil, std: nil, min: nil, max: nil, distinct: 0)),
                ("note", .string("not compared: every current value is missing (<none> & nothing)")),
            ])),
            numeric("loan_amount", mean: 15_000, std: 6_000, shift: 0.02, psi: 0.008, band: "stable", p: 0.31),
            categorical("has_mortgage", levels: ["no", "yes"], reference: [70, 30], current: [69, 31], p: 0.41, psi: 0.002, band: "stable"),
        ]
    }

    /// The full report.
    static func full() -> ReportJSON {
        let features = features()
        let windows = (0..<4).map { index -> ReportJSON in
            let start = String(format: "2026-11-28T%02d:00:00Z", 19 + index)
            let end = String(format: "2026-11-28T%02d:00:00Z", 20 + index)
            return .object([
                ("start", .string(start)), ("end", .string(end)), ("rows", .integer(1_250)), ("labelled", .integer(1_180 + index * 10)),
                ("metrics", .object([("auc", .number(0.81 - Double(index) * 0.012)), ("logloss", .number(0.32 + Double(index) * 0.014)),
                                     ("accuracy", index == 2 ? .null : .number(0.87 - Double(index) * 0.006))])),
            ])
        }
        func estimate(_ value: Double, _ error: Double) -> ReportJSON { .object([("value", .number(value)), ("standard_error", .number(error))]) }
        func group(_ name: String, _ count: Int, _ rate: Double, _ tpr: Double, _ fpr: Double, _ precision: Double) -> ReportJSON {
            .object([("group", .string(name)), ("count", .integer(count)), ("selection_rate", .number(rate)), ("tpr", .number(tpr)),
                     ("fpr", .number(fpr)), ("precision", .number(precision))])
        }
        return .object([
            ("apus_monitor", .integer(1)),
            ("generated_at", .string("2026-11-29T20:00:00Z")),
            ("model", .object([("name", .string("credit")), ("version", .integer(3)), ("reference", .string("credit@champion")),
                               ("task", .string("binary")), ("target", .string("default"))])),
            ("reference", .object([("source", .string("file")), ("path", .string("train.csv")), ("rows", .integer(10_000))])),
            ("current", .object([("source", .string("prediction_log")), ("since", .string("2026-11-28T20:00:00Z")),
                                 ("until", .string("2026-11-29T00:00:00Z")), ("rows", .integer(5_000))])),
            ("options", .object([("policy", .string("apus")), ("test", .null), ("alpha", .number(0.05)), ("correction", .string("bonferroni")),
                                 ("feature_alpha", .number(0.00625)), ("psi_threshold", .number(0.1)), ("psi_significant", .number(0.25)),
                                 ("wasserstein_threshold", .number(0.1)), ("js_threshold", .number(0.1)), ("drift_share", .number(0.5))])),
            ("alert", .bool(true)),
            ("alert_reasons", .array([.string("the predictions drifted"), .string("the domain classifier tells the samples apart (AUC 0.71 >= 0.55)")])),
            ("dataset_drift", .object([("features", .integer(8)), ("compared", .integer(7)), ("drifted", .integer(3)),
                                       ("share", .number(3.0 / 7)), ("threshold", .number(0.5)), ("drifted_dataset", .bool(false))])),
            ("features", .object(features)),
            ("predictions", numeric("predictions", mean: 0.2, std: 0.1, shift: 0.3, psi: 0.19, band: "moderate", p: 4.5e-18).1),
            ("domain_classifier", .object([
                ("auc", .number(0.71)), ("p_value", .number(1e-40)), ("threshold", .number(0.55)), ("drifted", .bool(true)),
                ("rows", .object([("reference", .integer(10_000)), ("current", .integer(5_000))])),
                ("top_features", .array([("income", 0.41), ("employment_type", 0.22), ("debt_ratio", 0.12), (hostile, 0.05)].map {
                    .object([("feature", .string($0.0)), ("share", .number($0.1))])
                })),
            ])),
            ("data_quality", .object([
                ("errors", .integer(1)), ("warnings", .integer(2)), ("infos", .integer(1)),
                ("findings", .array([
                    finding("unseen_categories", "employment_type", "error", 70, 0.014, 12, "gig", "70 rows hold levels the model never saw, such as \"gig\""),
                    finding("missing_rate_jump", "debt_ratio", "warning", 270, 0.054, nil, nil, "missing rate rose from 1.5% to 5.4%"),
                    finding("out_of_range", "income", "warning", 9, 0.0018, 4021, "1250000", "9 values above the training maximum"),
                    finding("duplicated_rows", nil, "info", 3, 0.0006, 77, nil, "3 rows repeat an earlier row <script>alert(1)</script>"),
                ])),
            ])),
            ("performance", .object([
                ("labels", .string("default")), ("metric_names", .array([.string("auc"), .string("logloss"), .string("accuracy")])),
                ("training", .object([("auc", .number(0.82)), ("logloss", .number(0.31))])),
                ("current", .object([("rows", .integer(5_000)), ("labelled", .integer(4_760)),
                                     ("metrics", .object([("auc", .number(0.79)), ("logloss", .number(0.35)), ("accuracy", .number(0.86))]))])),
                ("windows", .array(windows)),
                ("estimated", .object([
                    ("method", .string("cbpe")), ("threshold", .number(0.5)),
                    ("metrics", .object([("roc_auc", estimate(0.80, 0.006)), ("accuracy", estimate(0.862, 0.005)), ("precision", estimate(0.61, 0.018)),
                                         ("recall", estimate(0.48, 0.02)), ("f1", estimate(0.537, 0.015)), ("specificity", estimate(0.94, 0.004))])),
                ])),
            ])),
            ("fairness", .object([
                ("sensitive", .string("sex")), ("threshold", .number(0.5)), ("labelled", .bool(true)),
                ("overall", .object([("count", .integer(5_000)), ("selection_rate", .number(0.2)), ("tpr", .number(0.6)),
                                     ("fpr", .number(0.1)), ("precision", .number(0.45))])),
                ("groups", .array([group("F", 2_400, 0.22, 0.62, 0.11, 0.44), group("M", 2_500, 0.19, 0.58, 0.09, 0.46),
                                   group("X & <other>", 100, 0.15, 0.5, 0.08, 0.4)])),
                ("demographic_parity_difference", .number(0.07)), ("demographic_parity_ratio", .number(0.6818)),
                ("equalized_odds_difference", .number(0.12)), ("equalized_odds_ratio", .number(0.727)),
                ("equal_opportunity_difference", .number(0.12)), ("equal_opportunity_ratio", .number(0.8065)),
            ])),
            ("seconds", .object([("load", .number(1.2)), ("drift", .number(0.6)), ("total", .number(2.1))])),
        ])
    }

    static func finding(_ check: String, _ column: String?, _ severity: String, _ count: Int, _ share: Double,
                        _ row: Int?, _ value: String?, _ message: String) -> ReportJSON {
        .object([("check", .string(check)), ("column", .string(column)), ("severity", .string(severity)), ("count", .integer(count)),
                 ("share", .number(share)), ("example_row", row.map { .integer($0) } ?? .null), ("example_value", .string(value)),
                 ("message", .string(message))])
    }

    /// A report with drift only: no predictions, classifier, quality, performance or fairness.
    static func minimal() -> ReportJSON {
        .object([
            ("apus_monitor", .integer(1)),
            ("model", .object([("name", .string("credit")), ("version", .integer(3))])),
            ("alert", .bool(false)),
            ("alert_reasons", .array([])),
            ("features", .object(Array(features().prefix(2)))),
        ])
    }
}
