import ApusModel
import ApusTable

/// The checks of one model feature whose column is present: one pass over the column,
/// then the findings.
enum FeatureChecks {
    static func findings(feature: Feature, column: Column, expectation: FeatureExpectation?, rows: Int,
                         options: QualityOptions) -> [QualityFinding] {
        // An expectation of another kind is stale: only its missing rate still applies.
        let sameKind = expectation?.kind == feature.kind
        switch feature.kind {
        case .numeric:
            let low = sameKind ? bound(expectation?.minimum, default: -.infinity) : -.infinity
            let high = sameKind ? bound(expectation?.maximum, default: .infinity) : .infinity
            let scan = NumericScan.scan(column, low: low, high: high)
            var findings: [QualityFinding] = []
            if let finding = typeChanged(feature.name, column: column, scan: scan, rows: rows) { findings.append(finding) }
            if scan.present == 0 && scan.notNumbers == 0 {
                findings.append(allMissing(feature.name, rows: rows))
            } else if scan.present >= 2, !scan.varies, let first = scan.firstValue {
                findings.append(constant(feature.name, value: QualityText.number(first.value), row: first.row,
                                         present: scan.present, rows: rows))
            }
            if let finding = missingRate(feature.name, missing: scan.missing, firstMissing: scan.firstMissingRow,
                                         rows: rows, expectation: expectation, options: options) {
                findings.append(finding)
            }
            if let finding = outOfRange(feature.name, scan: scan, rows: rows) { findings.append(finding) }
            return findings
        case .categorical:
            let scan = LevelScan.scan(column)
            var findings: [QualityFinding] = []
            let present = scan.present
            if present == 0 {
                findings.append(allMissing(feature.name, rows: rows))
            } else if present >= 2, scan.levels.count == 1 {
                let level = scan.levels[0]
                findings.append(constant(feature.name, value: "`\(level.text)`", row: level.firstRow, present: present, rows: rows))
            }
            if let finding = missingRate(feature.name, missing: scan.missing, firstMissing: scan.firstMissingRow,
                                         rows: rows, expectation: expectation, options: options) {
                findings.append(finding)
            }
            let known = sameKind && !(expectation?.levels.isEmpty ?? true) ? expectation?.levels ?? [] : feature.levels
            if let finding = unseen(feature.name, scan: scan, known: Set(known), rows: rows, options: options) {
                findings.append(finding)
            }
            return findings
        }
    }

    private static func bound(_ value: Double?, default fallback: Double) -> Double {
        guard let value, !value.isNaN else { return fallback }
        return value
    }

    /// A numeric feature whose column holds values that are not numbers.
    static func typeChanged(_ name: String, column: Column, scan: NumericScan, rows: Int) -> QualityFinding? {
        guard scan.notNumbers > 0, let first = scan.firstNotNumber else { return nil }
        return QualityFinding(
            check: .typeChanged, column: name, severity: .error, count: scan.notNumbers,
            share: Double(scan.notNumbers) / Double(rows), exampleRow: first.row + 1, exampleValue: first.text,
            message: "`\(name)` is numeric in the model, but the current column is \(column.kind) and "
                + "\(QualityText.rows(scan.notNumbers, of: rows)) are not numbers, e.g. \(QualityText.row(first.row)) has "
                + "`\(first.text)`; scoring stops at such a value: fix the source or write it as missing")
    }

    static func allMissing(_ name: String, rows: Int) -> QualityFinding {
        QualityFinding(
            check: .allMissing, column: name, severity: .error, count: rows, share: 1, exampleRow: 1,
            message: "`\(name)` is missing in all \(formatCount(rows)) row\(rows == 1 ? "" : "s"); "
                + "the model sees no value of it: check the feed that fills it")
    }

    static func constant(_ name: String, value: String, row: Int, present: Int, rows: Int) -> QualityFinding {
        QualityFinding(
            check: .constantColumn, column: name, severity: .warning, count: present,
            share: Double(present) / Double(rows), exampleRow: row + 1,
            exampleValue: value.hasPrefix("`") ? String(value.dropFirst().dropLast()) : value,
            message: "`\(name)` holds the single value \(value) in all \(formatCount(present)) non-missing rows "
                + "(first at \(QualityText.row(row))); a constant feature gives the model nothing to go on: check the feed")
    }

