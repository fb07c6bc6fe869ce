import ApusStore
import ApusTrain

/// One metric of two versions side by side.
public struct MetricComparison: Sendable {
    /// The metric's name (`auc`, `logloss`, …).
    public var name: String
    /// Its value for each version (nil when that version did not record it).
    public var a: Double?
    public var b: Double?
    /// `b - a`, when both recorded it.
    public var difference: Double? { a.flatMap { a in b.map { $0 - a } } }
    /// Whether a higher value is better (nil for a metric Apus does not know).
    public var higherIsBetter: Bool?
    /// `a`, `b` or `equal`; nil when a value or the metric's direction is unknown.
    public var better: String? {
        guard let a, let b, let higherIsBetter else { return nil }
        if a == b { return "equal" }
        return (b > a) == higherIsBetter ? "b" : "a"
    }
}

/// Two versions of a registered model compared: their metrics side by side and where their
/// lineage differs.
public struct VersionComparison: Sendable {
    /// The registered model.
    public var model: String
    /// The two versions.
    public var a: ModelVersion
    public var b: ModelVersion
    /// Every metric either recorded, by name.
    public var metrics: [MetricComparison]
    /// Lineage entries (data fingerprint, parameters hash, seed, code version, …) that differ.
    public var lineageDifferences: [(key: String, a: String?, b: String?)]
}

/// Compares versions of a registered model: what `compare_versions` answers.
public enum VersionComparing {
    /// Versions `a` and `b` of `model`, each a version number (`3`) or an alias (`champion`,
    /// `@champion`, `latest`).
    ///
    /// - Throws: ``ServiceError`` naming an unknown model, version or alias.
    public static func compare(model: String, a: String, b: String, store: any Store) throws -> VersionComparison {
        let first = try version(model: model, a, store: store), second = try version(model: model, b, store: store)
        let names = Set(first.metrics.keys).union(second.metrics.keys).sorted()
        let metrics = names.map { name in
            MetricComparison(name: name, a: first.metrics[name], b: second.metrics[name],
                             higherIsBetter: (try? Metrics.named(name))?.isHigherBetter)
        }
        let keys = Set(first.lineage.keys).union(second.lineage.keys).sorted()
        let differences = keys.compactMap { key -> (key: String, a: String?, b: String?)? in
            first.lineage[key] == second.lineage[key] ? nil : (key, first.lineage[key], second.lineage[key])
        }
        return VersionComparison(model: model, a: first, b: second, metrics: metrics, lineageDifferences: differences)
    }

    private static func version(model: String, _ text: String, store: any Store) throws -> ModelVersion {
        let trimmed = text.hasPrefix("@") ? String(text.dropFirst()) : text
        do {
            if let number = Int(trimmed) {
                guard number > 0 else { throw ServiceError("`\(text)` is not a version: versions are numbered from 1") }
                return try store.version(model: model, version: number)
            }
            return try store.resolve(model: model, alias: trimmed)
        } catch let error as StoreError {
            throw ServiceError("\(error.description); a version is a number such as 3, or an alias such as champion")
        }
    }
}
