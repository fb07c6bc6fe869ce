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
    /// (text in a number column) is an error naming the first bad value.
    ///
    /// - Throws: ``ModelError/missingFeature(name:suggestion:)`` naming the closest column,
    ///   or ``ModelError/invalidValue(feature:row:value:expected:)``.
    public func encode(table: Table) throws(ModelError) -> [Double] {
        let rows = table.rowCount, width = count
        var matrix = [Double](repeating: .nan, count: rows * width)
        for (index, feature) in features.enumerated() {
            guard let column = table[feature.name] else {
                throw .missingFeature(name: feature.name, suggestion: closestName(to: feature.name, among: table.columnNames))
            }
            try matrix.withUnsafeMutableBufferPointer { (matrix) throws(ModelError) in
                try fill(matrix, column: column, feature: index, rows: rows, width: width)
            }
        }
        return matrix
    }

    private func fill(
        _ matrix: UnsafeMutableBufferPointer<Double>, column: Column, feature index: Int, rows: Int, width: Int
    ) throws(ModelError) {
        let feature = features[index]
        switch (feature.kind, FeatureColumn(column)) {
        case (.numeric, .numeric(let values)?):
            values.withUnsafeBufferPointer { values in
                for row in 0..<rows { matrix[row * width + index] = values[row] }
            }
        case (.categorical, .categorical(let codes, let levels)?):
            let mapped = levels.map { code(ofLevel: $0, feature: index) }
            codes.withUnsafeBufferPointer { codes in
                for row in 0..<rows {
                    let code = codes[row]
                    matrix[row * width + index] = code == CategoricalColumn.missingCode ? .nan : mapped[Int(code)]
                }
            }
        case (.categorical, _):
            // Numbers, booleans or text in a categorical feature: match their text.
            for row in 0..<rows {
                guard let text = column.formattedValue(at: row) else { continue }
                matrix[row * width + index] = code(ofLevel: text, feature: index)
            }
        case (.numeric, _):
            for row in 0..<rows {
                guard let text = column.formattedValue(at: row) else { continue }
                guard let number = Double(text) else {
                    throw .invalidValue(feature: feature.name, row: row, value: text, expected: "a number")
                }
                matrix[row * width + index] = number
            }
        }
    }
}
