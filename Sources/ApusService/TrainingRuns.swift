import ApusModel
import ApusStore
import ApusTable
import ApusTrain
import Foundation

/// How a training run is recorded and registered.
public struct RunOptions: Sendable {
    /// The experiment (default: the model name, else `default`).
    public var experiment: String?
    /// The registered model's name.
    public var modelName: String?
    /// Register the trained model as a new version of `modelName`.
    public var register = false
    /// Aliases to point at the new version (registers it).
    public var aliases: [String] = []
    /// Why (recorded with the registration and alias moves).
    public var reason: String?
    /// Tags of the run.
    public var tags: [String: String] = [:]

    /// Options that record a run and register nothing.
    public init() {}

    /// The experiment the run belongs to.
    public var experimentName: String { experiment ?? modelName ?? "default" }

    /// True when the run's model becomes a registry version.
    public var registers: Bool { register || !aliases.isEmpty }
}

/// A training recorded in the store.
public struct RecordedTraining: Sendable {
    /// What training produced.
    public let outcome: TrainingOutcome
    /// The run's id.
    public let runID: String
    /// The model file, stored as an artifact of the run.
    public let modelArtifact: ArtifactRef
    /// The registered version, when registered.
    public let version: ModelVersion?
    /// The alias moves made.
    public let aliasMoves: [AliasMove]
    /// What the run cost.
    public let cost: RunCost
    /// Webhook deliveries that did not get through (they are retried later).
    public let webhookErrors: [String]
}

/// Training as a recorded run: the service behind `apus train` with a store.
///
/// The run is recorded as `running` before the data is read, with every parameter; it
/// ends `finished` with its metrics (the validation curve per round, and the final
/// validation metrics), cost and artifacts (`model.apus`, `evaluation.json`), or `failed`
/// with the error, or `killed` on SIGINT/SIGTERM (a `kill -9` is found and marked later
/// by `reapAbandonedRuns`). Registration and alias moves follow the run's end.
public enum TrainingRuns {
    /// The process and code of this Apus.
    public static func origin() -> RunOrigin {
        RunOrigin(user: ProcessIdentity.currentUser(), host: ProcessIdentity.host, pid: ProcessIdentity.pid,
                  processStart: ProcessIdentity.startTime, apusVersion: apusVersion, gitCommit: gitCommit())
    }

    /// Trains as `request` asks, recording the run in `store` and registering as `options` say.
    public static func train(_ request: TrainingRequest, options: RunOptions, store: any Store,
                             progress: ((RoundReport) -> Void)? = nil) throws -> RecordedTraining {
        let parameters = try ModelTraining.parameters(assignments: request.parameterAssignments, file: request.parameterFile)
        let (runID, origin, meter, watcher) = try begin(
            kind: "train", parameters: parameters, target: request.target, options: options, store: store)
        defer { watcher.stop() }

        let outcome: TrainingOutcome
        let artifacts: [String: ArtifactRef]
        do {
            outcome = try ModelTraining.train(request, progress: progress)
            try store.logInputs(outcome.inputs, run: runID)
            try store.logMetrics(metricPoints(outcome), run: runID)
            artifacts = try storeArtifacts(outcome, store: store)
        } catch {
            watcher.stop()
            try? store.finishRun(runID, status: .failed, message: "\(error)", cost: meter.cost(), artifacts: [:])
            throw error
        }
        watcher.stop()
        let cost = meter.cost()
        try store.finishRun(runID, status: .finished, message: nil, cost: cost, artifacts: artifacts)

        var version: ModelVersion?
        var moves: [AliasMove] = []
        if options.registers, let name = options.modelName {
            let model = outcome.model
            let reason = options.reason ?? "trained by run \(runID)"
            version = try store.registerVersion(VersionRegistration(
                model: name, runID: runID, artifact: artifacts["model.apus"]!,
                metrics: Dictionary(outcome.validationMetrics.map { ($0.name, $0.value) }, uniquingKeysWith: { a, _ in a }),
                schema: ModelTraining.jsonText(model.schema), lineage: lineage(of: outcome, runID: runID, gitCommit: origin.gitCommit),
                reason: reason))
            for alias in options.aliases {
                moves.append(try store.setAlias(model: name, alias: alias, version: version!.version, reason: reason))
            }
        }
        let delivery = try? WebhookDispatcher().deliverDue(store)
        return RecordedTraining(outcome: outcome, runID: runID, modelArtifact: artifacts["model.apus"]!, version: version,
                                aliasMoves: moves, cost: cost, webhookErrors: delivery?.errors ?? [])
    }

    /// Starts a run of `kind`: checks the names, records every parameter (`num_threads` and
    /// `extraParameters` too) and the `target` tag, and starts measuring its cost and
    /// watching for SIGINT/SIGTERM.
    static func begin(kind: String, parameters: GBDTParameters, extraParameters: [String: String] = [:], target: String,
                      options: RunOptions, store: any Store)
        throws -> (runID: String, origin: RunOrigin, meter: RunCostMeter, watcher: RunSignalWatcher) {
        try validate(options)
        var recorded = parameters.canonicalText
        recorded["num_threads"] = parameters.text(of: "num_threads")
        recorded.merge(extraParameters) { _, extra in extra }
        var tags = options.tags
        if tags["target"] == nil { tags["target"] = target }
        let runOrigin = origin()
        let meter = RunCostMeter()
        let runID = try store.startRun(RunStart(
            experiment: options.experimentName, kind: kind, parameters: recorded, tags: tags, seed: parameters.seed, origin: runOrigin))
        return (runID, runOrigin, meter, RunSignalWatcher(store: store, runID: runID, meter: meter))
    }

