import ArgumentParser
import ApusService
import ApusStore
import ApusTable
import Foundation

/// `apus runs ...`: the recorded trainings and cross-validations.
struct RunsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "runs",
        abstract: "List, show and compare recorded runs (every train and cv is one).",
        subcommands: [RunsList.self, RunsShow.self, RunsCompare.self]
    )
}

/// `apus runs list`.
struct RunsList: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "list",
        abstract: "List runs, newest first.",
        discussion: """
        --filter takes MLflow's search syntax: conditions joined by `and`, each metrics.NAME, params.NAME or \
        tags.NAME, or status, kind, experiment, compared with =, !=, <, <=, >, >= to a number or 'quoted text'. \
        For example: --filter "metrics.auc > 0.8 and params.num_leaves = '31' and status = 'finished'".
        """
    )

    @Option(help: "Only runs of this experiment.")
    var experiment: String?

    @Option(help: "Only runs matching this filter (MLflow syntax; see above).")
    var filter: String?

    @Option(name: .customLong("order-by"), help: "start_time (default), metrics.NAME or params.NAME.")
    var orderBy: String?

    @Flag(name: .customLong("asc"), help: "Ascending order (the default is descending).")
    var ascending = false

    @Option(help: "At most this many runs.")
    var limit = 20

    @Option(help: "Metrics to show as columns (repeatable; default: a few of the runs' own).")
    var metric: [String] = []

    @Flag(help: "A JSON array of runs.")
    var json = false

    func validate() throws {
        guard limit > 0 else { throw ValidationError("--limit must be positive, got \(limit)") }
    }

    func run() throws {
        let store = try openStore(existing: true)
        _ = try store.reapAbandonedRuns()
        let query = RunQuery(experiment: experiment, filter: try filter.map(RunFilter.init(parsing:)) ?? RunFilter(),
                             orderBy: orderBy, ascending: ascending, limit: limit)
        let runs = try store.runs(query)
        if json {
            try printJSON(runs)
            return
        }
        guard !runs.isEmpty else {
            print(filter == nil && experiment == nil ? "no runs in \(store.location) yet: `apus train` records one" : "no runs match")
            return
        }
        let columns = metric.isEmpty ? Self.defaultMetrics(runs) : metric
        var table = TextTable(["run", "experiment", "kind", "status", "started (UTC)", "wall"] + columns,
                              rightAligned: Set(5..<(6 + columns.count)))
        for run in runs {
            table.add([String(run.id.prefix(12)), run.experiment, run.kind, run.status.rawValue, shortTime(run.startTime),
                       run.cost.map { formatSeconds($0.wallSeconds) } ?? "-"]
                      + columns.map { run.metrics[$0].map(formatMetric) ?? "-" })
        }
        print(table.text)
        if runs.count == limit { print("(the first \(limit); --limit shows more)") }
    }

    /// Up to three metrics the listed runs have most often, validation metrics first.
    static func defaultMetrics(_ runs: [RunRecord]) -> [String] {
        var counts: [String: Int] = [:]
        for run in runs {
            for key in run.metrics.keys where !key.hasPrefix("valid_") && !key.hasPrefix("fold_") && key != "training_seconds" {
                counts[key, default: 0] += 1
            }
        }
        let preferred = ["auc", "binary_logloss", "logloss", "multi_logloss", "rmse", "l2", "mae", "r2", "accuracy"]
        return counts.keys.sorted { a, b in
            let ra = preferred.firstIndex(of: a) ?? preferred.count, rb = preferred.firstIndex(of: b) ?? preferred.count
            return ra != rb ? ra < rb : (counts[a]! != counts[b]! ? counts[a]! > counts[b]! : a < b)
        }.prefix(3).map { $0 }
    }
}

