import ApusModel
import ApusTable

/// Data-quality checks of a current window against what the model was trained on
/// (issue #8, part 3).
///
/// Everything is a finding, never an error: a table that lacks features, holds text where
/// the model reads numbers, or has no rows is described, not refused.
public enum DataQuality {
    /// Checks `current` against the model's `schema` and the training `expectations`.
    ///
    /// - An empty table gives the single finding `empty_window` and nothing else.
    /// - Schema: `missing_feature` (error) per model feature the table lacks; `type_changed`
    ///   (error) when a numeric feature's column holds values that are not numbers (a
    ///   categorical feature's column may be of any kind: its values are looked up as text,
    ///   as the scorer does); one `extra_columns` (info) listing the columns the model does
    ///   not read.
    /// - Per feature present: `all_missing` (error), `constant_column` (warning),
    ///   `missing_rate_increase`, `out_of_range` and `unseen_categories` (warnings). The
    ///   last three need the feature's expectation (matched by name); levels fall back to
    ///   the schema's.
    /// - `duplicated_rows` (warning): rows equal to an earlier row over every column.
    ///
    /// Features are scanned in parallel, one task per feature; row hashes in parallel over
    /// blocks of rows. Findings come in a fixed order: missing features, extra columns,
    /// each feature's findings in schema order, duplicated rows.
    public static func check(current: Table, schema: FeatureSchema, expectations: [FeatureExpectation] = [],
                             options: QualityOptions = QualityOptions()) -> [QualityFinding] {
        guard current.rowCount > 0 else {
            return [QualityFinding(check: .emptyWindow, column: nil, severity: .warning, count: 0, share: 0,
                                   message: "the current window has no rows")]
        }
        var findings = schemaFindings(current, schema: schema, options: options)
        var byName: [String: FeatureExpectation] = [:]
        for expectation in expectations where byName[expectation.name] == nil { byName[expectation.name] = expectation }
        let expected = byName
        let present = schema.features.compactMap { feature in current[feature.name].map { (feature, $0) } }
        let rows = current.rowCount
        let perFeature = Parallel.map(count: present.count) { index in
            let (feature, column) = present[index]
            return FeatureChecks.findings(feature: feature, column: column, expectation: expected[feature.name],
                                          rows: rows, options: options)
        }
        for list in perFeature { findings += list }
        if options.checksDuplicates, let duplicates = duplicateFinding(current) { findings.append(duplicates) }
        return findings
    }

    /// Model features the table lacks, and columns the model does not read.
    static func schemaFindings(_ table: Table, schema: FeatureSchema, options: QualityOptions) -> [QualityFinding] {
        var findings: [QualityFinding] = []
        for feature in schema.features where table[feature.name] == nil {
            var message = "model feature `\(feature.name)` is not a column of the current table"
            if let suggestion = closestName(to: feature.name, among: table.columnNames) {
                message += " (did you mean `\(suggestion)`?)"
            }
            message += "; the model cannot score these rows: add the column or fix its name"
            findings.append(QualityFinding(check: .missingFeature, column: feature.name, severity: .error,
                                           count: table.rowCount, share: 1, message: message))
        }
        let extra = table.columnNames.filter { schema.index(of: $0) == nil }
        if !extra.isEmpty {
            let noun = extra.count == 1 ? "1 column is" : "\(formatCount(extra.count)) columns are"
            findings.append(QualityFinding(
                check: .extraColumns, column: nil, severity: .info, count: extra.count,
                share: Double(extra.count) / Double(table.columnCount),
                message: "\(noun) not read by the model: \(QualityText.list(extra, limit: options.maxListedColumns))"))
        }
        return findings
    }

    /// The `duplicated_rows` finding, or `nil` when every row is distinct.
    static func duplicateFinding(_ table: Table) -> QualityFinding? {
        let result = DuplicateRows.find(in: table)
        guard result.count > 0, let pair = result.firstPair else { return nil }
        let rows = table.rowCount
        let columns = table.columnCount == 1 ? "the only column" : "all \(formatCount(table.columnCount)) columns"
        return QualityFinding(
            check: .duplicatedRows, column: nil, severity: .warning, count: result.count,
            share: Double(result.count) / Double(rows), exampleRow: pair.later + 1,
            exampleValue: QualityText.row(pair.earlier),
            message: "\(QualityText.rows(result.count, of: rows)) repeat an earlier row over \(columns), e.g. "
                + "\(QualityText.row(pair.later)) repeats \(QualityText.row(pair.earlier)); look for a join or a retry that doubles rows")
    }
}
