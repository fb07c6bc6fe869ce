/// Random and stratified train/test splits.
///
/// Every split is fixed by its seed: rows are shuffled with `SeededRandom`'s own
/// Fisher–Yates shuffle, never the standard library's, so the same table and seed give the
/// same split on every platform and Swift version. Both sides keep the table's row order.
extension Table {
    /// Splits the rows at random into a training and a test table.
    ///
    /// The test table gets `round(testFraction × rowCount)` rows (halves round up).
    ///
    /// - Parameters:
    ///   - testFraction: the share of rows to test on, strictly between 0 and 1.
    ///   - seed: fixes the split.
    /// - Throws: `TableError.invalidArgument` when `testFraction` is outside (0, 1) or
    ///   either side would be empty.
    public func randomSplit(testFraction: Double, seed: UInt64) throws -> (train: Table, test: Table) {
        let testCount = try Self.testRowCount(fraction: testFraction, rowCount: rowCount)
        var order = Array(0..<rowCount)
        var random = SeededRandom(seed: seed)
        random.shuffle(&order)
        var isTest = Array(repeating: false, count: rowCount)
        for row in order[..<testCount] { isTest[row] = true }
        return try split(isTest: isTest)
    }

    /// Splits the rows at random into a training and a test table, keeping the share of
    /// each class of column `name` the same on both sides (up to rounding).
    ///
    /// The test table gets `round(testFraction × rowCount)` rows in all. Each class gets
    /// its exact share of them rounded down, and the rows left over go to the classes with
    /// the largest fractions cut off (ties to the class that comes first), so no class's
    /// test count is more than one away from `testFraction ×` its size.
    ///
    /// Classes are the levels of a categorical column, `false`/`true` of a Boolean one, or
    /// the distinct values of a numeric one (at most `Table.maximumNumericStrata`). Rows
    /// whose value is missing form one more class of their own and are split the same way.
    /// A class with a single row lands on whichever side the rounding gives it.
    ///
    /// - Parameters:
    ///   - testFraction: the share of rows to test on, strictly between 0 and 1.
    ///   - seed: fixes the split.
    ///   - name: the column whose classes to keep in proportion.
    /// - Throws: `TableError.unknownColumn`; `TableError.wrongKind` for a text or timestamp
    ///   column; `TableError.invalidArgument` for a bad fraction, an empty side, or a
    ///   numeric column with too many distinct values.
    public func stratifiedSplit(
        testFraction: Double, seed: UInt64, on name: String
    ) throws -> (train: Table, test: Table) {
        let testCount = try Self.testRowCount(fraction: testFraction, rowCount: rowCount)
        let strata = try strata(on: name, for: "a stratified split")
        let members = strata.members
        let quotas = Self.apportion(testCount, among: members.map(\.count))
        var random = SeededRandom(seed: seed)
        var isTest = Array(repeating: false, count: rowCount)
        for (rows, quota) in zip(members, quotas) {
            var rows = rows
            random.shuffle(&rows)
            for row in rows[..<quota] { isTest[row] = true }
        }
        return try split(isTest: isTest)
    }

    /// The number of test rows for `fraction` of `rowCount` rows.
    /// - Throws: `TableError.invalidArgument` for a fraction outside (0, 1) or an empty side.
    static func testRowCount(fraction: Double, rowCount: Int) throws -> Int {
        guard fraction > 0 && fraction < 1 else {
            throw TableError.invalidArgument("testFraction must be strictly between 0 and 1, got \(fraction)")
        }
        let testCount = Int((fraction * Double(rowCount)).rounded())
        guard testCount >= 1 && testCount <= rowCount - 1 else {
            throw TableError.invalidArgument(
                "testFraction \(fraction) of \(formatCount(rowCount)) rows leaves \(formatCount(testCount)) test and \(formatCount(rowCount - testCount)) training rows; each side needs at least one row"
            )
        }
        return testCount
    }

    /// Shares `total` among groups of the given `sizes` in proportion, by largest remainder.
    ///
    /// Group *i* gets `total × sizes[i] / sum` rounded down, and the units left over go one
    /// each to the groups with the largest remainders, ties to the earlier group. Exact
    /// integer arithmetic: the result does not depend on floating-point rounding.
    /// - Precondition: `total <= sizes.reduce(0, +)`.
    static func apportion(_ total: Int, among sizes: [Int]) -> [Int] {
        let sum = sizes.reduce(0, +)
        guard sum > 0 else { return sizes.map { _ in 0 } }
        var shares = sizes.map { $0 * total / sum }
        let remainders = sizes.map { $0 * total % sum }
        let leftOver = total - shares.reduce(0, +)
        let order = sizes.indices.sorted { remainders[$0] != remainders[$1] ? remainders[$0] > remainders[$1] : $0 < $1 }
        for group in order.prefix(leftOver) { shares[group] += 1 }
        return shares
    }

    /// The rows where `isTest` is false and where it is true, as two tables.
    func split(isTest: [Bool]) throws -> (train: Table, test: Table) {
        let test = Self.indices(where: isTest)
        let train = Self.indices(where: isTest.map { !$0 })
        return (try rows(train), try rows(test))
    }
}
