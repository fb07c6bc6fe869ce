import ApusModel
import ApusTable

/// The prediction task asked for on the command line: `auto` looks at the target.
public enum TaskChoice: String, Sendable, CaseIterable {
    case auto, binary, multiclass, regression, poisson, quantile, huber, l1

    /// The model task and objective this choice trains.
    var taskAndObjective: (ModelTask, String)? {
        switch self {
        case .auto: nil
        case .binary: (.binary, "binary")
        case .multiclass: (.multiclass, "multiclass")
        case .regression: (.regression, "regression")
        case .poisson: (.regression, "poisson")
        case .quantile: (.regression, "quantile")
        case .huber: (.regression, "huber")
        case .l1: (.regression, "regression_l1")
        }
    }
}

/// A table made ready for training: features (every column but the target and the
/// ignored ones; text columns are skipped), numeric labels, and the classes they stand for.
public struct TrainingData: Sendable {
    /// The features, in column order (the target, ignored and text columns left out).
    public let schema: FeatureSchema
    /// What the model will predict.
    public let task: ModelTask
    /// The objective the task implies (`binary`, `multiclass`, `regression`, ...).
    public let objective: String
    /// The target column's name.
    public let target: String
    /// Class labels (binary: negative then positive; multiclass: one per label value).
    public let classes: [String]
    /// One label per row: the class index for classification, the value for regression.
    public let labels: [Double]
    /// Text columns that were left out.
    public let skippedColumns: [String]
    let columns: [FeatureColumn]
    /// The number of rows.
    public var rowCount: Int { labels.count }

    /// Prepares `table` for training on `target`.
    ///
    /// - Parameters:
    ///   - task: `auto` picks binary for a two-valued target (0/1, booleans, two levels),
    ///     multiclass for a categorical target with more levels, regression otherwise.
    ///   - ignoring: Columns that are not features (an ID, a timestamp of record).
    /// - Throws: ``TrainingError`` for a missing, constant or unusable target.
    public init(table: Table, target: String, task: TaskChoice = .auto, ignoring: [String] = []) throws(TrainingError) {
        guard let targetColumn = table[target] else {
            throw .missingTarget(name: target, suggestion: closestName(to: target, among: table.columnNames))
        }
        let (task, objective, classes, labels) = try Self.labels(of: targetColumn, name: target, choice: task)
        var features: [Feature] = [], columns: [FeatureColumn] = [], skipped: [String] = []
        for (name, column) in zip(table.columnNames, table.columns) where name != target && !ignoring.contains(name) {
            guard let values = FeatureColumn(column) else {
                skipped.append(name)
                continue
            }
            features.append(values.feature(named: name))
            columns.append(values)
        }
        guard !features.isEmpty else { throw .noFeatures }
        do { self.schema = try FeatureSchema(features: features) } catch { throw .validation(error.description) }
        self.task = task
        self.objective = objective
        self.target = target
        self.classes = classes
        self.labels = labels
        self.skippedColumns = skipped
        self.columns = columns
    }

    /// The labels of another table (a validation or test set) under this data's
    /// classes, with its features encoded by this data's schema.
    public func encode(_ table: Table) throws(TrainingError) -> (features: [Double], labels: [Double]) {
        guard let column = table[target] else {
            throw .missingTarget(name: target, suggestion: closestName(to: target, among: table.columnNames))
        }
        let labels = try Self.labels(of: column, name: target, task: task, classes: classes)
        do {
            return (try schema.encode(table: table), labels)
        } catch {
            throw .validation(error.description)
        }
    }

    /// The labels of `column` for a model of `task` with `classes`.
    public static func labels(of column: Column, name: String, task: ModelTask, classes: [String]) throws(TrainingError) -> [Double] {
        var labels = [Double](repeating: 0, count: column.count)
        guard task != .regression else {
            for row in 0..<column.count {
                guard let text = column.formattedValue(at: row) else { throw .missingLabel(name: name, row: row) }
                guard let value = Double(text) else { throw .targetNotNumeric(name: name, kind: "`\(text)` in row \(row + 1)", task: "regression") }
                labels[row] = value
            }
            return labels
        }
        var index: [String: Int] = [:]
        for (position, label) in classes.enumerated() { index[label] = position }
        for row in 0..<column.count {
            guard let text = column.formattedValue(at: row) else { throw .missingLabel(name: name, row: row) }
            guard let position = index[text] else { throw .unknownClass(name: name, row: row, value: text, classes: classes) }
            labels[row] = Double(position)
        }
        return labels
    }

    private static func labels(
        of column: Column, name: String, choice: TaskChoice
    ) throws(TrainingError) -> (ModelTask, String, [String], [Double]) {
        var distinct: [String: Int] = [:]
        for row in 0..<column.count {
            guard let text = column.formattedValue(at: row) else { throw .missingLabel(name: name, row: row) }
            if distinct[text] == nil { distinct[text] = distinct.count }
            if distinct.count > 1_000 && column.kind != .numeric { break }
        }
        guard distinct.count > 1 || column.count == 0 else {
            if choice == .binary || (choice == .auto && column.kind != .numeric) {
                throw .oneClass(name: name, value: distinct.keys.first ?? "")
            }
            throw .constantTarget(name: name, value: distinct.keys.first ?? "")
        }
        let classes = sortedClasses(Array(distinct.keys))
        let isNumeric = column.kind == .numeric
        let twoValued = classes.count == 2
        var choice = choice
        if choice == .auto {
            if isNumeric { choice = twoValued && Set(classes) == ["0", "1"] ? .binary : .regression } else {
                guard column.kind != .text || twoValued else { throw .targetNotNumeric(name: name, kind: "text", task: "regression") }
                choice = twoValued ? .binary : .multiclass
            }
        }
        let (task, objective) = choice.taskAndObjective!
        switch task {
        case .regression:
            guard isNumeric else { throw .targetNotNumeric(name: name, kind: column.kind.rawValue, task: objective) }
            return (task, objective, [], try labels(of: column, name: name, task: task, classes: []))
        case .binary:
            guard twoValued else { throw .tooManyClasses(name: name, count: classes.count, task: "binary (use --task multiclass)") }
        case .multiclass:
            guard classes.count <= 1_000 else { throw .tooManyClasses(name: name, count: classes.count, task: "multiclass") }
        }
        return (task, objective, classes, try labels(of: column, name: name, task: task, classes: classes))
    }

    /// Classes in a stable order: numerically when every class is a number, else by text.
    static func sortedClasses(_ classes: [String]) -> [String] {
        let numbers = classes.compactMap(Double.init)
        if numbers.count == classes.count {
            return classes.sorted { Double($0)! != Double($1)! ? Double($0)! < Double($1)! : $0 < $1 }
        }
        return classes.sorted()
    }
}
