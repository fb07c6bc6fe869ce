/// The rows of one cross-validation fold: fit on `train`, score on `validation`.
///
/// Both arrays are ascending and disjoint, and together hold every row of the table.
public struct FoldIndices: Sendable, Equatable {
    /// Rows to fit on, ascending.
    public let train: [Int]
    /// Rows to score on, ascending.
    public let validation: [Int]

    /// Wraps a fold's rows.
    public init(train: [Int], validation: [Int]) {
        self.train = train
        self.validation = validation
    }
}

/// k-fold and stratified k-fold cross-validation, with scikit-learn's semantics.
///
/// Every row is in exactly one validation fold, and fold sizes differ by at most one (the
/// first `rowCount % k` folds hold one row more). Shuffles use `SeededRandom`'s own
/// Fisher–Yates shuffle, so a seed fixes the folds on every platform.
extension Table {
    /// Row indices for `k`-fold cross-validation (scikit-learn's `KFold`).
    ///
    /// The rows, shuffled when `shuffle` is true, are cut into `k` consecutive runs; fold
    /// *i* validates on run *i* and trains on the rest.
    ///
    /// - Parameters:
    ///   - k: the number of folds, from 2 to `rowCount`.
    ///   - seed: fixes the shuffle; ignored when `shuffle` is false.
    ///   - shuffle: whether to shuffle rows before cutting; without it, fold 0 validates
    ///     on the first rows of the table.
    /// - Throws: `TableError.invalidArgument` when `k` is below 2 or above `rowCount`.
    public func kFold(k: Int, seed: UInt64, shuffle: Bool = true) throws -> [FoldIndices] {
        try Self.checkFoldCount(k, rowCount: rowCount)
        var order = Array(0..<rowCount)
        if shuffle {
            var random = SeededRandom(seed: seed)
            random.shuffle(&order)
        }
        var foldOf = Array(repeating: 0, count: rowCount)
        var start = 0
        for fold in 0..<k {
            let size = rowCount / k + (fold < rowCount % k ? 1 : 0)
            for row in order[start..<(start + size)] { foldOf[row] = fold }
            start += size
        }
        return Self.folds(foldOf: foldOf, k: k)
    }

    /// Row indices for stratified `k`-fold cross-validation (scikit-learn's
    /// `StratifiedKFold` with `shuffle=True`): each fold holds every class of column
    /// `name` in the table's proportion, up to one row.
    ///
    /// Rows are ordered by class and dealt to the folds in turn, which fixes how many rows
    /// of each class each fold gets: a class of *c* rows gives each fold ⌊*c*/*k*⌋ or
    /// ⌈*c*/*k*⌉ of them, and fold sizes differ by at most one. Which rows of the class
    /// go where is then drawn at random. Classes are as in `stratifiedSplit`; rows with a
    /// missing value form a class of their own.
    ///
    /// A class with fewer than `k` rows is allowed, as scikit-learn allows it (with a
    /// warning): it is absent from the validation rows of some folds. Unlike scikit-learn,
    /// `k` above the size of every class is allowed too. There is no warning channel here;
    /// check class sizes first if that matters.
    ///
    /// - Parameters:
    ///   - k: the number of folds, from 2 to `rowCount`.
    ///   - seed: fixes which rows of each class go to which fold.
    ///   - name: the column whose classes to keep in proportion.
    /// - Throws: `TableError.invalidArgument` for a bad `k` or a numeric column with too many
    ///   distinct values; `TableError.unknownColumn`; `TableError.wrongKind` for a text or
    ///   timestamp column.
    public func stratifiedKFold(k: Int, seed: UInt64, on name: String) throws -> [FoldIndices] {
        try Self.checkFoldCount(k, rowCount: rowCount)
        let strata = try strata(on: name, for: "stratified k-fold")
        var random = SeededRandom(seed: seed)
        var foldOf = Array(repeating: 0, count: rowCount)
        var dealt = 0
        for var rows in strata.members {
            random.shuffle(&rows)
            for row in rows {
                foldOf[row] = dealt % k
                dealt += 1
            }
        }
        return Self.folds(foldOf: foldOf, k: k)
    }

    /// Throws unless `2 <= k <= rowCount`.
    static func checkFoldCount(_ k: Int, rowCount: Int) throws {
        guard k >= 2 else {
            throw TableError.invalidArgument("k (the number of folds) must be at least 2, got \(k)")
        }
        guard k <= rowCount else {
            throw TableError.invalidArgument(
                "k (the number of folds) is \(formatCount(k)), more than the \(formatCount(rowCount)) rows of the table"
            )
        }
    }

    /// The folds for a fold number per row: fold *i* validates on the rows numbered *i*.
    static func folds(foldOf: [Int], k: Int) -> [FoldIndices] {
        var validation = Array(repeating: [Int](), count: k)
        for (row, fold) in foldOf.enumerated() { validation[fold].append(row) }
        return (0..<k).map { fold in
            var train: [Int] = []
            train.reserveCapacity(foldOf.count - validation[fold].count)
            for (row, other) in foldOf.enumerated() where other != fold { train.append(row) }
            return FoldIndices(train: train, validation: validation[fold])
        }
    }
}
