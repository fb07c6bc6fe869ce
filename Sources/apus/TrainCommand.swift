import ArgumentParser
import ApusModel
import ApusService
import ApusStore
import ApusTable
import ApusTrain
import Foundation

/// `apus train`: a gradient-boosted tree model from a CSV file.
struct Train: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Train a gradient-boosted tree model on a CSV file.",
        discussion: """
        Every column except the target (and --ignore'd ones) is a feature; text columns are left out. \
        The task follows from the target unless --task says: two values (0/1, booleans, two levels) is \
        binary, more levels multiclass, numbers regression.

        Every training is recorded as a run in the store (.apus, or APUS_STORE): its parameters, data \
        fingerprints, metrics per round, cost, and the model file. --register keeps the model as a new \
        version of --name in the registry; --alias also points an alias (champion) at it.
        """
    )

    @Argument(help: "The CSV file to train on.")
    var data: String

    @Option(help: "The column to predict.")
    var target: String

    @OptionGroup var parameters: ParameterOptions

    @Option(help: "A numeric column of sample weights (not a feature): each row counts that many times.")
    var weight: String?

    @Option(name: .customLong("valid"), help: "A CSV file to validate on (per-round metric, early stopping).")
    var validationFile: String?

    @Option(name: .customLong("valid-fraction"), help: "Hold out this share of the rows to validate on instead.")
    var validationFraction: Double?

    @Option(help: "Where to write the model (.apus); needed unless the model is registered.")
    var out: String?

    @OptionGroup(title: "Recording and registering") var recording: RunRecordingOptions

    @OptionGroup(title: "Reading the CSV files") var csv: CSVOptions

    func validate() throws {
        try recording.validate()
        if out == nil && !recording.registers {
            throw ValidationError("give --out FILE, or --register (with --name) to keep the model in the registry")
        }
        if validationFile != nil && validationFraction != nil {
            throw ValidationError("give --valid or --valid-fraction, not both")
        }
        if let fraction = validationFraction, !(fraction > 0 && fraction < 1) {
            throw ValidationError("--valid-fraction must be between 0 and 1 (exclusive), got \(fraction)")
        }
    }

    func run() throws {
        var request = TrainingRequest(dataPath: data, target: target)
        request.task = parameters.task
        request.validationPath = validationFile
        request.validationFraction = validationFraction
        request.parameterAssignments = parameters.assignments
        request.parameterFile = parameters.parameterFile
        request.ignoredColumns = parameters.ignoredColumns
        request.weightColumn = weight
        request.readOptions = try csv.readOptions()
        let store = try openStore()
        let progress = ProgressBar("training", unit: "rounds")
        let recorded = try TrainingRuns.train(request, options: try recording.runOptions(), store: store) { report in
            let detail = report.validation.map { "valid \($0.metric) \(formatMetric($0.value))" } ?? ""
            progress.update(report.round, of: report.rounds, detail: detail)
        }
        progress.finish()
        if let out { try ModelFile.write(recorded.outcome.model, to: out) }
        print(Self.summary(recorded.outcome, path: out))
        print(Self.recordSummary(recorded, store: store))
        for error in recorded.webhookErrors { Terminal.writeError("warning: \(error)\n") }
    }

    /// The lines about the run and the registry printed after training.
    static func recordSummary(_ recorded: RecordedTraining, store: any Store) -> String {
        let cost = recorded.cost
        var lines = ["run \(recorded.runID) recorded in \(store.location) (cpu \(formatSeconds(cost.cpuSeconds)), "
            + "peak memory \(formatBytes(cost.peakMemoryBytes)), energy ≈ \(NumberFormatting.formatFixed(cost.energyJoules, decimals: 0)) J"
            + (cost.energyMethod == "rapl" ? " measured" : " estimated") + ")"]
        if let version = recorded.version {
            lines.append("registered \(version.reference)" + recorded.aliasMoves.map { move in
                "; \(move.model)@\(move.alias) -> version \(move.version)" + (move.previousVersion.map { " (was \($0))" } ?? " (new alias)")
            }.joined())
        }
        return lines.joined(separator: "\n")
    }

    /// The summary printed after training.
    static func summary(_ outcome: TrainingOutcome, path: String?) -> String {
        let model = outcome.model, training = model.training
        var lines: [String] = []
        let objective = model.objective == model.task.rawValue ? "" : " (\(model.objective))"
        lines.append("Trained a \(model.task.rawValue)\(objective) model on \(formatCount(outcome.trainingRows)) rows × "
            + "\(model.schema.count) features in \(NumberFormatting.formatFixed(outcome.seconds, decimals: 2)) s: "
            + "\(model.ensemble.rounds) rounds, \(formatCount(model.ensemble.trees.count)) trees")
        switch model.task {
        case .binary: lines.append("  target `\(model.target)`: classes \(model.classes[0]), \(model.classes[1]) (positive: \(model.classes[1]))")
        case .multiclass: lines.append("  target `\(model.target)`: \(model.classes.count) classes (\(model.classes.prefix(8).joined(separator: ", "))\(model.classes.count > 8 ? ", ..." : ""))")
        case .regression: lines.append("  target `\(model.target)`")
        }
        if let metric = training.validationMetric, training.roundsTrained > training.bestRound {
            lines.append("  early stopping on validation \(metric): best round \(training.bestRound) of \(training.roundsTrained) trained")
        }
        if !outcome.validationMetrics.isEmpty {
            lines.append("  validation (\(formatCount(outcome.validationRows)) rows): "
                + outcome.validationMetrics.map { "\($0.name) \(formatMetric($0.value))" }.joined(separator: "  "))
        }
        let importance = model.importance
        let total = importance.gain.reduce(0, +)
        if total > 0 {
            let ranked = importance.gain.indices.sorted { importance.gain[$0] > importance.gain[$1] }.prefix(5)
            lines.append("  top features by gain: " + ranked.map {
                "\(model.schema.features[$0].name) \(NumberFormatting.formatFixed(100 * importance.gain[$0] / total, decimals: 1))%"
            }.joined(separator: ", "))
        }
        if !outcome.skippedColumns.isEmpty {
            lines.append("  text columns left out: \(outcome.skippedColumns.joined(separator: ", "))")
        }
        for note in outcome.notes { lines.append("  note: \(note)") }
        if let path { lines.append("wrote \(path)") }
        return lines.joined(separator: "\n")
    }
}

