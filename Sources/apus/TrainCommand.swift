import ArgumentParser
import ApusModel
import ApusService
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

    @Option(help: "Where to write the model (.apus).")
    var out: String

    @OptionGroup(title: "Reading the CSV files") var csv: CSVOptions

    func validate() throws {
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
        let progress = ProgressBar("training", unit: "rounds")
        let outcome = try ModelTraining.train(request) { report in
            let detail = report.validation.map { "valid \($0.metric) \(formatMetric($0.value))" } ?? ""
            progress.update(report.round, of: report.rounds, detail: detail)
        }
        progress.finish()
        try ModelFile.write(outcome.model, to: out)
        print(Self.summary(outcome, path: out))
    }

    /// The summary printed after training.
    static func summary(_ outcome: TrainingOutcome, path: String) -> String {
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
        lines.append("wrote \(path)")
        return lines.joined(separator: "\n")
    }
}
