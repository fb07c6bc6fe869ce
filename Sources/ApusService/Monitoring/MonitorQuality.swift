import ApusModel
import ApusMonitor
import ApusTable

/// The data quality section: the current table checked against the model's schema and what the
/// reference looked like (ranges, missing rates) per feature.
enum MonitorQuality {
    /// What the reference showed of each model feature, from the drift analysis's summaries.
    static func expectations(schema: FeatureSchema, features: [FeatureDrift]) -> [FeatureExpectation] {
        var byName: [String: FeatureDrift] = [:]
        for feature in features { byName[feature.name] = feature }
        return schema.features.compactMap { feature in
            guard let reference = byName[feature.name]?.reference, reference.count + reference.missing > 0 else { return nil }
            return FeatureExpectation(
                name: feature.name, kind: feature.kind,
                minimum: feature.kind == .numeric ? reference.minimum : nil,
                maximum: feature.kind == .numeric ? reference.maximum : nil,
                missingRate: reference.missingShare, trainingRows: reference.count + reference.missing)
        }
    }

    /// The findings; `known` names columns that are expected beside the features (the target, the
    /// labels, the sensitive column), which are not reported as extra.
    static func json(current: Table, schema: FeatureSchema, expectations: [FeatureExpectation], known: [String]) -> ReportJSON {
        var table = current
        let present = Set(known + [PredictionLogWindow.labelsColumn]).filter { current.position(of: $0) != nil && schema.index(of: $0) == nil }
        if !present.isEmpty, let without = try? current.dropping(columns: present.sorted()) { table = without }
        let findings = DataQuality.check(current: table, schema: schema, expectations: expectations)
        func count(_ severity: QualitySeverity) -> Int { findings.filter { $0.severity == severity }.count }
        return .object([
            ("errors", .integer(count(.error))), ("warnings", .integer(count(.warning))), ("infos", .integer(count(.info))),
            ("findings", .array(findings.map { finding in
                .object([
                    ("check", .string(finding.check.rawValue)), ("column", .string(finding.column)),
                    ("severity", .string(finding.severity.rawValue)), ("count", .integer(finding.count)),
                    ("share", .number(finding.share)), ("example_row", finding.exampleRow.map { .integer($0) } ?? .null),
                    ("example_value", .string(finding.exampleValue)), ("message", .string(finding.message)),
                ])
            })),
        ])
    }
}