/// `apus runs show RUN`.
struct RunsShow: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "show",
        abstract: "Show one run: status, origin, cost, parameters, metrics, inputs and artifacts."
    )

    @Argument(help: "The run's id, or a unique prefix of it (6 characters or more).")
    var id: String

    @Flag(help: "One JSON object.")
    var json = false

    func run() throws {
        let store = try openStore(existing: true)
        _ = try store.reapAbandonedRuns()
        let record = try store.run(id)
        if json {
            try printJSON(record)
            return
        }
        print(Self.render(record, store: store))
    }

    static func render(_ run: RunRecord, store: any Store) -> String {
        var lines = ["run \(run.id)"]
        lines.append("  experiment   \(run.experiment) (\(run.kind))")
        lines.append("  status       \(run.status.rawValue)" + (run.statusMessage.map { ": \($0)" } ?? ""))
        lines.append("  started      \(run.startTime)" + (run.endTime.map { "   ended \($0)" } ?? ""))
        lines.append("  by           \(run.origin.user) on \(run.origin.host) (pid \(run.origin.pid)), Apus \(run.origin.apusVersion)"
            + (run.origin.gitCommit.map { ", git \($0)" } ?? ""))
        if let seed = run.seed { lines.append("  seed         \(seed)") }
        if let cost = run.cost {
            lines.append("  cost         wall \(formatSeconds(cost.wallSeconds)), cpu \(formatSeconds(cost.cpuSeconds)), "
                + "peak memory \(formatBytes(cost.peakMemoryBytes)), energy ≈ \(NumberFormatting.formatFixed(cost.energyJoules, decimals: 1)) J (\(cost.energyMethod))")
        }
        if !run.tags.isEmpty {
            lines.append("  tags         " + run.tags.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: ", "))
        }
        for input in run.inputs {
            lines.append("  input        \(input.role): \(input.path), \(formatCount(input.rows)) rows, \(input.fingerprint)")
        }
        for (name, sha256) in run.artifacts.sorted(by: { $0.key < $1.key }) {
            lines.append("  artifact     \(name)  sha256:\(sha256)")
        }
        if !run.metrics.isEmpty {
            lines.append("metrics (last step)")
            let width = run.metrics.keys.map(\.count).max() ?? 0
            for (key, value) in run.metrics.sorted(by: { $0.key < $1.key }) {
                lines.append("  \(key)\(String(repeating: " ", count: width - key.count))  \(formatMetric(value))")
            }
        }
        if !run.parameters.isEmpty {
            lines.append("parameters")
            let width = run.parameters.keys.map(\.count).max() ?? 0
            for (key, value) in run.parameters.sorted(by: { $0.key < $1.key }) {
                lines.append("  \(key)\(String(repeating: " ", count: width - key.count))  \(value.isEmpty ? "\"\"" : value)")
            }
        }
        return lines.joined(separator: "\n")
    }
}

/// `apus runs compare RUN RUN`.
struct RunsCompare: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "compare",
        abstract: "Compare runs side by side: parameters and metrics, differences marked with *.",
        discussion: "Give two or more runs. Rows that differ are marked `*`; --all shows equal parameters too."
    )

    @Argument(help: "The runs (ids or unique prefixes).")
    var runs: [String]

    @Flag(help: "Show parameters that are the same in every run too.")
    var all = false

    @Flag(help: "One JSON object: the runs, and which parameters and metrics differ.")
    var json = false

    func validate() throws {
        guard runs.count >= 2 else { throw ValidationError("give at least two runs to compare") }
    }

    struct Comparison: Encodable {
        var runs: [RunRecord]
        var differentParameters: [String]
        var differentMetrics: [String]
    }

    func run() throws {
        let store = try openStore(existing: true)
        let records = try runs.map { try store.run($0) }
        let parameterKeys = Set(records.flatMap(\.parameters.keys)).sorted()
        let metricKeys = Set(records.flatMap(\.metrics.keys)).sorted()
        func differs(_ values: [String?]) -> Bool { Set(values.map { $0 ?? "\u{0}" }).count > 1 }
        let differentParameters = parameterKeys.filter { key in differs(records.map { $0.parameters[key] }) }
        let differentMetrics = metricKeys.filter { key in differs(records.map { $0.metrics[key].map(NumberFormatting.shortest) }) }
        if json {
            try printJSON(Comparison(runs: records, differentParameters: differentParameters, differentMetrics: differentMetrics))
            return
        }
        let headers = [""] + records.map { String($0.id.prefix(12)) }
        var table = TextTable(["  "] + headers, rightAligned: Set(2..<(2 + records.count)))
        func section(_ title: String) { table.add(["", title] + records.map { _ in "" }) }
        section("experiment / kind")
        table.add([differs(records.map { $0.experiment + "/" + $0.kind }) ? "*" : "", "  run"] + records.map { "\($0.experiment)/\($0.kind)" })
        table.add([differs(records.map { $0.status.rawValue }) ? "*" : "", "  status"] + records.map(\.status.rawValue))
        for role in Set(records.flatMap { $0.inputs.map(\.role) }).sorted() {
            let values = records.map { run in run.inputs.first { $0.role == role }.map { String($0.fingerprint.prefix(19)) } }
            table.add([differs(values) ? "*" : "", "  \(role) data"] + values.map { $0 ?? "-" })
        }
        section("metrics")
        for key in metricKeys {
            table.add([differentMetrics.contains(key) ? "*" : "", "  \(key)"] + records.map { $0.metrics[key].map(formatMetric) ?? "-" })
        }
        section("parameters" + (all ? "" : " (those that differ)"))
        for key in parameterKeys where all || differentParameters.contains(key) {
            table.add([differentParameters.contains(key) ? "*" : "", "  \(key)"] + records.map { $0.parameters[key] ?? "-" })
        }
        if !all && differentParameters.isEmpty { table.add(["", "  (all \(parameterKeys.count) equal)"] + records.map { _ in "" }) }
        print(table.text)
    }
}
