import ApusMonitor
import Prometheus
import Synchronization

/// The drift gauges of `/metrics`, set from the latest monitoring report of each served model
/// version (by `GET /v1/models/{name}/monitor` and the periodic monitor):
///
/// - `apus_drift_alert` (0 or 1) and `apus_drift_share` (share of drifted features), by model and version;
/// - `apus_feature_drift_score` (the value the feature's test compared: a p-value or a distance),
///   `apus_feature_drifted` (0 or 1) and `apus_feature_psi`, by model, version, feature and test;
/// - `apus_prediction_drift_score` and `apus_prediction_drifted`, by model, version and test;
/// - `apus_domain_classifier_auc`, by model and version;
/// - `apus_monitor_rows` (current rows compared) and `apus_monitor_timestamp_seconds` (when the
///   report was made, seconds since 1970), by model and version.
final class DriftGauges: Sendable {
    private let registry: PrometheusCollectorRegistry
    private let gauges = Mutex<[GaugeKey: Gauge]>([:])

    private struct GaugeKey: Hashable {
        var name: String
        var labels: [String]
    }

    init(registry: PrometheusCollectorRegistry) { self.registry = registry }

    private static let help: [String: String] = [
        "drift_alert": "1 when the latest monitoring report of the model version crossed the alert threshold.",
        "drift_share": "Share of the model's features that drifted in the latest monitoring report.",
        "feature_drift_score": "The value the feature's drift test compared with its threshold (a p-value or a distance).",
        "feature_drifted": "1 when the feature drifted in the latest monitoring report.",
        "feature_psi": "Population stability index of the feature in the latest monitoring report.",
        "prediction_drift_score": "The value the prediction drift test compared with its threshold.",
        "prediction_drifted": "1 when the model's predictions drifted in the latest monitoring report.",
        "domain_classifier_auc": "ROC AUC of the classifier told to separate current from reference rows.",
        "monitor_rows": "Current rows compared by the latest monitoring report.",
        "monitor_timestamp_seconds": "When the latest monitoring report was made (seconds since 1970).",
    ]

    private func set(_ name: String, _ labels: [(String, String)], _ value: Double) {
        guard value.isFinite else { return }
        let key = GaugeKey(name: name, labels: labels.flatMap { [$0.0, $0.1] })
        gauges.withLock { gauges in
            if let gauge = gauges[key] { return gauge }
            let gauge = registry.makeGauge(
                descriptor: MetricNameDescriptor(namespace: "apus", metricName: name, unitName: "", helpText: Self.help[name] ?? name),
                labels: labels)
            gauges[key] = gauge
            return gauge
        }.set(to: value)
    }

    /// Sets every gauge from `report` (the monitor's JSON) of `model` version `version`.
    func record(model: String, version: Int, report: ReportJSON, timestamp: Double) {
        let base = [("model", model), ("version", String(version))]
        set("drift_alert", base, report["alert"]?.bool == true ? 1 : 0)
        if let share = report["dataset_drift"]?["share"]?.double { set("drift_share", base, share) }
        for (feature, entry) in report["features"]?.members ?? [] {
            guard let test = entry["test"]?.stringValue else { continue }
            let labels = base + [("feature", feature), ("test", test)]
            if let score = entry["score"]?.double { set("feature_drift_score", labels, score) }
            set("feature_drifted", labels, entry["drifted"]?.bool == true ? 1 : 0)
            if let psi = entry["psi"]?.double { set("feature_psi", base + [("feature", feature)], psi) }
        }
        if let predictions = report["predictions"], let test = predictions["test"]?.stringValue {
            if let score = predictions["score"]?.double { set("prediction_drift_score", base + [("test", test)], score) }
            set("prediction_drifted", base, predictions["drifted"]?.bool == true ? 1 : 0)
        }
        if let auc = report["domain_classifier"]?["auc"]?.double { set("domain_classifier_auc", base, auc) }
        if let rows = report["current"]?["rows"]?.double { set("monitor_rows", base, rows) }
        set("monitor_timestamp_seconds", base, timestamp)
    }
}
