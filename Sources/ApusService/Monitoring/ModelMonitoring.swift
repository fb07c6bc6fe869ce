import ApusModel
import ApusMonitor
import ApusStore
import ApusTable
import Foundation

/// What a monitoring run found: the report (JSON tree, also rendered as HTML) and whether it
/// crossed the alert threshold.
public struct MonitorOutcome: Sendable {
    /// The whole report (docs/monitoring.md, "The report").
    public var report: ReportJSON
    /// True when the share of drifted features reached the threshold, the predictions drifted,
    /// or the domain classifier separated the samples.
    public var alert: Bool
    /// Why, in words.
    public var alertReasons: [String]
}

/// The monitoring service behind `apus monitor` and the server's monitor route: compares a
/// model's current data with its reference and reports drift, data quality, performance and
/// fairness.
public enum ModelMonitoring {
    /// Runs the comparison `request` describes; `store` opens the store for registry models.
    public static func run(_ request: MonitorRequest, store: () throws -> any Store) throws -> MonitorOutcome {
        let clock = ContinuousClock()
        let started = clock.now
        let resolved = try ModelResolution.load(try ModelReference(parsing: request.model), store: store)
        let model = resolved.model
        do { try request.drift.validate() } catch { throw ServiceError("monitor: \(error)") }

        guard let referencePath = request.referencePath else {
            throw ServiceError("monitor: give the reference rows with --reference FILE.csv")
        }
        guard let currentPath = request.currentPath else {
            throw ServiceError("monitor: give the current rows with --current FILE.csv")
        }
        var readOptions = request.readOptions
        if request.threads > 0 { readOptions.threads = request.threads }
        let reference = try CSVReader.read(path: referencePath, options: readOptions).table
        let current = try CSVReader.read(path: currentPath, options: readOptions).table
        let loaded = clock.now

        let sections = try compare(model: model, reference: reference, current: current, request: request)
        let finished = clock.now

        var members: [(String, ReportJSON)] = [
            ("apus_monitor", .integer(1)),
            ("generated_at", .string(StoreClock.format(milliseconds: Int64(Date().timeIntervalSince1970 * 1000)))),
            ("model", modelJSON(resolved)),
            ("reference", .object([("source", .string("file")), ("path", .string(referencePath)), ("rows", .integer(reference.rowCount))])),
            ("current", .object([("source", .string("file")), ("path", .string(currentPath)), ("rows", .integer(current.rowCount))])),
        ]
        members.append(contentsOf: sections.members)
        members.append(("seconds", .object([
            ("load", .number(seconds(loaded - started))), ("analysis", .number(seconds(finished - loaded))),
            ("total", .number(seconds(finished - started))),
        ])))
        return MonitorOutcome(report: .object(members), alert: sections.alert, alertReasons: sections.reasons)
    }

    /// The report's analysis sections for two tables: options, alert, dataset drift, features,
    /// predictions, domain classifier.
    static func compare(model: Model, reference: Table, current: Table, request: MonitorRequest) throws
        -> (members: [(String, ReportJSON)], alert: Bool, reasons: [String]) {
        let options = request.drift
        let (inputs, missing) = MonitorSamples.features(of: model.schema, reference: reference, current: current)
        let drift: DatasetDrift
        do { drift = try DriftAnalysis.compare(inputs, options: options) } catch { throw ServiceError("monitor: \(error)") }
        var byName: [String: FeatureDrift] = [:]
        for feature in drift.features { byName[feature.name] = feature }
        let features: [FeatureDrift] = model.schema.features.map { feature in
            byName[feature.name] ?? FeatureDrift(
                name: feature.name, kind: feature.kind == .numeric ? .numeric : .categorical, test: nil, threshold: nil,
                score: nil, drifted: false, approximate: false, statistics: DriftStatistics(),
                reference: SampleSummary(count: 0, missing: 0), current: SampleSummary(count: 0, missing: 0),
                distribution: nil, note: missing[feature.name])
        }
        let dataset = DatasetDrift(features: features, options: options, featureAlpha: drift.featureAlpha)

        let conformedReference = MonitorSamples.conformed(reference, to: model.schema)
        let conformedCurrent = MonitorSamples.conformed(current, to: model.schema)
        var predictionDrift: FeatureDrift?
        if reference.rowCount > 0 && current.rowCount > 0 {
            let ref = try MonitorPredictions(model: model, table: conformedReference, threads: request.threads)
            let cur = try MonitorPredictions(model: model, table: conformedCurrent, threads: request.threads)
            var predictionOptions = options
            predictionOptions.correction = .none
            do {
                predictionDrift = try DriftAnalysis.compare(name: "prediction", reference: ref.driftInput(model: model),
                                                            current: cur.driftInput(model: model), options: predictionOptions)
            } catch { throw ServiceError("monitor: \(error)") }
        }
        var domain: DomainClassifierResult?
        if let settings = request.domainClassifier {
            domain = try DomainClassifier.run(schema: model.schema, reference: conformedReference, current: conformedCurrent,
                                              options: settings, alpha: options.alpha, threads: request.threads)
        }

        var reasons: [String] = []
        if dataset.datasetDrifted {
            reasons.append("\(dataset.drifted) of \(dataset.compared) features drifted (share \(format(dataset.share)) >= \(format(options.driftShare)))")
        }
        if predictionDrift?.drifted == true { reasons.append("the predictions drifted") }
        if let domain, domain.drifted {
            reasons.append("the domain classifier tells current from reference rows (AUC \(format(domain.auc)) >= \(format(domain.threshold)))")
        }
        var members: [(String, ReportJSON)] = [
            ("options", options.json(featureAlpha: drift.featureAlpha)),
            ("alert", .bool(!reasons.isEmpty)),
            ("alert_reasons", .array(reasons.map { .string($0) })),
            ("dataset_drift", dataset.json),
            ("features", dataset.featuresJSON),
        ]
        if let predictionDrift { members.append(("predictions", predictionDrift.json)) }
        if let domain { members.append(("domain_classifier", domainJSON(domain))) }
        return (members, !reasons.isEmpty, reasons)
    }

    static func modelJSON(_ resolved: ResolvedModel) -> ReportJSON {
        let model = resolved.model
        var name: String?
        switch resolved.reference {
        case .file(let path): name = URL(fileURLWithPath: path).deletingPathExtension().lastPathComponent
        case .alias(let model, _), .version(let model, _): name = model
        }
        return .object([
            ("name", .string(name)), ("version", resolved.version.map { .integer($0.version) } ?? .null),
            ("reference", .string(resolved.reference.description)), ("task", .string(model.task.rawValue)),
            ("target", .string(model.target)),
        ])
    }

    static func domainJSON(_ result: DomainClassifierResult) -> ReportJSON {
        .object([
            ("auc", .number(result.auc)), ("p_value", .number(result.pValue)), ("threshold", .number(result.threshold)),
            ("drifted", .bool(result.drifted)),
            ("rows", .object([("reference", .integer(result.referenceRows)), ("current", .integer(result.currentRows))])),
            ("top_features", .array(result.topFeatures.map { .object([("feature", .string($0.feature)), ("share", .number($0.share))]) })),
        ])
    }

    static func seconds(_ duration: Duration) -> Double {
        let (whole, attoseconds) = duration.components
        return ((Double(whole) + Double(attoseconds) / 1e18) * 1000).rounded() / 1000
    }

    static func format(_ value: Double) -> String { String(format: "%.3g", value) }
}
