/// The drift results as the report's JSON (docs/monitoring.md, "The report").
extension FeatureDrift {
    /// The feature's member of `features`: verdict, statistics where they apply, summaries,
    /// distributions.
    public var json: ReportJSON {
        var members: [(String, ReportJSON)] = [
            ("type", .string(kind.rawValue)),
            ("test", .string(test?.rawValue)),
            ("threshold", .number(threshold)),
            ("score", .number(score)),
            ("drifted", .bool(drifted)),
            ("approximate", .bool(approximate)),
        ]
        let s = statistics
        let optional: [(String, Double?)] = [
            ("psi", s.psi), ("ks_statistic", s.ksStatistic), ("ks_p_value", s.ksPValue), ("wasserstein", s.wasserstein),
            ("wasserstein_normed", s.wassersteinNormed), ("js_distance", s.jsDistance), ("chi2_statistic", s.chi2Statistic),
            ("chi2_p_value", s.chi2PValue), ("cramers_v", s.cramersV), ("z_statistic", s.zStatistic), ("z_p_value", s.zPValue),
        ]
        for (key, value) in optional {
            guard let value else { continue }
            members.append((key, .number(value)))
            if key == "psi", let band = s.psiBand { members.append(("psi_band", .string(band.rawValue))) }
        }
        members.append(("reference", reference.json))
        members.append(("current", current.json))
        if let distribution {
            var parts: [(String, ReportJSON)] = []
            if distribution.levels.isEmpty {
                parts.append(("edges", .array(distribution.edges.map { .number($0) })))
            } else {
                parts.append(("levels", .array(distribution.levels.map { .string($0) })))
            }
            parts.append(("reference", .array(distribution.reference.map { .number($0) })))
            parts.append(("current", .array(distribution.current.map { .number($0) })))
            members.append(("distribution", .object(parts)))
        }
        if let note { members.append(("note", .string(note))) }
        return .object(members)
    }
}

extension SampleSummary {
    /// count, missing, missing_share, and mean, std, min, max, distinct where known.
    public var json: ReportJSON {
        var members: [(String, ReportJSON)] = [
            ("count", .integer(count)), ("missing", .integer(missing)), ("missing_share", .number(missingShare)),
        ]
        if let mean { members.append(("mean", .number(mean))) }
        if let deviation { members.append(("std", .number(deviation))) }
        if let minimum { members.append(("min", .number(minimum))) }
        if let maximum { members.append(("max", .number(maximum))) }
        if let distinct { members.append(("distinct", .integer(distinct))) }
        return .object(members)
    }
}

extension DatasetDrift {
    /// The report's `dataset_drift` member.
    public var json: ReportJSON {
        .object([
            ("features", .integer(features.count)), ("compared", .integer(compared)), ("drifted", .integer(drifted)),
            ("share", .number(share)), ("threshold", .number(shareThreshold)), ("drifted_dataset", .bool(datasetDrifted)),
        ])
    }

    /// The report's `features` member: each feature by name, in order.
    public var featuresJSON: ReportJSON { .object(features.map { ($0.name, $0.json) }) }
}

extension DriftOptions {
    /// The report's `options` member, with the α each feature's p-value was compared with.
    public func json(featureAlpha: Double) -> ReportJSON {
        .object([
            ("policy", .string(policy.rawValue)), ("test", .string(test?.rawValue)), ("alpha", .number(alpha)),
            ("correction", .string(correction.rawValue)), ("feature_alpha", .number(featureAlpha)),
            ("psi_threshold", .number(psiThreshold)), ("psi_significant", .number(psiSignificant)),
            ("wasserstein_threshold", .number(wassersteinThreshold)), ("js_threshold", .number(jensenShannonThreshold)),
            ("drift_share", .number(driftShare)),
        ])
    }
}
