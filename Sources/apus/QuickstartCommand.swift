import ArgumentParser
import ApusModel
import ApusServe
import ApusService
import ApusTable
import ApusTrain
import Foundation

/// `apus quickstart`: Apus's main job on the embedded demo data.
struct Quickstart: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Generate demo credit data, inspect it, train a model, register it as credit-risk@champion, score it on held-out rows and serve it over HTTP: the first five minutes with Apus."
    )

    @Option(help: "Folder for the demo files.")
    var directory = "apus-quickstart"

    @Option(help: "Rows of demo data.")
    var rows = 50_000

    @Option(help: "Random seed of the demo data.")
    var seed: UInt64 = 42

    @Option(help: "The port to serve the model on at the end (another free one if it is taken).")
    var port = 8080

    @Flag(help: "Stop after scoring, without serving the model.")
    var noServe = false

    func validate() throws {
        guard (0...65_535).contains(port) else { throw ValidationError("--port must be 0 to 65535, got \(port)") }
        guard rows >= 10 else { throw ValidationError("--rows must be at least 10, got \(rows)") }
    }

    func run() async throws {
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        let path = (directory as NSString).appendingPathComponent("credit.csv")
        print("1. Generating \(formatCount(rows)) loan applications (the `credit` scenario, seed \(seed))")
        let progress = ProgressBar("   generating", unit: "rows")
        try SyntheticData.write(.credit, rows: rows, seed: seed, to: path) { progress.update($0, of: rows) }
        progress.finish()
        print("   wrote \(path)\n")

        print("2. Reading it back: kinds inferred, statistics per column\n")
        let inspection = try DataInspection.inspect(path: path, fingerprint: true)
        print(inspection.renderText())

        let target = SyntheticScenario.credit.targetColumn
        if let stats = inspection.profile[target], let mean = stats.mean {
            print("The target `\(target)` is 1 for \(NumberFormatting.formatFixed(mean * 100, decimals: 1))% of applications.\n")
        }

        print("3. Holding out 20% of the rows (stratified on `\(target)`) to test on")
        let table = try CSVReader.read(path: path).table
        let split = try table.stratifiedSplit(testFraction: 0.2, seed: seed, on: target)
        let trainPath = (directory as NSString).appendingPathComponent("train.csv")
        let holdoutPath = (directory as NSString).appendingPathComponent("holdout.csv")
        try CSVWriter.write(split.train, to: trainPath)
        try CSVWriter.write(split.test, to: holdoutPath)
        print("   wrote \(trainPath) (\(formatCount(split.train.rowCount)) rows) and \(holdoutPath) (\(formatCount(split.test.rowCount)) rows)\n")

        print("4. Training gradient-boosted trees on \(trainPath)")
        print("   (application_date is ignored: a date of record would not generalise to new applications)")
        let modelPath = (directory as NSString).appendingPathComponent("credit.apus")
        var request = TrainingRequest(dataPath: trainPath, target: target)
        request.ignoredColumns = ["application_date"]
        request.validationFraction = 0.1
        request.parameterAssignments = ["early_stopping_round=20", "num_iterations=500", "learning_rate=0.05"]
        var options = RunOptions()
        options.modelName = "credit-risk"
        options.aliases = ["champion"]
        options.reason = "apus quickstart"
        let store = try openStore()
        let bar = ProgressBar("   training", unit: "rounds")
        let recorded = try TrainingRuns.train(request, options: options, store: store) { report in
            bar.update(report.round, of: report.rounds, detail: report.validation.map { "valid \($0.metric) \(formatMetric($0.value))" } ?? "")
        }
        bar.finish()
        let outcome = recorded.outcome
        try ModelFile.write(outcome.model, to: modelPath)
        print(Train.summary(outcome, path: modelPath).split(separator: "\n").map { "   " + $0 }.joined(separator: "\n"))
        print(Train.recordSummary(recorded, store: store).split(separator: "\n").map { "   " + $0 }.joined(separator: "\n") + "\n")

        print("5. Scoring credit-risk@champion on the \(formatCount(split.test.rowCount)) held-out rows")
        let champion = try ModelResolution.load("credit-risk@champion")
        let metrics = try ModelScoring.evaluate(champion.model, on: try CSVReader.read(path: holdoutPath).table)
        let width = metrics.map(\.name.count).max() ?? 0
        for (name, value) in metrics {
            print("   \(name)\(String(repeating: " ", count: width - name.count))  \(formatMetric(value))")
        }
        print("""

        Next:
          apus predict credit-risk@champion \(holdoutPath) --id age --out predictions.csv
          apus evaluate \(modelPath) \(holdoutPath) --json
          apus runs list                                every training, with its metrics and cost
          apus models show credit-risk                  versions, aliases and their history
          apus audit verify                             check the hash-chained audit trail
          apus cv \(trainPath) --target \(target) --folds 5 --ignore application_date
          apus train \(trainPath) --target \(target) --ignore application_date --param num_leaves=15 --out small.apus
          apus params                                   every training parameter, with LightGBM's names
          apus data inspect \(path) --json
        """)
        guard !noServe else { return }
        print("6. Serving credit-risk@champion over HTTP (Ctrl-C stops; apus serve does this on its own)")
        let body = try QuickstartRequest.body(model: champion.model, holdoutPath: holdoutPath)
        var configuration = ServeConfiguration()
        configuration.preload = ["credit-risk@champion"]
        configuration.port = QuickstartRequest.isFree(port: port) ? port : 0
        try await runServer(configuration, logLevel: .warning) { address in
            print("""

               Try it from another terminal:
                 curl -s \(address)/v1/models/credit-risk@champion/predict \\
                   -H 'Content-Type: application/json' \\
                   -d '\(body)'
                 curl -s \(address)/v2/models/credit-risk                  KServe V2 metadata
                 curl -s \(address)/metrics                                Prometheus metrics

            """)
            fflush(nil)
        }
    }
}
