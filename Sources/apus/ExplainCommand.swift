import ApusService
import ApusTable
import ArgumentParser
import Foundation

extension ExplanationMethod: ExpressibleByArgument {}

/// `apus explain`: SHAP values (or LIME's local models), interaction values, reason codes
/// and plots for every row of a CSV file.
struct Explain: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Explain a model's predictions for every row of a CSV file.",
        discussion: """
        Writes one column per feature plus `bias` (the expected value), so that each row adds up to \
        the model's raw score (log-odds for binary); multiclass models get one line per row and class, \
        named in `class`. Methods: tree (exact path-dependent TreeSHAP, relative to the training data), \
        interventional (exact, relative to --background rows), kernel (KernelSHAP, any model), lime \
        (local linear models: one weight per feature, intercept, local_prediction, prediction, r2, \
        conditions). --threshold P explains relative to the background rows whose prediction is nearest \
        P (the decision boundary). --reasons K adds K reason-code columns. --plot writes an SVG to --out \
        instead: summary, importance, waterfall:ROW (rows numbered from 0), dependence:FEATURE, pdp:FEATURE. \
        --threads sets the threads that read and explain.
        """
    )

    @Argument(help: "The model: a file (.apus), NAME@ALIAS (credit-risk@champion) or NAME/VERSION (credit-risk/3).")
    var model: String

    @Argument(help: "The CSV file whose rows to explain.")
    var data: String

    @Option(help: "Where to write the values (CSV) or the plot (SVG); standard output if not given.")
    var out: String?

    @Option(help: "tree, interventional, kernel or lime.")
    var method: ExplanationMethod = .tree

    @Option(help: "A column to copy first into the output (as `id`), to join explanations back.")
    var id: String?

    @Flag(help: "Interaction values (tree method): per row one line per feature and one for bias.")
    var interactions = false

    @Option(help: "Reason codes per row: the features that pushed the prediction most towards the adverse outcome.")
    var reasons: Int = 0

    @Option(help: "The adverse outcome for reason codes: higher, lower or a class label (default: higher; multiclass: the predicted class).")
    var adverse: String?

    @Option(help: "A CSV file of reference rows (interventional, kernel, --threshold) or LIME's training data; default: the data itself.")
    var background: String?

    @Option(help: "The most background rows used; larger backgrounds are sampled (seeded).")
    var backgroundRows: Int = 100

    @Option(help: "Explain relative to the background rows whose prediction is nearest this decision threshold.")
    var threshold: Double?

    @Option(help: "KernelSHAP's coalitions or LIME's samples per row (default: 2 × features + 2048; 5000).")
    var samples: Int?

    @Option(help: "The seed of every random choice (background sample, coalitions, LIME).")
    var seed: UInt64 = 0

    @Option(name: .customLong("class"), help: "The class LIME and the plots show (multiclass; default: the first).")
    var classLabel: String?

    @Option(help: "summary, importance, waterfall:ROW, dependence:FEATURE or pdp:FEATURE: write an SVG plot to --out.")
    var plot: String?

    @OptionGroup(title: "Reading the CSV file") var csv: CSVOptions

    func validate() throws {
        guard reasons >= 0 else { throw ValidationError("--reasons must be at least 0, not \(reasons)") }
        guard backgroundRows >= 1 else { throw ValidationError("--background-rows must be at least 1, not \(backgroundRows)") }
        guard !interactions || method == .tree else { throw ValidationError("--interactions needs --method tree (path-dependent TreeSHAP)") }
        guard !interactions || plot == nil else { throw ValidationError("--interactions writes a CSV; leave out --plot") }
        guard method != .lime || reasons == 0 else { throw ValidationError("--reasons needs SHAP values; LIME's weights do not add up to the score") }
    }

    func run() throws {
        let model = try loadModel(self.model)
        let options = try csv.readOptions()
        let threads = csv.threads ?? 0
        let table = try CSVReader.read(path: data, options: options).table
        var settings = ExplanationSettings(method: method, backgroundRows: backgroundRows, threshold: threshold, reasons: reasons,
                                           adverse: adverse, samples: samples, seed: seed, classLabel: classLabel, threads: threads)
        if let background { settings.background = try CSVReader.read(path: background, options: options).table }
        if let plot {
            let kind = try ExplanationPlot(parsing: plot)
            let svg = try ModelExplaining.plot(kind, model: model, rows: table, settings: settings)
            if let out {
                try Data(svg.utf8).write(to: URL(fileURLWithPath: out))
                print("wrote the \(plot) plot of \(formatCount(table.rowCount)) rows to \(out)")
            } else {
                print(svg)
            }
            return
        }
        let ids = try id.map { try table.column(named: $0) }
        let output: Table
        if interactions {
            output = try ModelExplaining.interactionsTable(model, rows: table, ids: ids, threads: threads)
        } else if method == .lime {
            output = try ModelExplaining.lime(model, for: table, ids: ids, settings: settings)
        } else {
            output = try ModelExplaining.valuesTable(try ModelExplaining.explain(model, rows: table, settings: settings), ids: ids)
        }
        if let out {
            try CSVWriter.write(output, to: out)
            let what = interactions ? "interaction values" : method == .lime ? "LIME explanations" : "SHAP values"
            print("wrote the \(what) of \(formatCount(table.rowCount)) rows to \(out)")
        } else {
            print(CSVWriter.string(output), terminator: "")
        }
    }
}

