import ApusModel
import ApusMonitor
import ApusTable

/// A table's columns as the drift analysis reads them, matched to the model's features by name.
enum MonitorSamples {
    /// The sample of `feature` in `table`, or nil when the table has no such column. A numeric
    /// feature read from a column of text keeps the values that parse as numbers (the others
    /// count as missing; data quality reports them); a categorical feature reads any column
    /// through its values' text.
    static func input(_ feature: Feature, in table: Table) -> DriftInput? {
        guard let column = table[feature.name] else { return nil }
        switch (feature.kind, column) {
        case (.numeric, .numeric(let values)): return .column(values.storage)
        case (.numeric, .timestamp(let values)): return .column(values.storage)
        case (.numeric, .boolean(let values)):
            return .values((0..<values.count).map { values[$0].map { $0 ? 1.0 : 0.0 } ?? .nan })
        case (.numeric, _):
            return .values((0..<column.count).map { row in column.formattedValue(at: row).flatMap { Double($0) } ?? .nan })
        case (.categorical, .categorical(let values)): return .levels(LevelCounts(values))
        case (.categorical, _):
            return .levels(LevelCounts((0..<column.count).map { column.formattedValue(at: $0) }))
        }
    }

    /// The drift inputs of every model feature present in both tables, and a verdict-less entry
    /// (with a note) for each feature missing from either.
    static func features(of schema: FeatureSchema, reference: Table, current: Table)
        -> (inputs: [DriftFeatureInput], missing: [String: String]) {
        var inputs: [DriftFeatureInput] = []
        var missing: [String: String] = [:]
        for feature in schema.features {
            let ref = input(feature, in: reference), cur = input(feature, in: current)
            if let ref, let cur {
                inputs.append(DriftFeatureInput(name: feature.name, reference: ref, current: cur))
            } else {
                let sides = [ref == nil ? "reference" : nil, cur == nil ? "current" : nil].compactMap { $0 }
                missing[feature.name] = "not compared: the \(sides.joined(separator: " and ")) data \(sides.count == 1 ? "has" : "have") no column `\(feature.name)`"
            }
        }
        return (inputs, missing)
    }

    /// The table with every model feature it lacks added as an all-missing column, and numeric
    /// features held as text read as numbers (unparsable values missing), so the model can score
    /// data whose schema drifted; what was changed is for data quality to report.
    static func conformed(_ table: Table, to schema: FeatureSchema) -> Table {
        var columns: [(name: String, column: Column)] = zip(table.columnNames, table.columns).map { ($0, $1) }
        var changed = false
        for feature in schema.features {
            if let position = table.position(of: feature.name) {
                let column = table.columns[position]
                guard feature.kind == .numeric else { continue }
                switch column {
                case .categorical, .text:
                    let values = (0..<column.count).map { column.formattedValue(at: $0).flatMap { Double($0) } ?? .nan }
                    columns[position].column = .numeric(NumericColumn(values))
                    changed = true
                default: continue
                }
            } else {
                let empty: Column = feature.kind == .numeric
                    ? .numeric(NumericColumn([Double](repeating: .nan, count: table.rowCount)))
                    : .categorical(CategoricalColumn([String?](repeating: nil, count: table.rowCount)))
                columns.append((feature.name, empty))
                changed = true
            }
        }
        guard changed, let conformed = try? Table(columns) else { return table }
        return conformed
    }
}
