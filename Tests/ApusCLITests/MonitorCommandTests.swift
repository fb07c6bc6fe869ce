import ApusTable
import Foundation
import Testing

/// `apus monitor`: against the profile training stored (registry version or model file) and
/// against a reference file, the HTML page and the JSON, exit status 3 on drift, and the refusals.
@Suite("apus monitor")
struct MonitorCommandTests {
    /// The workspace's test rows with income cut by 40% and utilization raised by 0.3.
    static func writeShifted(_ work: StoreWorkspace) throws -> String {
        let table = try CSVReader.read(path: work.test).table
        var columns: [(name: String, column: Column)] = []
        for (name, column) in zip(table.columnNames, table.columns) {
            if let values = column.numeric, name == "income" || name == "utilization" {
                let shifted = values.values.map { name == "income" ? $0 * 0.6 : $0 + 0.3 }
                columns.append((name, .numeric(NumericColumn(shifted))))
            } else {
                columns.append((name, column))
            }
        }
        let path = work.directory.appendingPathComponent("shifted.csv").path
        try CSVWriter.write(try Table(columns), to: path)
        return path
    }

    @Test func theStoredProfileIsTheDefaultReferenceAndDriftExitsWith3() throws {
        let work = try StoreWorkspace()
        defer { work.remove() }
        #expect(try work.train(["--name", "credit", "--alias", "champion", "--out", "credit.apus"]).status == 0)

        let same = try work.apus(["monitor", "credit@champion", "--current", work.test, "--json"])
        #expect(same.status == 0, "\(same.error)")
        let report = try #require(try JSONSerialization.jsonObject(with: Data(same.output.utf8)) as? [String: Any])
        #expect((report["reference"] as? [String: Any])?["source"] as? String == "profile")
        #expect(report["alert"] as? Bool == false)
        let features = try #require(report["features"] as? [String: [String: Any]])
        #expect(features["income"]?["test"] as? String == "ks")
        #expect(features["income"]?["approximate"] as? Bool == true)
        #expect(features["employment_type"]?["test"] as? String == "chisquare")

        let shifted = try Self.writeShifted(work)
        let drift = try work.apus(["monitor", "credit@champion", "--current", shifted, "--out", "report.html"])
        #expect(drift.status == 3, "\(drift.error)")
        #expect(drift.output.contains("wrote the monitoring report to report.html (drift: "))
        let html = try String(contentsOf: work.directory.appendingPathComponent("report.html"), encoding: .utf8)
        #expect(html.hasPrefix("<!DOCTYPE html>"))
        #expect(html.contains("Drift detected"))
        #expect(html.contains("income"))
        #expect(!html.contains("<script"))

        // The model file finds its run's profile by its bytes.
        let file = try work.apus(["monitor", "credit.apus", "--current", shifted, "--out", "report.json"])
        #expect(file.status == 3, "\(file.error)")
        let json = try #require(try JSONSerialization.jsonObject(
            with: Data(contentsOf: work.directory.appendingPathComponent("report.json"))) as? [String: Any])
        let moved = try #require(json["features"] as? [String: [String: Any]])
        #expect(moved["income"]?["drifted"] as? Bool == true)
        #expect(moved["utilization"]?["drifted"] as? Bool == true)
    }

    @Test func aReferenceFileRunsTheExactTestsWithLabelsAndFairness() throws {
        let work = try StoreWorkspace()
        defer { work.remove() }
        #expect(try work.train(["--out", "credit.apus"]).status == 0)
        let run = try work.apus(["monitor", "credit.apus", "--reference", work.train, "--current", work.test,
                                 "--labels", "default", "--sensitive", "region", "--json"])
        #expect(run.status == 0 || run.status == 3, "\(run.error)")
        let report = try #require(try JSONSerialization.jsonObject(with: Data(run.output.utf8)) as? [String: Any])
        let features = try #require(report["features"] as? [String: [String: Any]])
        #expect(features["income"]?["approximate"] as? Bool == false)
        #expect(features["income"]?["ks_p_value"] is Double)
        let performance = try #require(report["performance"] as? [String: Any])
        #expect((performance["current"] as? [String: Any])?["labelled"] as? Int == 500)
        #expect((performance["windows"] as? [Any])?.count == 10)
        #expect(performance["estimated"] != nil)
        let fairness = try #require(report["fairness"] as? [String: Any])
        #expect(fairness["sensitive"] as? String == "region")
        #expect(((fairness["groups"] as? [Any])?.count ?? 0) >= 2)
        #expect(fairness["demographic_parity_difference"] is Double)
    }

    @Test func refusalsNameTheProblem() throws {
        let work = try StoreWorkspace(rows: 600)
        defer { work.remove() }
        #expect(try work.train(["--out", "credit.apus"]).status == 0)
        let both = try work.apus(["monitor", "credit.apus", "--current", work.test, "--since", "24h"])
        #expect(both.status != 0 && both.status != 3)
        #expect(both.error.contains("--since and --until read the prediction log"))
        let labels = try work.apus(["monitor", "credit.apus", "--current", work.test, "--labels", "defualt", "--json"])
        #expect(labels.error.contains("the current data has no labels column `defualt` (did you mean `default`?)"), "\(labels.error)")
        let log = try work.apus(["monitor", "credit.apus"])
        #expect(log.error.contains("is a model file, which has no prediction log"), "\(log.error)")
        let other = ["APUS_STORE": work.directory.appendingPathComponent("other").path]
        let noStore = try work.apus(["monitor", "credit.apus", "--current", work.test], environment: other)
        #expect(noStore.status != 0 && noStore.status != 3)
        #expect(noStore.error.contains("there is no store at"), "\(noStore.error)")
        // A store whose runs trained other models: the file's run, and so its profile, is not there.
        #expect(try work.train(["--out", "other.apus"], leaves: 5, environment: other).status == 0)
        let noRun = try work.apus(["monitor", "credit.apus", "--current", work.test], environment: other)
        #expect(noRun.status != 0 && noRun.status != 3)
        #expect(noRun.error.contains("trained the model file") && noRun.error.contains("no stored reference profile"), "\(noRun.error)")
    }
}
