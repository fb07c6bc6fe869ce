@testable import ApusMCP
import ApusModel
import ApusService
import ApusStore
import ApusTable
import ApusTrain
import Foundation
import MCP
import Testing

/// A store with registered models, built once per test process:
/// - `credit-risk` (binary): version 1 @champion, version 2 @challenger, both with validation metrics;
/// - `species` (multiclass, one categorical feature): version 1 @champion.
final class AgentFixture: Sendable {
    let directory: String
    let store: any Store
    /// The credit data's first rows, as tool arguments.
    let creditRows: [[String: Value]]
    let creditModel: Model

    static let shared: Result<AgentFixture, any Error> = Result { try AgentFixture() }
    static func get() throws -> AgentFixture { try shared.get() }

    private init() throws {
        directory = NSTemporaryDirectory() + "apus-mcp-tests-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        store = try SQLiteStore(directory: directory + "/store", actor: "mcp-test", apusVersion: apusVersion)
        let credit = directory + "/credit.csv"
        try SyntheticData.write(.credit, rows: 3_000, seed: 11, to: credit)
        creditModel = try Self.train(credit, target: "default", name: "credit-risk", alias: "champion", store: store,
                                     ignore: ["application_date"], parameters: ["num_iterations=30"])
        _ = try Self.train(credit, target: "default", name: "credit-risk", alias: "challenger", store: store,
                           ignore: ["application_date"], parameters: ["num_iterations=20", "num_leaves=7"])
        let species = directory + "/species.csv"
        var lines = ["petal,sepal,colour,species"]
        let names = ["setosa", "versicolor", "virginica"], colours = ["white", "blue", "purple"]
        for row in 0..<300 {
            let kind = row % 3, jitter = Double((row * 7919) % 100) / 100
            lines.append("\(Double(kind) * 2 + jitter * 1.5),\(5 + jitter * 2),\(colours[(kind + (row % 5 == 0 ? 1 : 0)) % 3]),\(names[kind])")
        }
        try lines.joined(separator: "\n").write(toFile: species, atomically: true, encoding: .utf8)
        _ = try Self.train(species, target: "species", name: "species", alias: "champion", store: store,
                           ignore: [], parameters: ["num_iterations=10", "min_data_in_leaf=5"])
        _ = try store.updateModel("credit-risk", description: "Probability of default within 12 months", setTags: ["team": "risk"],
                              removeTags: [], reason: "fixture")

        let table = try CSVReader.read(path: credit).table
        let features = creditModel.schema.features
        creditRows = (0..<5).map { row in
            var record: [String: Value] = [:]
            for feature in features {
                let column = table[feature.name]!
                if column.isMissing(row) {
                    record[feature.name] = .null
                } else if let numbers = column.numeric {
                    record[feature.name] = .double(numbers[row]!)
                } else if case .boolean(let flags) = column {
                    record[feature.name] = .bool(flags[row]!)
                } else {
                    record[feature.name] = .string(column.formattedValue(at: row)!)
                }
            }
            return record
        }
    }

    private static func train(_ path: String, target: String, name: String, alias: String, store: any Store,
                              ignore: [String], parameters: [String]) throws -> Model {
        var request = TrainingRequest(dataPath: path, target: target)
        request.ignoredColumns = ignore
        request.validationFraction = 0.2
        request.parameterAssignments = parameters + ["num_threads=1"]
        var options = RunOptions()
        options.modelName = name
        options.aliases = [alias]
        options.reason = "fixture"
        return try TrainingRuns.train(request, options: options, store: store).outcome.model
    }

    /// Tools over the fixture's store.
    func tools(_ options: AgentServerOptions = AgentServerOptions(serverVersion: "test")) -> AgentTools {
        let directory = self.directory, store = self.store
        return AgentTools(options: options, store: { store },
                          openStore: { actor in try SQLiteStore(directory: directory + "/store", actor: actor, apusVersion: apusVersion) })
    }
}

extension CallTool.Result {
    /// The text of the first content block.
    var text: String {
        if case .text(let text, _, _)? = content.first { return text }
        return ""
    }
}
