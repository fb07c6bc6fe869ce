import ArgumentParser
import ApusService
import ApusTable
import Foundation

/// `apus predict`: a model's predictions for every row of a CSV file.
struct Predict: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Predict every row of a CSV file with a model.",
        discussion: """
        One output row per input row: the --id column first if given, then `prediction` (the probability \
        of the positive class for binary, the value for regression, the most probable class for \
        multiclass, followed by one prob_<class> column per class).
        """
    )

    @Argument(help: "The model: a file (.apus), NAME@ALIAS (credit-risk@champion) or NAME/VERSION (credit-risk/3).")
    var model: String

    @Argument(help: "The CSV file to predict.")
    var data: String

    @Option(help: "Where to write the predictions (CSV); standard output if not given.")
    var out: String?

    @Option(help: "A column to copy first into the output, to join predictions back.")
    var id: String?

    @Flag(help: "Raw scores instead of probabilities or values (log-odds for binary).")
    var raw = false

    @OptionGroup(title: "Reading the CSV file") var csv: CSVOptions

    func run() throws {
        let model = try loadModel(self.model)
        let table = try CSVReader.read(path: data, options: try csv.readOptions()).table
        let predictions = try ModelScoring.predictions(of: model, for: table, idColumn: id, raw: raw)
        if let out {
            try CSVWriter.write(predictions, to: out)
            print("wrote \(formatCount(predictions.rowCount)) predictions to \(out)")
        } else {
            print(CSVWriter.string(predictions), terminator: "")
        }
    }
}

/// `apus evaluate`: a model's metrics on a labelled CSV file.
struct Evaluate: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Score a model on a labelled CSV file.",
        discussion: """
        Binary: auc, average_precision, logloss, brier, accuracy, precision, recall, f1 (threshold 0.5). \
        Multiclass: multi_logloss, multi_accuracy, multi_error. Regression: rmse, mae, r2, mape (when no \
        label is 0) and poisson_deviance for Poisson models.
        """
    )

    @Argument(help: "The model: a file (.apus), NAME@ALIAS (credit-risk@champion) or NAME/VERSION (credit-risk/3).")
    var model: String

    @Argument(help: "A CSV file with the model's features and its target column.")
    var data: String

    @Flag(help: "One JSON object keyed by metric name.")
    var json = false

    @OptionGroup(title: "Reading the CSV file") var csv: CSVOptions

    func run() throws {
        let model = try loadModel(self.model)
        let table = try CSVReader.read(path: data, options: try csv.readOptions()).table
        let metrics = try ModelScoring.evaluate(model, on: table)
        if json {
            let fields = metrics.map { "\"\($0.name)\":\(NumberFormatting.shortest($0.value))" }
            print("{" + fields.joined(separator: ",") + "}")
        } else {
            print("\(model.task.rawValue) model, target `\(model.target)`, \(formatCount(table.rowCount)) rows")
            let width = metrics.map(\.name.count).max() ?? 0
            for (name, value) in metrics {
                print("  \(name)\(String(repeating: " ", count: width - name.count))  \(formatMetric(value))")
            }
        }
    }
}
