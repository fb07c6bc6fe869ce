import ApusModel
import ApusMonitor
import ApusStore
import ApusTable
import ApusTrain
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
        let resolved = try ModelResolution.load(try ModelReference(parsing: request.model), store: store)
        return try run(request, resolved: resolved, store: store)
    }

    /// The start of a prediction-log window: a duration before now (`90m`, `24h`, `7d`) or an
    /// ISO 8601 UTC time, as the store writes times.
    public static func windowStart(_ text: String) throws -> String { try PredictionLogWindow.time(text) }

    /// Runs the comparison for a model already loaded (the server's served version).
    public static func run(_ request: MonitorRequest, resolved: ResolvedModel, store: () throws -> any Store) throws -> MonitorOutcome {
        let clock = ContinuousClock()
        let started = clock.now
        let model = resolved.model
        do { try request.drift.validate() } catch { throw ServiceError("monitor: \(error)") }

        var readOptions = request.readOptions
        if request.threads > 0 { readOptions.threads = request.threads }
        let reference: Reference
        let referenceJSON: ReportJSON
        if let referencePath = request.referencePath {
            let table = try CSVReader.read(path: referencePath, options: readOptions).table
            reference = .table(table)
            referenceJSON = .object([("source", .string("file")), ("path", .string(referencePath)), ("rows", .integer(table.rowCount))])
        } else {
            let stored = try MonitorReference.load(resolved, store: try store())
            reference = .profile(stored.profile, sample: stored.sample)
            referenceJSON = .object([
                ("source", .string("profile")), ("run_id", .string(stored.runID)), ("rows", .integer(stored.profile.data.rowCount)),
                ("predictions_from", .string(stored.profile.predictionSource)),
                ("sample_rows", stored.sample.map { .integer($0.rowCount) } ?? .null),
            ])
        }

        var request = request
        let current: Table
        let currentJSON: ReportJSON
        var times: [String]?
        var currentProfile: DataProfile?
        if let currentPath = request.currentPath {
            current = try CSVReader.read(path: currentPath, options: readOptions).table
            currentJSON = .object([("source", .string("file")), ("path", .string(currentPath)), ("rows", .integer(current.rowCount))])
        } else {
            guard let version = resolved.version else {
                throw ServiceError("monitor: `\(request.model)` is a model file, which has no prediction log: give --current FILE.csv, or monitor a registered model (NAME@ALIAS)")
            }
            let since = try PredictionLogWindow.time(request.since ?? "24h")
            let until = try request.until.map { try PredictionLogWindow.time($0) } ?? StoreClock.now()
            let window = try PredictionLogWindow(store: try store(), model: model, name: version.model, version: version.version,
                                                 since: since, until: until)
            current = window.table
            times = window.times
            if request.labels == nil && window.labelled > 0 { request.labels = PredictionLogWindow.labelsColumn }
            var members: [(String, ReportJSON)] = [
                ("source", .string("prediction_log")), ("since", .string(since)), ("until", .string(until)),
                ("rows", .integer(current.rowCount)), ("requests", .integer(window.requests)),
                ("requests_without_inputs", .integer(window.requestsWithoutInputs)), ("labelled_rows", .integer(window.labelled)),
            ]
            if case .profile = reference,
               let logged = try PredictionLogProfiles.window(model: version.model, version: version.version, since: since, until: until,
                                                             store: try store()) {
                currentProfile = logged.profile
                members.append(("profiled_rows", .integer(logged.profile.rowCount)))
                members.append(("profiled_hours", .integer(logged.hours)))
            }
            currentJSON = .object(members)
        }
        let loaded = clock.now

        var members: [(String, ReportJSON)] = [
            ("apus_monitor", .integer(1)),
            ("generated_at", .string(StoreClock.now())),
            ("model", modelJSON(resolved)),
            ("reference", referenceJSON),
            ("current", currentJSON),
        ]
        if current.rowCount == 0 && currentProfile == nil {
            let finished = clock.now
            members.append(("alert", .bool(false)))
            members.append(("alert_reasons", .array([])))
            members.append(("note", .string(request.currentPath == nil
                ? "the prediction log holds no rows with inputs for this model version in the window: nothing to compare"
                : "the current data has no rows: nothing to compare")))
            members.append(("seconds", .object([("load", .number(seconds(loaded - started))), ("total", .number(seconds(finished - started)))])))
            return MonitorOutcome(report: .object(members), alert: false, alertReasons: [])
        }
        let sections = try compare(model: model, reference: consume reference, current: current, request: request,
                                   trainingMetrics: resolved.version?.metrics ?? [:], currentTimes: times,
                                   currentProfile: currentProfile)
        let finished = clock.now
        members.append(contentsOf: sections.members)
        members.append(("seconds", .object([
            ("load", .number(seconds(loaded - started))), ("analysis", .number(seconds(finished - loaded))),
            ("total", .number(seconds(finished - started))),
        ])))
        return MonitorOutcome(report: .object(members), alert: sections.alert, alertReasons: sections.reasons)
    }

    /// What the current data is compared with.
    enum Reference {
        /// Reference rows (a CSV file): the exact tests on both samples.
        case table(Table)
        /// The profile stored at training, and its sample of training rows (for the domain classifier).
        case profile(ReferenceProfile, sample: Table?)
        /// Nothing any more: what the report needed of the reference has been read.
        case released
    }

    /// The report's analysis sections: options, alert, dataset drift, features, predictions,
    /// data quality, domain classifier, performance, fairness.
    ///
    /// `reference` is consumed: its rows are let go once the drift, the reference predictions,
    /// labels and the domain classifier have read them, so a million-row reference does not stay
    /// in memory through the rest of the report.
    static func compare(model: Model, reference: consuming Reference, current: Table, request: MonitorRequest,
                        trainingMetrics: [String: Double], currentTimes: [String]? = nil,
                        currentProfile: DataProfile? = nil) throws
        -> (members: [(String, ReportJSON)], alert: Bool, reasons: [String]) {
        let options = request.drift
        let conformedCurrent = MonitorSamples.conformed(current, to: model.schema)
        let currentPredictions = try MonitorPredictions(model: model, table: conformedCurrent, threads: request.threads)
        var predictionOptions = options
        predictionOptions.correction = .none
        let drift: DatasetDrift
        var missing: [String: String] = [:]
        var predictionDrift: FeatureDrift?
        var referencePredictions: MonitorPredictions?
        var referenceRows: Table?
        var referenceLabels: MonitorLabels?
        var calibration: IsotonicCalibration?
        var calibrationSource = "none: the model's probabilities taken as calibrated"
        do {
            switch reference {
            case .released:
                throw ServiceError("monitor: the reference was already used")
            case .table(let table):
                let (inputs, absent) = MonitorSamples.features(of: model.schema, reference: table, current: current)
                missing = absent
                drift = try DriftAnalysis.compare(inputs, options: options)
                let conformed = MonitorSamples.conformed(table, to: model.schema)
                let predictions = try MonitorPredictions(model: model, table: conformed, threads: request.threads)
                referencePredictions = predictions
                referenceRows = conformed
                if let column = request.labels.flatMap({ table[$0] }) ?? table[model.target] {
                    referenceLabels = MonitorLabels(column, model: model)
                }
                if table.rowCount > 0 {
                    predictionDrift = try DriftAnalysis.compare(name: "prediction", reference: predictions.driftInput(model: model),
                                                                current: currentPredictions.driftInput(model: model), options: predictionOptions)
                }
            case .profile(let profile, let sample):
                if let currentProfile {
                    // The prediction log's hourly profiles, merged: every answered row of the window.
                    try options.validate()
                    let alpha = DriftAnalysis.featureAlpha(features: model.schema.count, options: options)
                    let compared = model.schema.features.map { feature -> FeatureDrift in
                        guard let reference = profile.data[feature.name], let logged = currentProfile[feature.name] else {
                            return FeatureDrift.notCompared(name: feature.name, kind: feature.kind == .numeric ? .numeric : .categorical,
                                                            note: "not compared: the profiles have no column `\(feature.name)`")
                        }
                        return ProfileComparison.compare(name: feature.name, reference: reference, current: logged, options: options, alpha: alpha)
                    }
                    drift = DatasetDrift(features: compared, options: options, featureAlpha: alpha)
                    if let predictions = profile.data.predictions, let logged = currentProfile.predictions {
                        try predictionOptions.validate()
                        predictionDrift = ProfileComparison.compare(name: "prediction", reference: predictions, current: logged,
                                                                    options: predictionOptions, alpha: predictionOptions.alpha)
                    }
                } else {
                    var inputs: [(name: String, current: DriftInput)] = []
                    for feature in model.schema.features {
                        if let input = MonitorSamples.input(feature, in: current) {
                            inputs.append((feature.name, input))
                        } else {
                            missing[feature.name] = "not compared: the current data has no column `\(feature.name)`"
                        }
                    }
                    drift = try ProfileComparison.compare(reference: profile.data, current: inputs, options: options)
                    if let predictions = profile.data.predictions {
                        try predictionOptions.validate()
                        predictionDrift = ProfileComparison.compare(
                            name: "prediction", reference: predictions, current: currentPredictions.driftInput(model: model),
                            options: predictionOptions, alpha: predictionOptions.alpha)
                    }
                }
                referenceRows = sample.map { MonitorSamples.conformed($0, to: model.schema) }
                if let stored = profile.isotonicCalibration, let rows = profile.calibration?.rows {
                    calibration = stored
                    calibrationSource = "isotonic, on the \(rows) validation rows of training"
                }
            }
        } catch let error as DriftError {
            throw ServiceError("monitor: \(error)")
        }
        var byName: [String: FeatureDrift] = [:]
        for feature in drift.features { byName[feature.name] = feature }
        let features: [FeatureDrift] = model.schema.features.map { feature in
            byName[feature.name] ?? FeatureDrift.notCompared(
                name: feature.name, kind: feature.kind == .numeric ? .numeric : .categorical,
                note: missing[feature.name] ?? "not compared")
        }
        let dataset = DatasetDrift(features: features, options: options, featureAlpha: drift.featureAlpha)
        var domain: DomainClassifierResult?
        if let settings = request.domainClassifier, let referenceRows {
            domain = try DomainClassifier.run(schema: model.schema, reference: referenceRows, current: conformedCurrent,
                                              options: settings, alpha: options.alpha, threads: request.threads)
        }
        referenceRows = nil
        reference = .released

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
        if current.rowCount > 0 { members.append(("data_quality", MonitorQuality.json(
            current: current, schema: model.schema, expectations: MonitorQuality.expectations(schema: model.schema, features: features),
            known: [model.target] + [request.labels, request.sensitive].compactMap { $0 }))) }
        if let domain { members.append(("domain_classifier", domainJSON(domain))) }
        var labels: MonitorLabels?
        var training: [(String, Double)] = []
        var trainingSource = "none"
        if let name = request.labels {
            guard let column = current[name] else {
                throw ServiceError("monitor: the current data has no labels column `\(name)`"
                                   + (closestName(to: name, among: current.columnNames).map { " (did you mean `\($0)`?)" } ?? ""))
            }
            let read = MonitorLabels(column, model: model)
            labels = read
            training = ModelMetrics.names(task: model.task, objective: model.objective, labels: read.values)
                .compactMap { name in trainingMetrics[name].map { (name, $0) } }
            if !training.isEmpty { trainingSource = "the model version's validation metrics" }
        }
        // Labelled reference rows: the training metrics when the version recorded none, and the
        // calibration of CBPE's estimates.
        if training.isEmpty, let referenceLabels, let referencePredictions, labels != nil,
           let measured = MonitorPerformance.metrics(model: model, labels: referenceLabels, predictions: referencePredictions,
                                                     rows: 0..<referenceLabels.values.count) {
            training = measured
            trainingSource = "the labelled reference rows"
        }
        if model.task == .binary, let referenceLabels, let referencePredictions {
            let rows = referenceLabels.values.indices.filter { !referenceLabels.values[$0].isNaN }
            if rows.count >= 2, let fitted = try? IsotonicCalibration(
                probabilities: rows.map { referencePredictions.values[$0] }, labels: rows.map { referenceLabels.values[$0] == 1 }) {
                calibration = fitted
                calibrationSource = "isotonic, on \(rows.count) labelled reference rows"
            }
        }
        if current.rowCount > 0 && (labels != nil || model.task == .binary) {
            members.append(("performance", MonitorPerformance.json(
                model: model, labelsName: request.labels.map { $0 == PredictionLogWindow.labelsColumn ? "feedback" : $0 },
                labels: labels, predictions: currentPredictions, training: training, trainingSource: trainingSource,
                times: currentTimes, calibration: calibration, calibrationSource: calibrationSource,
                threshold: request.decisionThreshold)))
        }
        if let sensitive = request.sensitive, current.rowCount == 0 {
            members.append(("fairness", .object([
                ("sensitive", .string(sensitive)),
                ("note", .string("the window's inputs were not logged (apus serve --log-inputs): the fairness table needs the rows")),
            ])))
        } else if let sensitive = request.sensitive {
            members.append(("fairness", try MonitorFairness.json(
                model: model, sensitive: sensitive, current: current, predictions: currentPredictions, labels: labels,
                threshold: request.decisionThreshold)))
        }
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
