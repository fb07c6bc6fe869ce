/// Grouping rows into classes (strata) by the value of one column, for stratified splits
/// and folds.
///
/// Classes come in a fixed order so that the same table and seed always give the same
/// split: categorical levels in code order, `false` before `true`, numbers ascending.
/// Missing values form one more class, last.
struct Strata {
    /// The class of each row, in `0..<classCount`.
    var labels: [Int]
    /// Number of classes, the missing-value class included when present.
    var classCount: Int

    /// The rows of each class, ascending.
    var members: [[Int]] {
        var members = Array(repeating: [Int](), count: classCount)
        for (row, label) in labels.enumerated() { members[label].append(row) }
        return members
    }
}

extension Table {
    /// Numeric columns with more distinct values than this cannot be stratified on: they
    /// are measurements, not classes.
    public static let maximumNumericStrata = 256

    /// The classes of column `name`, for the stratified operation named in `operation`.
    /// - Throws: `TableError.unknownColumn`; `TableError.wrongKind` for text and timestamp
    ///   columns; `TableError.invalidArgument` for a numeric column with too many values.
    func strata(on name: String, for operation: String) throws -> Strata {
        let column = try column(named: name)
        switch column {
        case .categorical(let c):
            return Self.strata(codes: c.codes, levelCount: c.levels.count)
        case .boolean(let c):
            return Self.strata(bytes: c.storage)
        case .numeric(let c):
            return try Self.strata(values: c.storage, column: name, operation: operation)
        case .text, .timestamp:
            throw TableError.wrongKind(
                column: name, expected: "categorical, boolean or numeric (for \(operation))", found: column.kind
            )
        }
    }

    private static func strata(codes: ColumnBuffer<UInt32>, levelCount: Int) -> Strata {
        let labels = codes.withUnsafeBufferPointer { buffer in
            buffer.map { $0 == CategoricalColumn.missingCode ? levelCount : Int($0) }
        }
        return Strata(labels: labels, classCount: levelCount + 1).compacted()
    }

    private static func strata(bytes: ColumnBuffer<UInt8>) -> Strata {
        let labels = bytes.withUnsafeBufferPointer { buffer in buffer.map { Int($0) } }
        return Strata(labels: labels, classCount: Int(BooleanColumn.missingByte) + 1).compacted()
    }

    private static func strata(values: ColumnBuffer<Double>, column: String, operation: String) throws -> Strata {
        var distinct = Set<Double>()
        values.withUnsafeBufferPointer { buffer in
            for value in buffer where !value.isNaN { distinct.insert(value) }
        }
        guard distinct.count <= maximumNumericStrata else {
            throw TableError.invalidArgument(
                "column `\(column)` has \(formatCount(distinct.count)) distinct numbers, too many classes for \(operation) (at most \(maximumNumericStrata)); stratify on a categorical or boolean column"
            )
        }
        var classOf: [Double: Int] = [:]
        for (label, value) in distinct.sorted().enumerated() { classOf[value] = label }
        let missingLabel = distinct.count
        let labels = values.withUnsafeBufferPointer { buffer in
            buffer.map { $0.isNaN ? missingLabel : classOf[$0]! }
        }
        return Strata(labels: labels, classCount: missingLabel + 1).compacted()
    }
}

extension Strata {
    /// The same grouping without empty classes (unused levels, absent missing values),
    /// keeping the order of the rest.
    func compacted() -> Strata {
        var sizes = Array(repeating: 0, count: classCount)
        for label in labels { sizes[label] += 1 }
        var newLabel = Array(repeating: -1, count: classCount)
        var next = 0
        for label in 0..<classCount where sizes[label] > 0 {
            newLabel[label] = next
            next += 1
        }
        return Strata(labels: labels.map { newLabel[$0] }, classCount: next)
    }
}
