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
        guard task != .regression else {
            if case .numeric(let values) = column {
                let labels = values.values
                if let row = labels.firstIndex(where: \.isNaN) { throw .missingLabel(name: name, row: row) }
                return labels
            }
            var labels = [Double](repeating: 0, count: column.count)
            for row in 0..<column.count {
                guard let text = column.formattedValue(at: row) else { throw .missingLabel(name: name, row: row) }
                guard let value = Double(text) else { throw .targetNotNumeric(name: name, kind: "`\(text)` in row \(row + 1)", task: "regression") }
                labels[row] = value
            }
            return labels
        }
        var index: [String: Int] = [:]
        for (position, label) in classes.enumerated() { index[label] = position }
        let values = try LabelValues(column, name: name, limit: .max)!
        // Each distinct value's class, looked up once.
        let positions = values.texts.map { index[$0] }
        var labels = [Double](repeating: 0, count: column.count)
        for row in 0..<column.count {
            let value = Int(values.rows[row])
            guard let position = positions[value] else {
                throw .unknownClass(name: name, row: row, value: values.texts[value], classes: classes)
            }
            labels[row] = Double(position)
        }
        return labels
    }

    private static func labels(
        of column: Column, name: String, choice: TaskChoice
    ) throws(TrainingError) -> (ModelTask, String, [String], [Double]) {
        let isNumeric = column.kind == .numeric
        // More than 1,000 distinct values fit no classification task: a numeric target
        // is then a regression target, any other is refused below.
        let values = try LabelValues(column, name: name, limit: 1_000)
        let distinct = values?.texts ?? []
        guard values == nil || distinct.count > 1 || column.count == 0 else {
            if choice == .binary || (choice == .auto && !isNumeric) {
                throw .oneClass(name: name, value: distinct.first ?? "")
            }
            throw .constantTarget(name: name, value: distinct.first ?? "")
        }
        let classes = sortedClasses(distinct)
        let twoValued = values != nil && classes.count == 2
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
            guard twoValued else {
                throw .tooManyClasses(name: name, count: values == nil ? try LabelValues(column, name: name, limit: .max)!.texts.count : classes.count, task: "binary (use --task multiclass)")
            }
        case .multiclass:
            guard values != nil else {
                throw .tooManyClasses(name: name, count: try LabelValues(column, name: name, limit: .max)!.texts.count, task: "multiclass")
            }
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

/// A target column's distinct values as text, and each row's index into them. Each
/// distinct value is turned into text once, not a string per row.
struct LabelValues {
    /// The distinct values, in order of first appearance.
    var texts: [String] = []
    /// Each row's index into `texts`.
    var rows: [Int32] = []

    /// The values of `column`, or nil if it has more than `limit` distinct ones.
    ///
    /// - Throws: ``TrainingError/missingLabel(name:row:)`` at the first missing value.
    init?(_ column: Column, name: String, limit: Int) throws(TrainingError) {
        rows.reserveCapacity(column.count)
        switch column {
        case .numeric(let values):
            var seen: [UInt64: Int32] = [:]
            for (row, value) in values.values.enumerated() {
                guard !value.isNaN else { throw .missingLabel(name: name, row: row) }
                let key = (value == 0 ? 0 : value).bitPattern
                if let index = seen[key] { rows.append(index); continue }
                guard texts.count < limit else { return nil }
                seen[key] = Int32(texts.count)
                rows.append(Int32(texts.count))
                texts.append(NumberFormatting.shortest(value))
            }
        case .categorical(let values):
            var seen = [Int32](repeating: -1, count: values.levels.count)
            for row in 0..<values.count {
                let code = values.codes[row]
                guard code != CategoricalColumn.missingCode else { throw .missingLabel(name: name, row: row) }
                if seen[Int(code)] < 0 {
                    guard texts.count < limit else { return nil }
                    seen[Int(code)] = Int32(texts.count)
                    texts.append(values.levels[Int(code)])
                }
                rows.append(seen[Int(code)])
            }
        default:
            var seen: [String: Int32] = [:]
            for row in 0..<column.count {
                guard let text = column.formattedValue(at: row) else { throw .missingLabel(name: name, row: row) }
                if let index = seen[text] { rows.append(index); continue }
                guard texts.count < limit else { return nil }
                seen[text] = Int32(texts.count)
                rows.append(Int32(texts.count))
                texts.append(text)
            }
        }
    }
}