    /// A rise in the missing share beyond `maxMissingIncrease` that the z-test says is not chance.
    static func missingRate(_ name: String, missing: Int, firstMissing: Int?, rows: Int,
                            expectation: FeatureExpectation?, options: QualityOptions) -> QualityFinding? {
        guard let expectation, missing > 0, let firstMissing else { return nil }
        let share = Double(missing) / Double(rows)
        let rise = share - expectation.missingRate
        guard rise > options.maxMissingIncrease else { return nil }
        let evidence: String
        if let test = MissingRateTest.test(trainingRate: expectation.missingRate, trainingRows: expectation.trainingRows,
                                           currentMissing: missing, currentRows: rows) {
            guard test.pValue < options.missingPValue else { return nil }
            evidence = "z = \(NumberFormatting.formatFixed(test.z, decimals: 2)), one-sided \(QualityText.pValue(test.pValue))"
        } else {
            evidence = "no test: the training row count is unknown"
        }
        return QualityFinding(
            check: .missingRateIncrease, column: name, severity: .warning, count: missing, share: share,
            exampleRow: firstMissing + 1,
            message: "`\(name)`: \(QualityText.rows(missing, of: rows)) are missing, against "
                + "\(QualityText.percent(expectation.missingRate)) in training (+\(NumberFormatting.formatFixed(rise * 100, decimals: 1)) "
                + "points; \(evidence)), first at \(QualityText.row(firstMissing)): check the feed that fills it")
    }

    /// Values outside the training range, with the one farthest outside.
    static func outOfRange(_ name: String, scan: NumericScan, rows: Int) -> QualityFinding? {
        let outside = scan.below + scan.above
        guard outside > 0 else { return nil }
        let lowGap = scan.below > 0 ? scan.low - scan.lowest : -1
        let highGap = scan.above > 0 ? scan.highest - scan.high : -1
        let (extreme, row) = lowGap >= highGap ? (scan.lowest, scan.lowestRow) : (scan.highest, scan.highestRow)
        return QualityFinding(
            check: .outOfRange, column: name, severity: .warning, count: outside, share: Double(outside) / Double(rows),
            exampleRow: row + 1, exampleValue: QualityText.number(extreme),
            message: "`\(name)`: \(QualityText.rows(outside, of: rows)) are outside the training range "
                + "[\(QualityText.number(scan.low)), \(QualityText.number(scan.high))] (\(formatCount(scan.below)) below, "
                + "\(formatCount(scan.above)) above); the most extreme is \(QualityText.number(extreme)) at "
                + "\(QualityText.row(row)); trees treat every value past the edge like the edge")
    }

    /// Levels the model never saw, the most frequent named with their counts.
    static func unseen(_ name: String, scan: LevelScan, known: Set<String>, rows: Int, options: QualityOptions) -> QualityFinding? {
        let novel = scan.levels.filter { !known.contains($0.text) }
        guard let first = novel.first else { return nil }  // in order of first appearance
        let count = novel.reduce(0) { $0 + $1.count }
        let ranked = novel.enumerated().sorted { ($0.element.count, -$0.offset) > ($1.element.count, -$1.offset) }.map(\.element)
        let shown = ranked.prefix(max(options.maxExampleLevels, 0)).map { "`\($0.text)` (\(formatCount($0.count)))" }
        let rest = ranked.count - shown.count
        let levels = shown.joined(separator: ", ") + (rest > 0 ? ", and \(formatCount(rest)) more level\(rest == 1 ? "" : "s")" : "")
        return QualityFinding(
            check: .unseenCategories, column: name, severity: .warning, count: count, share: Double(count) / Double(rows),
            exampleRow: first.firstRow + 1, exampleValue: first.text,
            message: "`\(name)`: \(QualityText.rows(count, of: rows)) hold levels the model never saw: \(levels); "
                + "first at \(QualityText.row(first.firstRow)) (`\(first.text)`); the model routes them as unseen levels: "
                + "retrain if they are here to stay")
    }
}
