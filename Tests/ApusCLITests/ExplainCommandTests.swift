import ApusTable
import Foundation
import Testing

/// `apus explain` and `apus importance` on a trained credit model: every method's values
/// add up to `apus predict --raw`, the interaction and LIME tables, reason codes, every plot,
/// and the refusals.
@Suite("apus explain")
struct ExplainCommandTests {
    /// A workspace with `credit.apus` trained (binary; 14 features, 5 categorical).
    static func workspace() throws -> StoreWorkspace {
        let work = try StoreWorkspace(rows: 1500)
        #expect(try work.train(["--out", "credit.apus"], leaves: 15).status == 0)
        return work
    }

    static func read(_ work: StoreWorkspace, _ file: String) throws -> Table {
        try CSVReader.read(path: work.directory.appendingPathComponent(file).path).table
    }

    static func numbers(_ table: Table, _ name: String) throws -> [Double] {
        guard case .numeric(let column) = try table.column(named: name) else { throw CLIFailure("\(name) is not numeric") }
        return column.values
    }

    static func texts(_ table: Table, _ name: String) throws -> [String?] {
        switch try table.column(named: name) {
        case .text(let column): (0..<table.rowCount).map { column[$0] }
        case .categorical(let column): (0..<table.rowCount).map { column[$0] }
        default: throw CLIFailure("\(name) is not text")
        }
    }

    /// Each row of `file`'s feature columns and bias added up, against the raw scores.
    static func expectAddsUpToRawScores(_ work: StoreWorkspace, _ file: String, tolerance: Double) throws {
        #expect(try work.apus(["predict", "credit.apus", work.test, "--raw", "--out", "raw.csv"]).status == 0)
        let raw = try numbers(try read(work, "raw.csv"), "prediction")
        let values = try read(work, file)
        let summed = values.columnNames.filter { !$0.hasPrefix("reason_") && $0 != "id" }
        #expect(summed.count == 15, "\(values.columnNames)")
        var sums = [Double](repeating: 0, count: values.rowCount)
        for name in summed {
            for (row, value) in try numbers(values, name).enumerated() { sums[row] += value }
        }
        #expect(sums.count == raw.count)
        let worst = zip(sums, raw).map { abs($0 - $1) }.max() ?? .infinity
        #expect(worst <= tolerance, "\(file): largest gap \(worst)")
    }

    @Test func everyMethodsValuesAddUpToTheRawScore() throws {
        let work = try Self.workspace()
        defer { work.remove() }
        let tree = try work.apus(["explain", "credit.apus", work.test, "--out", "tree.csv", "--id", "age", "--reasons", "2"])
        #expect(tree.status == 0, "\(tree.error)")
        #expect(tree.output.contains("wrote the SHAP values of 500 rows to tree.csv"))
        let table = try Self.read(work, "tree.csv")
        #expect(Array(table.columnNames.prefix(2)) == ["id", "age"])
        #expect(Array(table.columnNames.suffix(3)) == ["bias", "reason_1", "reason_2"])
        let ages = try Self.numbers(try CSVReader.read(path: work.test).table, "age")
        #expect(try zip(Self.numbers(table, "id"), ages).allSatisfy { $0 == $1 || ($0.isNaN && $1.isNaN) })
        let reasons = try Self.texts(table, "reason_1").compactMap { $0 }
        #expect(!reasons.isEmpty && reasons.allSatisfy { $0.contains(" raised the risk by ") && $0.hasSuffix(" log-odds") }, "\(reasons.prefix(3))")
        try Self.expectAddsUpToRawScores(work, "tree.csv", tolerance: 1e-9)
        for (method, extra, tolerance) in [("interventional", [String](), 1e-9), ("kernel", ["--samples", "300", "--background-rows", "10", "--reasons", "1"], 1e-6)] {
            let run = try work.apus(["explain", "credit.apus", work.test, "--method", method, "--background", work.train, "--out", "\(method).csv"] + extra)
            #expect(run.status == 0, "\(method): \(run.error)")
            if method == "kernel" {
                let reasons = try Self.texts(try Self.read(work, "kernel.csv"), "reason_1").compactMap { $0 }
                #expect(!reasons.isEmpty && reasons.allSatisfy { $0.contains(" raised the risk by ") }, "\(reasons.prefix(2))")
            }
            try Self.expectAddsUpToRawScores(work, "\(method).csv", tolerance: tolerance)
        }
        let threshold = try work.apus(["explain", "credit.apus", work.test, "--threshold", "0.3", "--background", work.train, "--out", "threshold.csv", "--reasons", "1"])
        #expect(threshold.status == 0, "\(threshold.error)")
        try Self.expectAddsUpToRawScores(work, "threshold.csv", tolerance: 1e-9)
        // Against the rows nearest the threshold, the bias is their mean raw score: near logit(0.3).
        let bias = try Self.numbers(try Self.read(work, "threshold.csv"), "bias")[0]
        #expect(abs(bias - log(0.3 / 0.7)) < 0.5, "bias \(bias)")
        // With --background-rows 10: the mean raw score of the 10 training rows whose
        // probability is nearest 0.3 (ties by row), picked here from `apus predict`.
        let ten = try work.apus(["explain", "credit.apus", work.test, "--threshold", "0.3", "--background", work.train,
                                 "--background-rows", "10", "--out", "ten.csv"])
        #expect(ten.status == 0, "\(ten.error)")
        #expect(try work.apus(["predict", "credit.apus", work.train, "--out", "p.csv"]).status == 0)
        #expect(try work.apus(["predict", "credit.apus", work.train, "--raw", "--out", "r.csv"]).status == 0)
        let probabilities = try Self.numbers(try Self.read(work, "p.csv"), "prediction")
        let raws = try Self.numbers(try Self.read(work, "r.csv"), "prediction")
        let nearest = probabilities.indices.sorted {
            abs(probabilities[$0] - 0.3) != abs(probabilities[$1] - 0.3) ? abs(probabilities[$0] - 0.3) < abs(probabilities[$1] - 0.3) : $0 < $1
        }.prefix(10)
        let expected = nearest.map { raws[$0] }.reduce(0, +) / 10
        let tenBias = try Self.numbers(try Self.read(work, "ten.csv"), "bias")[0]
        #expect(abs(tenBias - expected) < 1e-9, "bias \(tenBias), expected \(expected)")
    }

