/// Splits in time: train on the past, test on the future.
///
/// Both variants keep the table's row order on each side (they select rows, they do not
/// sort them). Every row needs a time: a time split has no right side for a row without
/// one, so a missing value is an error naming the column and the count, and the caller
/// decides whether to drop or fill those rows first.
extension Table {
    /// Splits so that the test table holds the latest `testFraction` of the rows.
    ///
    /// Rows are ranked by time, ties by row position; the last
    /// `round(testFraction × rowCount)` ranks are the test rows. Every training time is
    /// therefore at or before every test time; rows that share the boundary time may fall
    /// on both sides. Use `timeSplit(on:cutoff:)` for a strict boundary.
    ///
    /// - Parameters:
    ///   - name: a timestamp column, or a numeric column holding times or sequence numbers.
    ///   - testFraction: the share of rows to test on, strictly between 0 and 1.
    /// - Throws: `TableError.unknownColumn`; `TableError.wrongKind` for other kinds;
    ///   `TableError.invalidArgument` for missing times, a bad fraction, or an empty side.
    public func timeSplit(on name: String, testFraction: Double) throws -> (train: Table, test: Table) {
        let testCount = try Self.testRowCount(fraction: testFraction, rowCount: rowCount)
        let times = try times(in: name)
        let ranked = times.withUnsafeBufferPointer { time in
            (0..<rowCount).sorted { time[$0] != time[$1] ? time[$0] < time[$1] : $0 < $1 }
        }
        var isTest = Array(repeating: false, count: rowCount)
        for row in ranked[(rowCount - testCount)...] { isTest[row] = true }
        return try split(isTest: isTest)
    }

    /// Splits at `cutoff`: rows before it train, rows at or after it test.
    ///
    /// - Parameters:
    ///   - name: a timestamp column, or a numeric column holding times or sequence numbers.
    ///   - cutoff: seconds since 1970-01-01T00:00:00Z for a timestamp column, or a value
    ///     of the numeric column.
    /// - Throws: `TableError.unknownColumn`; `TableError.wrongKind` for other kinds;
    ///   `TableError.invalidArgument` for missing times, a non-finite cutoff, or a cutoff
    ///   that leaves a side empty.
    public func timeSplit(on name: String, cutoff: Double) throws -> (train: Table, test: Table) {
        guard cutoff.isFinite else {
            throw TableError.invalidArgument("time split cutoff must be a finite number, got \(cutoff)")
        }
        let times = try times(in: name)
        let isTest = times.withUnsafeBufferPointer { time in time.map { $0 >= cutoff } }
        let testCount = isTest.reduce(0) { $0 + ($1 ? 1 : 0) }
        if testCount == 0 || testCount == rowCount {
            throw try emptySideError(column: name, cutoff: cutoff, times: times, testCount: testCount)
        }
        return try split(isTest: isTest)
    }

    /// The times of column `name`, checked to be present on every row.
    private func times(in name: String) throws -> ColumnBuffer<Double> {
        let storage: ColumnBuffer<Double>
        switch try column(named: name) {
        case .timestamp(let c): storage = c.storage
        case .numeric(let c): storage = c.storage
        case let other:
            throw TableError.wrongKind(column: name, expected: "timestamp or numeric (for a time split)", found: other.kind)
        }
        let missing = storage.withUnsafeBufferPointer { time in time.reduce(0) { $0 + ($1.isNaN ? 1 : 0) } }
        guard missing == 0 else {
            throw TableError.invalidArgument(
                "column `\(name)` has \(formatCount(missing)) missing \(missing == 1 ? "value" : "values"); a time split needs a time on every row (drop or fill them first)"
            )
        }
        return storage
    }

    /// The error for a cutoff that puts every row on one side.
    private func emptySideError(column name: String, cutoff: Double, times: ColumnBuffer<Double>, testCount: Int) throws -> TableError {
        let isTimestamp = try column(named: name).kind == .timestamp
        func text(_ value: Double) -> String {
            isTimestamp ? TimestampParsing.iso8601(value) : NumberFormatting.shortest(value)
        }
        let (earliest, latest) = times.withUnsafeBufferPointer { ($0.min() ?? .nan, $0.max() ?? .nan) }
        let side = testCount == 0 ? "no rows at or after" : "no rows before"
        let range = rowCount == 0 ? "the table is empty" : "times run from \(text(earliest)) to \(text(latest))"
        return TableError.invalidArgument(
            "column `\(name)` has \(side) the cutoff \(text(cutoff)) (\(range)); each side needs at least one row"
        )
    }
}
