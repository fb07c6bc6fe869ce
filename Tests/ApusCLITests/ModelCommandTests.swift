import Foundation
import Testing

@Suite("apus train, predict, evaluate, cv")
struct ModelCommandTests {
    /// A directory with demo credit data for training and testing.
    static func creditFiles() throws -> (URL, String, String) {
        let dir = try temporaryDirectory()
        let train = dir.appendingPathComponent("train.csv").path, test = dir.appendingPathComponent("test.csv").path
        #expect(try CLIRun(["data", "generate", "credit", "--rows", "3000", "--seed", "1", "--out", train]).status == 0)
        #expect(try CLIRun(["data", "generate", "credit", "--rows", "1000", "--seed", "2", "--out", test]).status == 0)
        return (dir, train, test)
    }

    @Test("train writes a model; predict writes one row per input row; evaluate --json gives the task's metrics")
    func trainPredictEvaluate() throws {
        let (dir, train, test) = try Self.creditFiles()
        defer { try? FileManager.default.removeItem(at: dir) }
        let model = dir.appendingPathComponent("credit.apus").path
        let trained = try CLIRun(["train", train, "--target", "default", "--valid", test, "--ignore", "application_date",
                                  "--param", "num_iterations=30", "--out", model])
        #expect(trained.status == 0, "\(trained.error)")
        #expect(trained.output.contains("Trained a binary model on 3,000 rows × 14 features"))
        #expect(trained.output.contains("validation (1,000 rows): auc 0."))
        #expect(trained.output.contains("wrote \(model)"))
        #expect(trained.error.isEmpty, "no progress bar when piped: \(trained.error)")

        let predictions = dir.appendingPathComponent("predictions.csv").path
        let predicted = try CLIRun(["predict", model, test, "--id", "age", "--out", predictions])
        #expect(predicted.status == 0, "\(predicted.error)")
        let lines = try String(contentsOfFile: predictions, encoding: .utf8).split(separator: "\n")
        #expect(lines.count == 1_001)
        #expect(lines[0] == "age,prediction")
        let probability = try #require(Double(lines[1].split(separator: ",")[1]))
        #expect(probability > 0 && probability < 1)
        let raw = try CLIRun(["predict", model, test, "--raw"])
        #expect(raw.status == 0)
        let rawScore = try #require(Double(raw.output.split(separator: "\n")[1]))
        #expect(abs(1 / (1 + exp(-rawScore)) - probability) < 1e-12)

        let evaluated = try CLIRun(["evaluate", model, test, "--json"])
        #expect(evaluated.status == 0, "\(evaluated.error)")
        let metrics = try #require(try JSONSerialization.jsonObject(with: Data(evaluated.output.utf8)) as? [String: Double])
        #expect(Set(metrics.keys) == ["auc", "average_precision", "logloss", "brier", "accuracy", "precision", "recall", "f1"])
        #expect(metrics["auc"]! > 0.7)
        // The validation metrics printed by train are the test file's.
        #expect(trained.output.contains("auc \(String(format: "%.4f", metrics["auc"]!))"))
    }

    @Test("the same data and seed give a byte-identical model file with 1 and 2 threads")
    func byteIdenticalModels() throws {
        let (dir, train, _) = try Self.creditFiles()
        defer { try? FileManager.default.removeItem(at: dir) }
        var files: [Data] = []
        for threads in [1, 2] {
            let path = dir.appendingPathComponent("m\(threads).apus").path
            let run = try CLIRun(["train", train, "--target", "default", "--param", "num_iterations=15", "--param", "num_threads=\(threads)",
                                  "--param", "bagging_fraction=0.8", "--param", "bagging_freq=1", "--out", path])
            #expect(run.status == 0, "\(run.error)")
            files.append(try Data(contentsOf: URL(fileURLWithPath: path)))
        }
        #expect(files[0] == files[1] && files[0].count > 1_000)
    }

    @Test("multiclass predictions name the class and give one probability column per class")
    func multiclassPredictions() throws {
        let dir = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        var csv = "x,y,kind\n"
        for row in 0..<600 {
            let x = Double(row % 60) / 10
            csv += "\(x),\(row % 7),\(["low", "mid", "high"][min(2, Int(x / 2))])\n"
        }
        let data = dir.appendingPathComponent("kinds.csv").path
        try csv.write(toFile: data, atomically: true, encoding: .utf8)
        let model = dir.appendingPathComponent("kinds.apus").path
        let trained = try CLIRun(["train", data, "--target", "kind", "--param", "num_iterations=10", "--out", model])
        #expect(trained.status == 0, "\(trained.error)")
        #expect(trained.output.contains("Trained a multiclass model"))
        let predicted = try CLIRun(["predict", model, data])
        let lines = predicted.output.split(separator: "\n")
        #expect(lines[0] == "prediction,prob_high,prob_low,prob_mid")
        #expect(lines[1].hasPrefix("low,"))
        let cv = try CLIRun(["cv", data, "--target", "kind", "--folds", "3", "--param", "num_iterations=10", "--json"])
        #expect(cv.status == 0, "\(cv.error)")
        let object = try #require(try JSONSerialization.jsonObject(with: Data(cv.output.utf8)) as? [String: Any])
        let accuracy = try #require(object["multi_accuracy"] as? [String: Any])
        #expect((accuracy["folds"] as? [Double])?.count == 3)
        #expect((accuracy["mean"] as? Double ?? 0) > 0.9)
        #expect((object["run_id"] as? String)?.count == 32, "the cv is recorded as a run")
    }