/// The options that name a run and register its model, shared by `train` and `cv`.
struct RunRecordingOptions: ParsableArguments {
    @Option(help: "The model's name in the registry (also the run's experiment).")
    var name: String?

    @Option(help: "The experiment to record the run under (default: --name, else `default`).")
    var experiment: String?

    @Flag(help: "Register the model as a new version of --name.")
    var register = false

    @Option(help: "Point this alias (champion, challenger, ...) at the new version; implies --register (repeatable).")
    var alias: [String] = []

    @Option(help: "Why: recorded with the registration and alias moves in the audit trail.")
    var reason: String?

    @Option(name: .customLong("tag"), help: "A run tag, KEY=VALUE (repeatable).")
    var tags: [String] = []

    var registers: Bool { register || !alias.isEmpty }

    func validate() throws {
        if registers && name == nil { throw ValidationError("--register and --alias need --name NAME") }
        _ = try runOptions()
    }

    func runOptions() throws -> RunOptions {
        var options = RunOptions()
        options.modelName = name
        options.experiment = experiment
        options.register = register
        options.aliases = alias
        options.reason = reason
        options.tags = try Self.parseTags(tags)
        return options
    }

    /// `KEY=VALUE` texts as a dictionary.
    static func parseTags(_ tags: [String]) throws -> [String: String] {
        var parsed: [String: String] = [:]
        for tag in tags {
            guard let equals = tag.firstIndex(of: "="), equals != tag.startIndex else {
                throw ValidationError("--tag `\(tag)` is not KEY=VALUE")
            }
            parsed[String(tag[..<equals])] = String(tag[tag.index(after: equals)...])
        }
        return parsed
    }
}
