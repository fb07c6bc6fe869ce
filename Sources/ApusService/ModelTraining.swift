import ApusModel
import ApusMonitor
import ApusStore
import ApusTable
import ApusTrain
import Foundation

/// What `apus train` asks for.
public struct TrainingRequest: Sendable {
    /// The CSV file to train on.
    public var dataPath: String
    /// The target column.
    public var target: String
    /// What to predict; `auto` decides from the target.
    public var task: TaskChoice = .auto
    /// A CSV file to validate on (early stopping, the per-round metric, the summary).
    public var validationPath: String?
    /// Or: hold this share of the training rows out to validate on (stratified for classes).
    public var validationFraction: Double?
    /// `NAME=VALUE` parameter settings, applied after the parameter file's.
    public var parameterAssignments: [String] = []
    /// A JSON object of parameters (`{"num_leaves": 63, "monotone_constraints": [1, 0]}`).
    public var parameterFile: String?
    /// Columns that are not features (IDs, dates of record).
    public var ignoredColumns: [String] = []
    /// A numeric column of sample weights (not a feature): each training row counts that
    /// many times. Validation metrics stay unweighted.
    public var weightColumn: String?
    /// How to read the CSV files.
    public var readOptions = CSVReadOptions()

    /// A request to train on `dataPath` for `target`, with every other setting at its default.
    public init(dataPath: String, target: String) {
        self.dataPath = dataPath
        self.target = target
    }
}

/// What training produced and how it went.
public struct TrainingOutcome: Sendable {
    /// The trained model.
    public let model: Model
    /// Rows trained on.
    public let trainingRows: Int
    /// Rows validated on (0 without validation).
    public let validationRows: Int
    /// Every metric of the task on the validation rows (empty without validation).
    public let validationMetrics: [(name: String, value: Double)]
    /// Wall-clock seconds of training (binning included, reading the files not).
    public let seconds: Double
    /// Text columns left out of the features.
    public let skippedColumns: [String]
    /// What the CSV reader noted (columns re-read as categorical, padded rows).
    public let notes: [String]
    /// The data sets read (training, and validation when from a file), with fingerprints.
    public let inputs: [RunInput]
    /// The reference profile monitoring compares later data with (nil when it could not be made;
    /// `notes` says why).
    public var referenceProfile: ReferenceProfile?
    /// A seeded sample of the training rows (the domain classifier's reference side).
    public var referenceSample: Table?
}

/// The training service behind `apus train` (and, later, the HTTP and MCP front ends).
public enum ModelTraining {
    /// The parameters of a JSON parameter file and `NAME=VALUE` settings, in that order.
    ///
    /// - Throws: An error naming the file, or the parameter and its valid range.
    public static func parameters(assignments: [String], file: String?) throws -> GBDTParameters {
        var settings: [String] = []
        if let file { settings += try fileAssignments(file) }
        return try GBDTParameters().setting(settings + assignments)
    }

