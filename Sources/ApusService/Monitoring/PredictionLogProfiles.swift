import ApusModel
import ApusMonitor
import ApusStore
import Foundation

/// Profiles of the prediction log, built incrementally: as the server writes the log, the rows of
/// each batch are profiled on the version's reference edges (every answered row, whether or not
/// its inputs were sampled) and merged into the store's profile of that version and hour. A
/// window of any length is then the merge of its hours: monitoring needs neither the raw inputs
/// nor a cap on rows.
public enum PredictionLogProfiles {
    /// The start of the hour holding `milliseconds` (since 1970), as the store writes times.
    public static func bucket(milliseconds: Int64) -> String {
        StoreClock.format(milliseconds: milliseconds - ((milliseconds % 3_600_000) + 3_600_000) % 3_600_000)
    }

    /// The reference profile training stored for `model` version `version`, or nil (none stored,
    /// or not readable).
    public static func reference(model: Model, version: ModelVersion, store: any Store) -> ReferenceProfile? {
        let resolved = ResolvedModel(model: model, reference: .version(model: version.model, version: version.version),
                                     version: version, path: "")
        return try? MonitorReference.load(resolved, store: store).profile
    }

    /// The profile of `rows` rows (`features` row-major as ``FeatureSchema`` encodes them: level
    /// codes, −1 for an unseen level whose text `unseen` gives by `row * width + feature`, NaN for
    /// missing) and of the model's outputs (`outputs`: `rows × width` probabilities or values), on
    /// `reference`'s edges and levels.
    public static func profile(reference: ReferenceProfile, model: Model, features: [Double], rows: Int,
                               unseen: [Int: String], outputs: [Double]) throws -> DataProfile {
        let schema = model.schema, width = schema.count
        var columns: [ColumnProfile] = []
        for column in reference.data.columns {
            guard let index = schema.index(of: column.name) else { continue }
            let feature = schema.features[index]
            switch column {
            case .numeric(let profile):
                let values = (0..<rows).map { features[$0 * width + index] }
                columns.append(.numeric(try NumericProfile(name: column.name, values: values, edges: profile.edges)))
            case .categorical:
                var counts: [String: Int] = [:], order: [String] = [], missing = 0
                for row in 0..<rows {
                    let code = features[row * width + index]
                    if code.isNaN { missing += 1; continue }
                    let level = code >= 0 && Int(code) < feature.levels.count
                        ? feature.levels[Int(code)] : (unseen[row * width + index] ?? "(unseen)")
                    if counts[level] == nil { order.append(level) }
                    counts[level, default: 0] += 1
                }
                columns.append(.categorical(try CategoricalProfile(name: column.name, levels: order,
                                                                    counts: order.map { counts[$0]! }, missing: missing)))
            }
        }
        var predictions: ColumnProfile?
        if let reference = reference.data.predictions {
            switch reference {
            case .numeric(let profile) where model.task != .multiclass:
                predictions = .numeric(try NumericProfile(name: "prediction", values: outputs, edges: profile.edges))
            case .categorical where model.task == .multiclass:
                var counts = [Int](repeating: 0, count: model.classes.count)
                for predicted in MonitorPredictions(model: model, predicted: outputs).values { counts[Int(predicted)] += 1 }
                predictions = .categorical(try CategoricalProfile(name: "prediction", levels: model.classes, counts: counts, missing: 0))
            default:
                predictions = nil
            }
        }
        return try DataProfile(rowCount: rows, columns: columns, predictions: predictions)
    }

    /// Merges `profile` into the stored profile of `model` version `version` for `bucket`.
    public static func record(_ profile: DataProfile, model: String, version: Int, bucket: String, store: any Store) throws {
        try store.mergePredictionProfile(model: model, version: version, bucket: bucket, rows: profile.rowCount) { existing in
            var merged = profile
            if let existing {
                var stored = try JSONDecoder().decode(DataProfile.self, from: Data(existing.utf8))
                try stored.merge(profile)
                merged = stored
            }
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.sortedKeys]
            return String(decoding: try encoder.encode(merged), as: UTF8.self)
        }
    }

    /// The merged profile of the hours overlapping [since, until), or nil when none is stored.
    static func window(model: String, version: Int, since: String, until: String, store: any Store) throws
        -> (profile: DataProfile, hours: Int)? {
        var merged: DataProfile?
        var hours = 0
        for stored in try store.predictionProfiles(model: model, version: version, since: since, until: until) {
            let profile = try JSONDecoder().decode(DataProfile.self, from: Data(stored.profile.utf8))
            if merged == nil { merged = profile } else { try merged!.merge(profile) }
            hours += 1
        }
        return merged.map { ($0, hours) }
    }
}
