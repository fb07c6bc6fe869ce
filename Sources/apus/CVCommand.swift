import ArgumentParser
import ApusService
import ApusTable
import ApusTrain

/// `apus cv`: k-fold cross-validation.
struct CV: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "cv",
        abstract: "Cross-validate the model's parameters: k folds, each held out once.",
        discussion: """
        Classification targets use stratified folds. Prints each metric's mean and standard deviation. \
        The cross-validation is recorded as a run (kind cv) in the store: each metric's mean, standard \
        deviation and per-fold values.
        """
    )

    @Argument(help: "The CSV file.")
    var data: String

    @Option(help: "The column to predict.")
    var target: String

    @Option(help: "Number of folds.")
    var folds = 5

    @Option(help: "Seed of the fold assignment.")
    var seed: UInt64 = 0

    @OptionGroup var parameters: ParameterOptions

    @Flag(help: "One JSON object: each metric's mean, std and per-fold values.")
    var json = false

    @OptionGroup(title: "Reading the CSV file") var csv: CSVOptions

    @Option(help: "The experiment to record the run under (default: `default`).")
    var experiment: String?

    @Option(name: .customLong("tag"), help: "A run tag, KEY=VALUE (repeatable).")
    var tags: [String] = []

    func validate() throws {
        guard folds >= 2 else { throw ValidationError("--folds must be at least 2, got \(folds)") }
    }

    func run() throws {
        var request = CrossValidationRequest(dataPath: data, target: target)
        request.task = parameters.task
        request.folds = folds
        request.seed = seed
        request.parameterAssignments = parameters.assignments
        request.parameterFile = parameters.parameterFile
        request.ignoredColumns = parameters.ignoredColumns
        request.readOptions = try csv.readOptions()
        var options = RunOptions()
        options.experiment = experiment
        options.tags = try RunRecordingOptions.parseTags(tags)
        let store = try openStore()
        let progress = ProgressBar("cross-validating", unit: "folds")
        let (result, rows, runID) = try CrossValidationRuns.run(request, options: options, store: store) { fold in
            progress.update(fold, of: folds)
        }
        progress.finish()
        if json {
            let fields = result.metrics.indices.map { m in
                let values = result.folds.map { NumberFormatting.shortest($0[m]) }.joined(separator: ",")
                return "\"\(result.metrics[m])\":{\"mean\":\(NumberFormatting.shortest(result.mean(m))),"
                    + "\"std\":\(NumberFormatting.shortest(result.standardDeviation(m))),\"folds\":[\(values)]}"
            }
            print("{\"run_id\":\"\(runID)\"," + fields.joined(separator: ",") + "}")
            return
        }
        print("\(folds)-fold cross-validation\(result.stratified ? " (stratified)" : ""), \(formatCount(rows)) rows")
        let width = result.metrics.map(\.count).max() ?? 0
        for (m, name) in result.metrics.enumerated() {
            let perFold = result.folds.map { formatMetric($0[m]) }.joined(separator: " ")
            print("  \(name)\(String(repeating: " ", count: width - name.count))  \(formatMetric(result.mean(m))) ± "
                + "\(formatMetric(result.standardDeviation(m)))   folds: \(perFold)")
        }
        print("run \(runID) recorded in \(store.location)")
    }
}

/// `apus params`: the learner's parameters, from their one declaration.
struct Params: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "params",
        abstract: "List the training parameters: names, aliases, defaults and valid values."
    )

    @Flag(help: "A Markdown table (docs/parameters.md is made this way).")
    var markdown = false

    func run() throws {
        let defaults = GBDTParameters()
        if markdown {
            print("| parameter | default | valid values | aliases | what it does |\n|---|---|---|---|---|")
            for spec in GBDTParameters.specifications {
                let value = defaults.text(of: spec.name) ?? ""
                print("| `\(spec.name)` | `\(value.isEmpty ? "\"\"" : value)` | \(spec.range) | "
                    + "\(spec.aliases.map { "`\($0)`" }.joined(separator: ", ")) | \(spec.summary) |")
            }
            return
        }
        for spec in GBDTParameters.specifications {
            let value = defaults.text(of: spec.name) ?? ""
            print("\(spec.name) = \(value.isEmpty ? "\"\"" : value)")
            print("    \(spec.summary)")
            print("    valid: \(spec.range)" + (spec.aliases.isEmpty ? "" : "; also: \(spec.aliases.joined(separator: ", "))"))
        }
    }
}
