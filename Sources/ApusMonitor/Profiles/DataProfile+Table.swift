import ApusTable

extension DataProfile {
    /// Profiles the numeric, categorical and boolean columns of a reference `table` (`columns`
    /// names them, in order; nil takes every column of those kinds, in the table's order).
    ///
    /// Each numeric column's histogram edges are its minimum, its distinct exact quantiles at
    /// 1/bins, 2/bins … (bins − 1)/bins (the inverted-CDF quantile: the smallest value with at
    /// least that fraction of values at or below it, from a radix sort), and its maximum; so each
    /// bin holds about 1/bins of the reference, fewer bins when values tie. A constant column gets
    /// the edges [v, v] (one bin), a column without values none.
    /// - Throws: `DriftError.unknownColumn`, `.unsupportedColumn` (text, timestamp named
    ///   explicitly), `.invalidParameter` for bins < 1.
    public static func make(table: Table, columns names: [String]? = nil, bins: Int = 20) throws(DriftError) -> DataProfile {
        guard bins >= 1 && bins <= 1_000_000 else { throw .invalidParameter(name: "bins", value: Double(bins)) }
        var profiles = [ColumnProfile]()
        for name in names ?? table.columnNames {
            guard let column = table[name] else { throw .unknownColumn(name) }
            switch column {
            case .numeric(let numeric):
                let profile = numeric.storage.withUnsafeBufferPointer { values in
                    Result { () throws(DriftError) in
                        try NumericProfile(name: name, values: values, edges: referenceEdges(values, bins: bins))
                    }
                }
                profiles.append(.numeric(try profile.get()))
            case .categorical(let categorical):
                profiles.append(.categorical(try categoricalProfile(name, categorical, like: nil)))
            case .boolean(let boolean):
                profiles.append(.categorical(try booleanProfile(name, boolean, like: nil)))
            case .text, .timestamp:
                if names != nil { throw .unsupportedColumn(column: name, kind: column.kind.rawValue) }
            }
        }
        return try DataProfile(rowCount: table.rowCount, columns: profiles)
    }

    /// Profiles a current `table` the way `reference` was made: the same columns, each numeric one
    /// on the reference's edges, each categorical one starting with the reference's levels.
    /// - Throws: `DriftError.unknownColumn` when the table lacks a column, `.profileMismatch`
    ///   when a column's kind changed.
    public static func make(table: Table, like reference: DataProfile) throws(DriftError) -> DataProfile {
        var profiles = [ColumnProfile]()
        for columnProfile in reference.columns {
            let name = columnProfile.name
            guard let column = table[name] else { throw .unknownColumn(name) }
            switch (columnProfile, column) {
            case (.numeric(let model), .numeric(let numeric)):
                let profile = numeric.storage.withUnsafeBufferPointer { values in
                    Result { () throws(DriftError) in
                        try NumericProfile(name: name, values: values, edges: model.edges, sketchK: model.sketch.k)
                    }
                }
                profiles.append(.numeric(try profile.get()))
            case (.categorical(let model), .categorical(let categorical)):
                profiles.append(.categorical(try categoricalProfile(name, categorical, like: model)))
            case (.categorical(let model), .boolean(let boolean)):
                profiles.append(.categorical(try booleanProfile(name, boolean, like: model)))
            default:
                throw .profileMismatch(column: name, reason: "the reference profile is \(columnProfile.kind) but the column is \(column.kind)")
            }
        }
        return try DataProfile(rowCount: table.rowCount, columns: profiles)
    }

    /// The reference edges described in `make(table:columns:bins:)`.
    static func referenceEdges(_ values: UnsafeBufferPointer<Double>, bins: Int) -> [Double] {
        var sorted = [Double]()
        sorted.reserveCapacity(values.count)
        for x in values where x.isFinite { sorted.append(x) }
        guard !sorted.isEmpty else { return [] }
        RadixSort.sort(&sorted)
        let n = sorted.count
        var edges = [sorted[0]]
        for i in 1..<bins {
            // ⌈i·n / bins⌉ − 1, without overflow for any realistic n.
            let index = (i * n + bins - 1) / bins - 1
            let value = sorted[Swift.max(index, 0)]
            if value > edges[edges.count - 1] { edges.append(value) }
        }
        if sorted[n - 1] > edges[edges.count - 1] || edges.count == 1 { edges.append(sorted[n - 1]) }
        return edges
    }

    static func categoricalProfile(_ name: String, _ column: CategoricalColumn,
                                   like reference: CategoricalProfile?) throws(DriftError) -> CategoricalProfile {
        try column.codes.withUnsafeBufferPointer { codes in
            Result { () throws(DriftError) in
                try CategoricalProfile(name: name, codes: codes, levelNames: column.levels,
                                       missingCode: CategoricalColumn.missingCode, like: reference)
            }
        }.get()
    }

    /// Booleans as the levels "false" (byte 0) and "true" (byte 1); byte 2 is missing.
    static func booleanProfile(_ name: String, _ column: BooleanColumn,
                               like reference: CategoricalProfile?) throws(DriftError) -> CategoricalProfile {
        var codes = [UInt32](repeating: 0, count: column.count)
        var bad: (row: Int, byte: UInt8)?
        column.storage.withUnsafeBufferPointer { bytes in
            for (row, byte) in bytes.enumerated() {
                switch byte {
                case 0, 1: codes[row] = UInt32(byte)
                case BooleanColumn.missingByte: codes[row] = UInt32.max
                default: bad = (row, byte); return
                }
            }
        }
        if let bad { throw .invalidLevelCode(column: name, row: bad.row, code: UInt32(bad.byte), levelCount: 2) }
        return try codes.withUnsafeBufferPointer { codes in
            Result { () throws(DriftError) in
                try CategoricalProfile(name: name, codes: codes, levelNames: ["false", "true"], like: reference)
            }
        }.get()
    }
}