/// `apus importance`: which features matter, on a data set.
struct Importance: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Rank a model's features by importance on a CSV file.",
        discussion: """
        mean |SHAP| is the average size of each feature's exact TreeSHAP value (raw-score units). When the \
        data holds the target column, permutation importance follows: how much the metric worsens when the \
        feature's column is shuffled (mean ± standard deviation over --repeats seeded shuffles).
        """
    )

    @Argument(help: "The model: a file (.apus), NAME@ALIAS (credit-risk@champion) or NAME/VERSION (credit-risk/3).")
    var model: String

    @Argument(help: "The CSV file (with the target column for permutation importance).")
    var data: String

    @Option(help: "The permutation metric (default: logloss, multi_logloss or rmse).")
    var metric: String?

    @Option(help: "Shuffles per feature.")
    var repeats: Int = 5

    @Option(help: "The seed of the shuffles.")
    var seed: UInt64 = 0

    @Flag(help: "One JSON object: features in ranking order with their importances.")
    var json = false

    @OptionGroup(title: "Reading the CSV file") var csv: CSVOptions

    func validate() throws {
        guard repeats >= 1 else { throw ValidationError("--repeats must be at least 1, not \(repeats)") }
    }

    func run() throws {
        let model = try loadModel(self.model)
        let table = try CSVReader.read(path: data, options: try csv.readOptions()).table
        let threads = csv.threads ?? 0
        let report = try FeatureImportanceReport(model: model, table: table, metric: metric, repeats: repeats, seed: seed, threads: threads)
        let ranking = report.ranking
        let permutation = report.permutation
        if json {
            let features = ranking.map { index in
                ImportanceJSON.Feature(name: report.names[index], meanAbsSHAP: report.meanAbsoluteSHAP[index],
                                       permutationMean: permutation?.importancesMean[index], permutationStd: permutation?.importancesStd[index])
            }
            try printJSON(ImportanceJSON(rows: report.rows, metric: report.metric, baseline: permutation?.baseline,
                                         repeats: permutation == nil ? nil : repeats, features: features))
            return
        }
        var header = "Feature importance of the \(model.task.rawValue) model on \(formatCount(report.rows)) rows"
        if let permutation, let metric = report.metric {
            header += "; permutation: \(metric) \(formatMetric(permutation.baseline)) unshuffled, \(repeats) shuffles"
        }
        print(header)
        var text = TextTable(["feature", "mean |SHAP|"] + (permutation != nil ? ["permutation", "± std"] : []), rightAligned: [1, 2, 3])
        for index in ranking {
            var row = [report.names[index], formatMetric(report.meanAbsoluteSHAP[index])]
            if let permutation {
                row += [formatMetric(permutation.importancesMean[index]), formatMetric(permutation.importancesStd[index])]
            }
            text.add(row)
        }
        print(text.text)
        if report.permutation == nil {
            print("(no `\(model.target)` column: permutation importance needs the target)")
        }
    }
}

/// `apus importance --json`.
private struct ImportanceJSON: Encodable {
    struct Feature: Encodable {
        let name: String
        let meanAbsSHAP: Double
        let permutationMean: Double?
        let permutationStd: Double?

        enum CodingKeys: String, CodingKey {
            case name, meanAbsSHAP = "mean_abs_shap", permutationMean = "permutation_mean", permutationStd = "permutation_std"
        }
    }

    let rows: Int
    let metric: String?
    let baseline: Double?
    let repeats: Int?
    let features: [Feature]
}
