import ArgumentParser
import ApusModel
import ApusService
import ApusTable
import ApusTrain

extension TaskChoice: ExpressibleByArgument {}

/// The options that choose the learner's parameters, shared by `train` and `cv`.
struct ParameterOptions: ParsableArguments {
    @Option(help: "What to predict; auto decides from the target.")
    var task: TaskChoice = .auto

    @Option(name: .customLong("param"), help: ArgumentHelp(
        "A parameter, NAME=VALUE, with LightGBM's names (repeatable).",
        discussion: "For example --param num_leaves=63 --param learning_rate=0.05. `apus params` lists them all."))
    var assignments: [String] = []

    @Option(name: .customLong("params"), help: "A JSON object of parameters, applied before --param.")
    var parameterFile: String?

    @Option(name: .customLong("ignore"), help: "A column that is not a feature, such as an ID (repeatable).")
    var ignoredColumns: [String] = []
}

/// Formats a metric value for a person: 4 decimals for values below 100, fewer above.
func formatMetric(_ value: Double) -> String {
    abs(value) < 100 ? NumberFormatting.formatFixed(value, decimals: 4) : NumberFormatting.significant(value, digits: 6)
}

/// Reads the model a reference names: a file, `NAME@ALIAS` or `NAME/VERSION`.
func loadModel(_ reference: String) throws -> Model {
    try ModelResolution.load(reference).model
}