    @Test func interactionsAndLIMETables() throws {
        let work = try Self.workspace()
        defer { work.remove() }
        let interactions = try work.apus(["explain", "credit.apus", work.test, "--interactions", "--out", "interactions.csv"])
        #expect(interactions.status == 0, "\(interactions.error)")
        let table = try Self.read(work, "interactions.csv")
        #expect(table.rowCount == 500 * 15)
        #expect(table.columnNames.first == "feature" && table.columnNames.last == "bias" && table.columnCount == 16)
        let features = try Self.texts(table, "feature")
        #expect(features[0] == "age" && features[14] == "bias" && features[15] == "age")
        // A row's lines add up to its raw score.
        #expect(try work.apus(["predict", "credit.apus", work.test, "--raw", "--out", "raw.csv"]).status == 0)
        let raw = try Self.numbers(try Self.read(work, "raw.csv"), "prediction")
        var total = 0.0
        for name in table.columnNames.dropFirst() { total += try Self.numbers(table, name)[0..<15].reduce(0, +) }
        #expect(abs(total - raw[0]) < 1e-9, "\(total) vs \(raw[0])")

        let lime = try work.apus(["explain", "credit.apus", work.test, "--method", "lime", "--samples", "500", "--out", "lime.csv", "--seed", "3"])
        #expect(lime.status == 0, "\(lime.error)")
        let limeTable = try Self.read(work, "lime.csv")
        #expect(Array(limeTable.columnNames.suffix(5)) == ["intercept", "local_prediction", "prediction", "r2", "conditions"])
        let probabilities = try Self.numbers(limeTable, "prediction")
        #expect(probabilities.allSatisfy { $0 > 0 && $0 < 1 })
        #expect(try Self.texts(limeTable, "conditions")[0]?.contains(";") == true)
        // Seeded: the same explanations again.
        #expect(try work.apus(["explain", "credit.apus", work.test, "--method", "lime", "--samples", "500", "--out", "again.csv", "--seed", "3"]).status == 0)
        #expect(try String(contentsOf: work.directory.appendingPathComponent("lime.csv"), encoding: .utf8)
                == String(contentsOf: work.directory.appendingPathComponent("again.csv"), encoding: .utf8))
    }

    @Test func everyPlotIsWritten() throws {
        let work = try Self.workspace()
        defer { work.remove() }
        for (plot, marker) in [("summary", "SHAP value (impact on model output, log-odds)"), ("importance", "mean |SHAP value|"),
                               ("waterfall:7", "Row 7"), ("dependence:utilization", "utilization"),
                               ("pdp:interest_rate", "Partial dependence on interest_rate"), ("pdp:housing", "housing")] {
            let run = try work.apus(["explain", "credit.apus", work.test, "--plot", plot, "--out", "plot.svg"])
            #expect(run.status == 0, "\(plot): \(run.error)")
            let svg = try String(contentsOf: work.directory.appendingPathComponent("plot.svg"), encoding: .utf8)
            #expect(svg.hasPrefix("<svg") || svg.hasPrefix("<?xml"), "\(plot)")
            #expect(svg.contains(marker), "\(plot) lacks \(marker)")
        }
    }

    /// A waterfall of one row by interventional TreeSHAP is relative to the data, not to the
    /// row itself: E[f(X)] and f(x) differ.
    @Test func anInterventionalWaterfallIsRelativeToTheData() throws {
        let work = try Self.workspace()
        defer { work.remove() }
        let run = try work.apus(["explain", "credit.apus", work.test, "--method", "interventional", "--plot", "waterfall:7", "--out", "w.svg"])
        #expect(run.status == 0, "\(run.error)")
        let svg = try String(contentsOf: work.directory.appendingPathComponent("w.svg"), encoding: .utf8)
        func label(_ prefix: String) -> String? {
            guard let start = svg.range(of: prefix) else { return nil }
            return String(svg[start.upperBound...].prefix { $0 != "<" && $0 != " " })
        }
        let expected = label("E[f(X)] = "), score = label("f(x) = ")
        #expect(expected != nil && score != nil && expected != score, "E[f(X)] = \(expected ?? "?"), f(x) = \(score ?? "?")")
    }

    @Test func badInputIsRefusedByName() throws {
        let work = try Self.workspace()
        defer { work.remove() }
        let lacking = work.directory.appendingPathComponent("lacking.csv").path
        let test = try String(contentsOfFile: work.test, encoding: .utf8)
        // The background without its `utilization` column.
        let lines = test.split(separator: "\n").map { line in
            var fields = line.split(separator: ",", omittingEmptySubsequences: false)
            fields.remove(at: 3)
            return fields.joined(separator: ",")
        }
        try lines.joined(separator: "\n").write(toFile: lacking, atomically: true, encoding: .utf8)
        #expect(test.split(separator: "\n")[0].split(separator: ",")[3] == "utilization")
        let cases: [([String], String)] = [
            (["--plot", "waterfall:500", "--out", "x.svg"], "row 500 is out of range: the data has 500 rows, numbered from 0 to 499"),
            (["--plot", "pdp:utilisation", "--out", "x.svg"], "the model has no feature `utilisation`; did you mean `utilization`?"),
            (["--plot", "beeswarm", "--out", "x.svg"], "--plot is `beeswarm`; it takes summary, importance"),
            (["--method", "interventional", "--background", lacking, "--out", "x.csv"], "the background: "),
            (["--method", "magic"], "magic"),
            (["--interactions", "--method", "kernel"], "--interactions needs --method tree"),
            (["--reasons", "2", "--method", "lime"], "--reasons needs SHAP values"),
            (["--adverse", "maybe", "--reasons", "1"], "--adverse is `maybe`, which the model does not know"),
            (["--class", "1", "--method", "lime"], "--class is for multiclass models"),
        ]
        for (arguments, message) in cases {
            let run = try work.apus(["explain", "credit.apus", work.test] + arguments)
            #expect(run.status != 0, "\(arguments) was accepted")
            #expect(run.error.contains(message), "\(arguments): \(run.error)")
        }
        let missing = try work.apus(["explain", "credit.apus", lacking])
        #expect(missing.status != 0 && missing.error.contains("utilization"), "\(missing.error)")
    }

    @Test func importanceRanksByMeanSHAPAndPermutation() throws {
        let work = try Self.workspace()
        defer { work.remove() }
        let text = try work.apus(["importance", "credit.apus", work.test])
        #expect(text.status == 0, "\(text.error)")
        #expect(text.output.contains("Feature importance of the binary model on 500 rows; permutation: logloss"))
        #expect(text.output.contains("mean |SHAP|") && text.output.contains("permutation"))
        let json = try #require(try work.json(["importance", "credit.apus", work.test, "--repeats", "3", "--metric", "auc"]) as? [String: Any])
        #expect(json["metric"] as? String == "auc")
        #expect(json["repeats"] as? Int == 3)
        let features = try #require(json["features"] as? [[String: Any]])
        #expect(features.count == 14)
        let shap = features.compactMap { $0["mean_abs_shap"] as? Double }
        #expect(shap == shap.sorted(by: >), "ranked by mean |SHAP|")
        #expect(features.allSatisfy { $0["permutation_std"] is Double })
        #expect(try work.apus(["importance", "credit.apus", work.test, "--repeats", "0"]).error.contains("--repeats must be at least 1"))
    }
}

struct CLIFailure: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}