    @Test("docs/parameters.md holds the table `apus params --markdown` prints")
    func parameterDocsAreCurrent() throws {
        let run = try CLIRun(["params", "--markdown"])
        #expect(run.status == 0)
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        let docs = try String(contentsOf: root.appendingPathComponent("docs/parameters.md"), encoding: .utf8)
        let marker = "<!-- generated: apus params --markdown -->\n"
        let generated = try #require(docs.range(of: marker)).upperBound
        #expect(String(docs[generated...]) == run.output, "regenerate the table in docs/parameters.md with `apus params --markdown`")
        #expect(run.output.contains("| `num_leaves` | `31` | an integer in 2...131072 | `num_leaf`, `max_leaves`, `max_leaf` |"))
    }

    @Test("bad input: each error names what is wrong, and nothing is written")
    func errors() throws {
        let (dir, train, test) = try Self.creditFiles()
        defer { try? FileManager.default.removeItem(at: dir) }
        let model = dir.appendingPathComponent("m.apus").path
        let noTarget = try CLIRun(["train", train, "--target", "defualt", "--out", model])
        #expect(noTarget.status != 0)
        #expect(noTarget.error.contains("the data has no target column `defualt` (did you mean `default`?)"))
        #expect(!FileManager.default.fileExists(atPath: model))
        let badParameter = try CLIRun(["train", train, "--target", "default", "--param", "num_leafs=3", "--out", model])
        #expect(badParameter.error.contains("unknown parameter `num_leafs` (did you mean `num_leaves`?)"))
        let outOfRange = try CLIRun(["train", train, "--target", "default", "--param", "feature_fraction=2", "--out", model])
        #expect(outOfRange.error.contains("parameter `feature_fraction`: `2` is not a number in (0, 1]"))
        let parameterFile = dir.appendingPathComponent("params.json").path
        try #"{"num_leaves": 7, "learning_rate": 0.2, "monotone_constraints": [0,0,0,0,0,0,0,0,0,0,0,0,0,0,0]}"#
            .write(toFile: parameterFile, atomically: true, encoding: .utf8)
        let withFile = try CLIRun(["train", train, "--target", "default", "--params", parameterFile, "--param", "num_iterations=5", "--out", model])
        #expect(withFile.status == 0, "\(withFile.error)")

        // Sample weights: a numeric column, not a feature; bad weights name their row.
        let weighted = dir.appendingPathComponent("weighted.csv").path
        var lines = try String(contentsOfFile: train, encoding: .utf8).split(separator: "\n").map(String.init)
        lines[0] += ",w"
        for index in 1..<lines.count { lines[index] += index % 2 == 0 ? ",1" : ",3" }
        try (lines.joined(separator: "\n") + "\n").write(toFile: weighted, atomically: true, encoding: .utf8)
        let withWeights = try CLIRun(["train", weighted, "--target", "default", "--weight", "w", "--param", "num_iterations=5", "--out", model])
        #expect(withWeights.status == 0, "\(withWeights.error)")
        #expect(withWeights.output.contains("rows × 15 features"), "the weight column is not a feature: \(withWeights.output)")
        let unweighted = try CLIRun(["train", weighted, "--target", "default", "--param", "num_iterations=5", "--out", model])
        #expect(unweighted.output.contains("rows × 16 features"))
        lines[5] = lines[5].split(separator: ",").dropLast().joined(separator: ",") + ",-2"
        try (lines.joined(separator: "\n") + "\n").write(toFile: weighted, atomically: true, encoding: .utf8)
        let negative = try CLIRun(["train", weighted, "--target", "default", "--weight", "w", "--out", model])
        #expect(negative.error.contains("weight column `w`, row 5: the weight is -2; weights must be finite and not negative"))
        let noColumn = try CLIRun(["train", weighted, "--target", "default", "--weight", "ww", "--out", model])
        #expect(noColumn.error.contains("the data has no weight column `ww` (did you mean `w`?)"))
        _ = try CLIRun(["train", train, "--target", "default", "--params", parameterFile, "--param", "num_iterations=5", "--out", model])

        // A prediction file missing a feature.
        let partial = dir.appendingPathComponent("partial.csv").path
        try "age,income\n30,50000\n".write(toFile: partial, atomically: true, encoding: .utf8)
        let missing = try CLIRun(["predict", model, partial])
        #expect(missing.error.contains("the model needs feature `debt_ratio`, which the input does not have"))
        // Evaluate needs the target.
        let noLabels = try CLIRun(["evaluate", model, partial])
        #expect(noLabels.error.contains("no target column `default`"))
        // A damaged model file.
        var bytes = try Data(contentsOf: URL(fileURLWithPath: model))
        bytes[bytes.count / 2] ^= 0xFF
        let damaged = dir.appendingPathComponent("damaged.apus").path
        try bytes.write(to: URL(fileURLWithPath: damaged))
        let corrupt = try CLIRun(["predict", damaged, test])
        #expect(corrupt.status != 0)
        #expect(corrupt.error.contains("corrupt model file"))
        let notAModel = try CLIRun(["evaluate", test, test])
        #expect(notAModel.error.contains("not an Apus model file"))
    }
}
