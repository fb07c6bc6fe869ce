import ApusModel
import ApusServe
import ApusService
import ApusStore
import ApusTable
import ApusTrain
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Logging
import Testing

/// A store with registered models, built once per test process:
/// - `credit-risk` (binary, the credit scenario): version 1 @champion, version 2 @challenger;
/// - `demand` (regression, the demand scenario): version 1 @champion;
/// - `species` (multiclass, three classes, one categorical feature): version 1 @champion.
final class ServeFixture: Sendable {
    let directory: String
    let store: any Store
    /// The credit data's first rows, as JSON objects of feature values (target left out).
    let creditRows: [[String: FeatureValue]]
    let creditModel: Model
    let creditChallenger: Model
    let speciesModel: Model

    static let shared: Result<ServeFixture, any Error> = Result { try ServeFixture() }

    static func get() throws -> ServeFixture { try shared.get() }

    private init() throws {
        directory = NSTemporaryDirectory() + "apus-serve-tests-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        store = try SQLiteStore(directory: directory + "/store", actor: "serve-test", apusVersion: apusVersion)

        let credit = directory + "/credit.csv"
        try SyntheticData.write(.credit, rows: 3_000, seed: 11, to: credit)
        creditModel = try Self.train(credit, target: "default", name: "credit-risk", alias: "champion", store: store,
                                     ignore: ["application_date"], parameters: ["num_iterations=30"])
        creditChallenger = try Self.train(credit, target: "default", name: "credit-risk", alias: "challenger", store: store,
                                          ignore: ["application_date"], parameters: ["num_iterations=20", "num_leaves=7"])
        let demand = directory + "/demand.csv"
        try SyntheticData.write(.demand, rows: 2_000, seed: 5, to: demand)
        let demandTable = try CSVReader.read(path: demand).table
        let demandIgnored = demandTable.columnNames.filter { name in
            if case .timestamp = demandTable[name]! { return true }
            if case .text = demandTable[name]! { return true }
            return false
        }
        _ = try Self.train(demand, target: SyntheticScenario.demand.targetColumn, name: "demand", alias: "champion", store: store,
                           ignore: demandIgnored, parameters: ["num_iterations=20"])
        let species = directory + "/species.csv"
        try Self.writeSpecies(to: species)
        speciesModel = try Self.train(species, target: "species", name: "species", alias: "champion", store: store,
                                      ignore: [], parameters: ["num_iterations=10", "min_data_in_leaf=5"])

        let table = try CSVReader.read(path: credit).table
        let creditFeatures = creditModel.schema.features
        creditRows = (0..<20).map { row in
            var record: [String: FeatureValue] = [:]
            for feature in creditFeatures {
                let column = table[feature.name]!
                if column.isMissing(row) {
                    record[feature.name] = .missing
                } else if let numbers = column.numeric {
                    record[feature.name] = .number(numbers[row]!)
                } else if case .boolean(let flags) = column {
                    record[feature.name] = .number(flags[row]! ? 1 : 0)
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
        request.parameterAssignments = parameters + ["num_threads=1"]
        var options = RunOptions()
        options.modelName = name
        options.aliases = [alias]
        options.reason = "fixture"
        return try TrainingRuns.train(request, options: options, store: store).outcome.model
    }

    /// 300 rows: two numeric measurements and a colour; the species follows from them.
    private static func writeSpecies(to path: String) throws {
        var lines = ["petal,sepal,colour,species"]
        var state: UInt64 = 99
        func next() -> Double {
            state = state &* 6364136223846793005 &+ 1442695040888963407
            return Double(state >> 11) / Double(1 << 53)
        }
        let names = ["setosa", "versicolor", "virginica"]
        let colours = ["white", "blue", "purple"]
        for row in 0..<300 {
            let kind = row % 3
            let petal = Double(kind) * 2 + next() * 1.5
            let sepal = 5 + next() * 2
            lines.append("\(petal),\(sepal),\(colours[(kind + (next() < 0.2 ? 1 : 0)) % 3]),\(names[kind])")
        }
        try lines.joined(separator: "\n").write(toFile: path, atomically: true, encoding: .utf8)
    }

    /// A server over the fixture's store.
    func server(_ configure: (inout ServeConfiguration) -> Void = { _ in }) throws -> ApusServer {
        var configuration = ServeConfiguration()
        configuration.port = 0
        configure(&configuration)
        let directory = self.directory
        var logger = Logger(label: "apus.serve.test")
        logger.logLevel = .critical
        return try ApusServer(
            configuration: configuration, store: store,
            openStore: { actor in try SQLiteStore(directory: directory + "/store", actor: actor, apusVersion: apusVersion) },
            logger: logger)
    }

    /// The credit rows as a `{"rows": [...]}` body.
    func creditBody(rows: Range<Int> = 0..<1, explain: Bool = false) -> String {
        let objects = creditRows[rows].map(Self.jsonObject)
        return "{\"rows\":[\(objects.joined(separator: ","))]\(explain ? ",\"explain\":true" : "")}"
    }

    static func jsonObject(_ record: [String: FeatureValue]) -> String {
        "{" + record.sorted { $0.key < $1.key }.map { "\"\($0.key)\":\(json($0.value))" }.joined(separator: ",") + "}"
    }

    static func json(_ value: FeatureValue) -> String {
        switch value {
        case .missing: "null"
        case .number(let number): "\(number)"
        case .string(let text): "\"\(text)\""
        }
    }

    /// What the model predicts for credit rows, computed without the server.
    func expectedCredit(_ rows: Range<Int>, model: Model? = nil) throws -> [Double] {
        let model = model ?? creditModel
        let features = try creditRows[rows].flatMap { try model.schema.encode(record: $0) }
        return try model.ensemble.predict(features: features, threads: 1)
    }
}

/// Checks an OpenAPI document with the reference validator (pip install
/// openapi-spec-validator; .ci/run installs it).
func expectValidOpenAPI(_ text: String, sourceLocation: SourceLocation = #_sourceLocation) throws {
    let file = NSTemporaryDirectory() + "apus-openapi-\(UUID().uuidString).json"
    try text.write(toFile: file, atomically: true, encoding: .utf8)
    defer { try? FileManager.default.removeItem(atPath: file) }
    let process = Process()
    process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
    process.arguments = ["python3", "-c", "import json,sys; from openapi_spec_validator import validate; validate(json.load(open(sys.argv[1]))); print('valid')", file]
    let output = Pipe()
    process.standardOutput = output
    process.standardError = output
    try process.run()
    process.waitUntilExit()
    let printed = String(decoding: output.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
    #expect(process.terminationStatus == 0, "openapi-spec-validator: \(printed)", sourceLocation: sourceLocation)
    #expect(printed.contains("valid"), sourceLocation: sourceLocation)
}

/// Parses a response body as a JSON object.
func jsonObject(_ body: ByteBuffer) throws -> [String: Any] {
    let object = try JSONSerialization.jsonObject(with: Data(buffer: body), options: [.fragmentsAllowed])
    guard let dictionary = object as? [String: Any] else {
        throw TestFailure("not a JSON object: \(String(buffer: body))")
    }
    return dictionary
}

/// A member of a JSON object response body (nil when the body is not one).
func field(_ body: ByteBuffer, _ name: String) -> Any? {
    (try? jsonObject(body))?[name]
}

struct TestFailure: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}

extension ByteBuffer {
    init(text: String) { self.init(string: text) }
}

let jsonHeaders: HTTPFields = [.contentType: "application/json"]
