import ApusModel
import ApusTable

/// The values of one feature column as training reads them: numbers (numeric, boolean
/// and timestamp columns, missing as NaN) or level codes (categorical columns, missing
/// as `CategoricalColumn.missingCode`).
enum FeatureColumn: Sendable {
    case numeric(ColumnBuffer<Double>)
    case categorical(ColumnBuffer<UInt32>, levels: [String])

    /// The column's values for training, or nil for text columns (free text is not a feature).
    init?(_ column: Column) {
        switch column {
        case .numeric(let values): self = .numeric(values.storage)
        case .timestamp(let values): self = .numeric(values.storage)
        case .boolean(let values):
            self = .numeric(values.storage.withUnsafeBufferPointer { bytes in
                ColumnBuffer(count: bytes.count) { out in
                    for row in 0..<bytes.count {
                        out[row] = bytes[row] == BooleanColumn.missingByte ? .nan : Double(bytes[row])
                    }
                }
            })
        case .categorical(let values): self = .categorical(values.codes, levels: values.levels)
        case .text: return nil
        }
    }

    /// How the model sees this column.
    func feature(named name: String) -> Feature {
        switch self {
        case .numeric: Feature(name: name, kind: .numeric)
        case .categorical(_, let levels): Feature(name: name, kind: .categorical, levels: levels)
        }
    }
}

extension FeatureSchema {
    /// Encodes `table`'s columns into the model's row-major feature matrix.
    ///
    /// Columns are found by name, so their order and any extra columns do not matter.
    /// Categorical levels are matched by text; a level the model never saw becomes
    /// ``FeatureSchema/unseenLevelCode``. A numeric feature read as a categorical column
    /// (text in a number column) is an error naming the first bad value. Numeric and
    /// categorical columns are copied in parallel over blocks of rows.
    ///
    /// - Parameter threads: Threads to use; 0 means one per processor.
    /// - Throws: ``ModelError/missingFeature(name:suggestion:)`` naming the closest column,
    ///   or ``ModelError/invalidValue(feature:row:value:expected:)``.
    public func encode(table: Table, threads: Int = 0) throws(ModelError) -> [Double] {
        let rows = table.rowCount, width = count
        var plans: [FillPlan] = []
        for feature in features {
            guard let column = table[feature.name] else {
                throw .missingFeature(name: feature.name, suggestion: closestName(to: feature.name, among: table.columnNames))
            }
            plans.append(plan(column, feature: plans.count))
        }
        let fills = plans
        var failure: ModelError?
        let matrix = [Double](unsafeUninitializedCapacity: rows * width) { buffer, initialized in
            // Every cell is written below: each plan writes every row of its column.
            let output = UnsafeSendable(buffer.baseAddress ?? UnsafeMutablePointer(bitPattern: 8)!)
            for (index, plan) in plans.enumerated() {
                guard case .parsed(let column) = plan else { continue }
                do throws(ModelError) {
                    try parse(column, feature: index, rows: rows, width: width, into: output.pointer)
                } catch {
                    failure = error
                    break
                }
            }
            let blockRows = 16_384
            let blocks = (rows + blockRows - 1) / blockRows
            ParallelLoop.forEach(count: failure == nil ? blocks : 0, threads: threads > 0 ? threads : processorCount()) { block in
                let start = block * blockRows, end = min(rows, start + blockRows)
                for (index, plan) in fills.enumerated() {
                    plan.copy(rows: start..<end, feature: index, width: width, into: output.pointer)
                }
            }
            initialized = failure == nil ? rows * width : 0
        }
        if let failure { throw failure }
        return matrix
    }

    /// How one column becomes a feature-matrix column.
    private func plan(_ column: Column, feature index: Int) -> FillPlan {
        switch (features[index].kind, FeatureColumn(column)) {
        case (.numeric, .numeric(let values)?):
            return .numbers(values)
        case (.categorical, .categorical(let codes, let levels)?):
            return .codes(codes, levels.map { code(ofLevel: $0, feature: index) })
        default:
            return .parsed(column)
        }
    }

    /// Writes a column whose kind differs from the feature's by reading its text:
    /// numbers, booleans or text in a categorical feature are looked up as levels; a
    /// numeric feature must parse as numbers.
    private func parse(
        _ column: Column, feature index: Int, rows: Int, width: Int, into matrix: UnsafeMutablePointer<Double>
    ) throws(ModelError) {
        let feature = features[index]
        for row in 0..<rows {
            guard let text = column.formattedValue(at: row) else {
                matrix[row * width + index] = .nan
                continue
            }
            if feature.kind == .categorical {
                matrix[row * width + index] = code(ofLevel: text, feature: index)
            } else {
                guard let number = Double(text) else {
                    throw .invalidValue(feature: feature.name, row: row, value: text, expected: "a number")
                }
                matrix[row * width + index] = number
            }
        }
    }
}

/// How a table column fills its feature-matrix column.
private enum FillPlan: Sendable {
    /// A numeric column for a numeric feature: copied.
    case numbers(ColumnBuffer<Double>)
    /// A categorical column for a categorical feature: table codes mapped to model codes.
    case codes(ColumnBuffer<UInt32>, [Double])
    /// Any other pairing: read through the values' text (done before the parallel copy).
    case parsed(Column)

    func copy(rows: Range<Int>, feature index: Int, width: Int, into matrix: UnsafeMutablePointer<Double>) {
        switch self {
        case .numbers(let values):
            values.withUnsafeBufferPointer { values in
                for row in rows { matrix[row &* width &+ index] = values[row] }
            }
        case .codes(let codes, let mapped):
            mapped.withUnsafeBufferPointer { mapped in
                codes.withUnsafeBufferPointer { codes in
                    for row in rows {
                        let code = codes[row]
                        matrix[row &* width &+ index] = code == CategoricalColumn.missingCode ? .nan : mapped[Int(code)]
                    }
                }
            }
        case .parsed:
            return
        }
    }
}
