/// Taking rows by position or by a Boolean mask.
extension Table {
    /// A table of the rows at `indices`, in that order, with the same columns.
    ///
    /// Indices may repeat (bootstrap samples) and need not be sorted. Every column is
    /// gathered into new storage; categorical columns keep all their levels, text columns
    /// get their own bytes and offsets, and missing values stay missing.
    ///
    /// - Throws: `TableError.rowOutOfRange` for the first index outside `0..<rowCount`.
    /// - Complexity: O(*m* × *c*) for *m* indices and *c* columns, plus text bytes copied.
    public func rows(_ indices: [Int]) throws -> Table {
        try Column.validate(indices, rowCount: rowCount)
        let gathered = indices.withUnsafeBufferPointer { buffer in
            columns.map { $0.gathering(buffer) }
        }
        return try Table(zip(columnNames, gathered).map { (name: $0, column: $1) })
    }

    /// A table of the rows where `mask` is `true`, in their original order.
    ///
    /// - Parameter mask: one flag per row.
    /// - Throws: `TableError.invalidArgument` when `mask.count` differs from `rowCount`.
    public func rows(where mask: [Bool]) throws -> Table {
        guard mask.count == rowCount else {
            throw TableError.invalidArgument(
                "row mask has \(formatCount(mask.count)) values, the table has \(formatCount(rowCount)) rows"
            )
        }
        return try rows(Self.indices(where: mask))
    }

    /// The positions where `mask` is `true`, ascending.
    static func indices(where mask: [Bool]) -> [Int] {
        var indices: [Int] = []
        indices.reserveCapacity(mask.count)
        mask.withUnsafeBufferPointer { flags in
            for position in 0..<flags.count where flags[position] { indices.append(position) }
        }
        return indices
    }
}
