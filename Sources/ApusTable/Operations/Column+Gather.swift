/// Gathering rows of a column into new storage: the loop behind `Table.rows(_:)`.
///
/// Every gather writes through raw pointers into a buffer sized up front, so it does one
/// allocation per buffer and no per-row work beyond a load and a store.
extension Column {
    /// The values at `indices`, in that order, as a new column of the same kind.
    ///
    /// Indices may repeat (bootstrap samples) and need not be sorted. A categorical
    /// column keeps all its levels, including ones no gathered row uses.
    ///
    /// - Throws: `TableError.rowOutOfRange` for the first index outside `0..<count`.
    /// - Complexity: O(*m*) for *m* indices, plus the bytes copied for text.
    public func rows(_ indices: [Int]) throws -> Column {
        try Column.validate(indices, rowCount: count)
        return indices.withUnsafeBufferPointer { gathering($0) }
    }

    /// Throws `TableError.rowOutOfRange` for the first index outside `0..<rowCount`.
    static func validate(_ indices: [Int], rowCount: Int) throws {
        let bound = UInt(bitPattern: rowCount)
        let firstBad = indices.withUnsafeBufferPointer { buffer -> Int? in
            for index in buffer where UInt(bitPattern: index) >= bound { return index }
            return nil
        }
        if let firstBad { throw TableError.rowOutOfRange(row: firstBad, rowCount: rowCount) }
    }

    /// The values at `indices`, which the caller has checked are in range.
    func gathering(_ indices: UnsafeBufferPointer<Int>) -> Column {
        switch self {
        case .numeric(let c):
            .numeric(NumericColumn(storage: c.storage.gathering(indices)))
        case .categorical(let c):
            .categorical(CategoricalColumn(codes: c.codes.gathering(indices), levels: c.levels))
        case .boolean(let c):
            .boolean(BooleanColumn(storage: c.storage.gathering(indices)))
        case .text(let c):
            .text(c.gathering(indices))
        case .timestamp(let c):
            .timestamp(TimestampColumn(storage: c.storage.gathering(indices)))
        }
    }
}

extension ColumnBuffer {
    /// A new buffer holding `self[indices[0]], self[indices[1]], …`.
    /// - Precondition: every index is in `0..<count` (checked by the caller).
    func gathering(_ indices: UnsafeBufferPointer<Int>) -> ColumnBuffer<Element> {
        let result = ColumnBuffer<Element>(capacity: indices.count)
        guard let from = indices.baseAddress else { return result }
        let source = UnsafePointer(baseAddress)
        let target = result.baseAddress
        for position in 0..<indices.count {
            (target + position).initialize(to: source[from[position]])
        }
        result.setCount(indices.count)
        return result
    }
}

extension TextColumn {
    /// A new text column holding the rows at `indices`, with its own bytes and offsets.
    /// - Precondition: every index is in `0..<count` (checked by the caller).
    func gathering(_ indices: UnsafeBufferPointer<Int>) -> TextColumn {
        let rowCount = indices.count
        let newOffsets = ColumnBuffer<Int>(capacity: rowCount + 1)
        let newMissing = missing.gathering(indices)
        let oldOffsets = UnsafePointer(offsets.baseAddress)
        let offsetTarget = newOffsets.baseAddress
        offsetTarget.initialize(to: 0)
        var total = 0
        for position in 0..<rowCount {
            let row = indices[position]
            total += oldOffsets[row + 1] - oldOffsets[row]
            (offsetTarget + position + 1).initialize(to: total)
        }
        newOffsets.setCount(rowCount + 1)
        let newBytes = ColumnBuffer<UInt8>(capacity: total)
        let oldBytes = UnsafePointer(bytes.baseAddress)
        let byteTarget = newBytes.baseAddress
        for position in 0..<rowCount {
            let row = indices[position]
            let start = oldOffsets[row]
            let length = oldOffsets[row + 1] - start
            (byteTarget + offsetTarget[position]).initialize(from: oldBytes + start, count: length)
        }
        newBytes.setCount(total)
        return TextColumn(bytes: newBytes, offsets: newOffsets, missing: newMissing)
    }
}