    /// Reads the data, trains, and scores the validation rows.
    ///
    /// - Parameter progress: Called after every boosting round.
    public static func train(_ request: TrainingRequest, progress: ((RoundReport) -> Void)? = nil) throws -> TrainingOutcome {
        let parameters = try Self.parameters(assignments: request.parameterAssignments, file: request.parameterFile)
        let read = try CSVReader.read(path: request.dataPath, options: request.readOptions)
        var notes = read.report.notes
        var table = read.table
        var validationTable: Table?
        var validationInput: RunInput?
        if let path = request.validationPath {
            var options = request.readOptions
            options.schema = read.report.schema
            let validation = try CSVReader.read(path: path, options: options)
            notes += validation.report.notes.map { "\(path): \($0)" }
            validationTable = validation.table
            validationInput = try input(role: "validation", path: path, schema: validation.report.schema, rows: validation.table.rowCount)
        } else if let fraction = request.validationFraction {
            // Split after learning the task, so classification keeps the class shares.
            let task = try TrainingData(table: table, target: request.target, task: request.task,
                                        ignoring: request.ignoredColumns + (request.weightColumn.map { [$0] } ?? [])).task
            let split = task == .regression
                ? try table.randomSplit(testFraction: fraction, seed: UInt64(parameters.seed))
                : try table.stratifiedSplit(testFraction: fraction, seed: UInt64(parameters.seed), on: request.target)
            table = split.train
            validationTable = split.test
        }
        let ignored = request.ignoredColumns + (request.weightColumn.map { [$0] } ?? [])
        let data = try TrainingData(table: table, target: request.target, task: request.task, ignoring: ignored)
        let weights = try request.weightColumn.map { try Self.weights(in: table, column: $0) }
        var validation: GBDTTrainer.Validation?
        if let validationTable {
            let encoded = try data.encode(validationTable)
            validation = GBDTTrainer.Validation(features: encoded.features, labels: encoded.labels)
        }
        let trainingInput = try input(role: "training", path: request.dataPath, schema: read.report.schema, rows: read.table.rowCount)
        let start = Date()
        let model = try GBDTTrainer(parameters: parameters).train(
            data, weights: weights, validation: validation, dataFingerprint: trainingInput.fingerprint, progress: progress)
        let seconds = Date().timeIntervalSince(start)
        var metrics: [(name: String, value: Double)] = []
        if let validation {
            let predictions = try model.ensemble.predict(features: validation.features, threads: parameters.numThreads)
            metrics = try ModelMetrics.evaluate(
                task: model.task, objective: model.objective, labels: validation.labels, predictions: predictions)
        }
        var profile: ReferenceProfile?
        var sample: Table?
        do {
            profile = try ReferenceProfiling.profile(
                model: model, training: table, validation: validation.map { ($0.features, $0.labels) }, threads: parameters.numThreads)
            sample = try ReferenceProfiling.sample(table, model: model, seed: UInt64(parameters.seed))
        } catch {
            notes.append("the reference profile for monitoring could not be made: \(error)")
        }
        return TrainingOutcome(
            model: model, trainingRows: data.rowCount, validationRows: validation?.labels.count ?? 0,
            validationMetrics: metrics, seconds: seconds, skippedColumns: data.skippedColumns, notes: notes,
            inputs: [trainingInput] + (validationInput.map { [$0] } ?? []), referenceProfile: profile, referenceSample: sample)
    }

    /// A data file as a run records it: its dataset fingerprint (`sha256:` and the SHA-256
    /// of the file's bytes and schema), rows, and schema as JSON.
    static func input(role: String, path: String, schema: Schema, rows: Int) throws -> RunInput {
        let fileHash = try Fingerprint.sha256(ofFileAt: path)
        let fingerprint = "sha256:" + Fingerprint.dataset(fileSHA256: fileHash, schema: schema)
        return RunInput(role: role, path: path, fingerprint: fingerprint, rows: rows, schema: jsonText(schema))
    }

    /// `value` as JSON with sorted keys.
    static func jsonText<T: Encodable>(_ value: T) -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return (try? encoder.encode(value)).map { String(decoding: $0, as: UTF8.self) } ?? "null"
    }

    /// The weights in numeric column `name`: finite and not negative in every row.
    static func weights(in table: Table, column name: String) throws -> [Double] {
        guard let column = table[name] else {
            throw ServiceError("the data has no weight column `\(name)`"
                + (closestName(to: name, among: table.columnNames).map { " (did you mean `\($0)`?)" } ?? ""))
        }
        guard let numbers = column.numeric?.values else {
            throw ServiceError("weight column `\(name)` is \(column.kind), not numeric")
        }
        for (row, weight) in numbers.enumerated() where !weight.isFinite || weight < 0 {
            let what = weight.isNaN ? "missing" : "\(NumberFormatting.shortest(weight))"
            throw ServiceError("weight column `\(name)`, row \(formatCount(row + 1)): the weight is \(what); weights must be finite and not negative")
        }
        return numbers
    }

    /// The `NAME=VALUE` settings of a JSON parameter file, in key order.
    static func fileAssignments(_ path: String) throws -> [String] {
        guard let bytes = FileManager.default.contents(atPath: path) else {
            throw ServiceError("cannot read the parameter file `\(path)`")
        }
        guard let object = try? JSONSerialization.jsonObject(with: bytes) as? [String: Any] else {
            throw ServiceError("\(path): not a JSON object of parameters (like {\"num_leaves\": 63})")
        }
        return try object.keys.sorted().map { name in
            "\(name)=\(try text(of: object[name]!, name: name, file: path))"
        }
    }

    private static func text(of value: Any, name: String, file: String) throws -> String {
        switch value {
        case let number as NSNumber:
            return number.stringValue
        case let string as String:
            return string
        case let list as [Any]:
            return try list.map { try text(of: $0, name: name, file: file) }.joined(separator: ",")
        default:
            throw ServiceError("\(file): parameter `\(name)` must be a number, a string or a list")
        }
    }
}

/// An error with a message for the person using a front end.
public struct ServiceError: Error, CustomStringConvertible, Sendable {
    /// The message.
    public let description: String
    /// An error with `description` as its message.
    public init(_ description: String) { self.description = description }
}