    /// Checks names before any work, so a typo does not cost a training.
    static func validate(_ options: RunOptions) throws {
        do {
            if let name = options.modelName { try StoreNames.validate(name, as: "model name") }
            try StoreNames.validate(options.experimentName, as: "experiment name")
            for alias in options.aliases { try StoreNames.validateAlias(alias) }
            if let repeated = options.aliases.first(where: { alias in options.aliases.filter { $0 == alias }.count > 1 }) {
                throw StoreError("the alias `\(repeated)` is given twice")
            }
            for key in options.tags.keys { try StoreNames.validate(key, as: "tag key") }
        } catch let error as StoreError {
            throw ServiceError(error.description)
        }
        if options.registers && options.modelName == nil {
            throw ServiceError("registering a model needs its name (--name NAME)")
        }
    }

    /// The validation curve per round (`valid_METRIC`, steps 1...) and the final metrics.
    static func metricPoints(_ outcome: TrainingOutcome) -> [MetricPoint] {
        var points: [MetricPoint] = []
        let training = outcome.model.training
        if let metric = training.validationMetric {
            for (round, value) in training.validationHistory.enumerated() {
                points.append(MetricPoint(key: "valid_\(metric)", value: value, step: round + 1))
            }
        }
        for (name, value) in outcome.validationMetrics { points.append(MetricPoint(key: name, value: value)) }
        points.append(MetricPoint(key: "training_seconds", value: outcome.seconds))
        return points
    }

    /// Stores the model file and an evaluation report as artifacts.
    static func storeArtifacts(_ outcome: TrainingOutcome, store: any Store) throws -> [String: ArtifactRef] {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("apus-run-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true,
                                                attributes: [.posixPermissions: 0o700])
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let modelPath = folder + "/model.apus"
        try ModelFile.write(outcome.model, to: modelPath)
        let reportPath = folder + "/evaluation.json"
        try Data(evaluationReport(outcome).utf8).write(to: URL(fileURLWithPath: reportPath))
        var artifacts = ["model.apus": try store.putArtifact(file: modelPath), "evaluation.json": try store.putArtifact(file: reportPath)]
        if let profile = outcome.referenceProfile {
            let path = folder + "/" + MonitorReference.profileArtifact
            try MonitorReference.encode(profile).write(to: URL(fileURLWithPath: path))
            artifacts[MonitorReference.profileArtifact] = try store.putArtifact(file: path)
        }
        if let sample = outcome.referenceSample {
            let path = folder + "/" + MonitorReference.sampleArtifact
            try CSVWriter.write(sample, to: path)
            artifacts[MonitorReference.sampleArtifact] = try store.putArtifact(file: path)
        }
        return artifacts
    }

    /// The evaluation report: rows, rounds, validation metrics and the validation curve.
    static func evaluationReport(_ outcome: TrainingOutcome) -> String {
        let model = outcome.model, training = model.training
        var members: [String: CanonicalJSON] = [
            "task": .string(model.task.rawValue), "objective": .string(model.objective), "target": .string(model.target),
            "training_rows": .integer(Int64(outcome.trainingRows)), "validation_rows": .integer(Int64(outcome.validationRows)),
            "rounds_trained": .integer(Int64(training.roundsTrained)), "best_round": .integer(Int64(training.bestRound)),
            "validation_metrics": .object(Dictionary(outcome.validationMetrics.map { ($0.name, CanonicalJSON.number($0.value)) },
                                                     uniquingKeysWith: { a, _ in a })),
            "validation_curve": .array(training.validationHistory.map { .number($0) }),
        ]
        members["validation_metric"] = training.validationMetric.map { .string($0) } ?? .null
        return CanonicalJSON.object(members).text + "\n"
    }

    /// What a version records of where it came from.
    static func lineage(of outcome: TrainingOutcome, runID: String, gitCommit: String?) -> [String: String] {
        let model = outcome.model
        var lineage = [
            "run_id": runID, "task": model.task.rawValue, "objective": model.objective, "target": model.target,
            "parameters_sha256": sha256Hex(CanonicalJSON.strings(model.parameters).text),
            "seed": model.parameters["seed"] ?? "", "apus_version": model.training.apusVersion,
            "training_rows": String(outcome.trainingRows),
        ]
        for input in outcome.inputs { lineage["\(input.role)_fingerprint"] = input.fingerprint }
        if let gitCommit { lineage["git_commit"] = gitCommit }
        return lineage
    }

    static func sha256Hex(_ text: String) -> String { SHA256.hexDigest(of: text) }

    /// The working directory's git commit (`-dirty` when it has changes), or nil.
    static func gitCommit() -> String? {
        guard let head = run(["git", "rev-parse", "HEAD"]), head.count == 40 else { return nil }
        let status = run(["git", "status", "--porcelain", "--untracked-files=no"]) ?? ""
        return status.isEmpty ? head : head + "-dirty"
    }

    private static func run(_ arguments: [String]) -> String? {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = arguments
        let output = Pipe()
        process.standardOutput = output
        process.standardError = FileHandle.nullDevice
        do { try process.run() } catch { return nil }
        let data = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else { return nil }
        return String(decoding: data, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
    }
}
