import ApusMonitor
import ApusService
import ApusStore
import Logging
import Synchronization

/// Builds the prediction log's hourly profiles as the writer writes it: each batch's rows are
/// grouped by model version and hour, profiled on the version's reference edges (every answered
/// row, whether or not its inputs were sampled), and merged into the store's profile of that
/// hour (`PredictionLogProfiles`). A version without a stored reference profile is not profiled.
/// Runs on the log's writer queue, off the request path; a failure is logged, never thrown.
final class LogProfiler: Sendable {
    private let store: any Store
    private let logger: Logger
    /// Each version's reference profile, looked up once (`.none` when it has none).
    private let references = Mutex<[String: Lookup]>([:])

    private enum Lookup: Sendable {
        case found(ReferenceProfile)
        case none
    }

    init(store: any Store, logger: Logger) {
        self.store = store
        self.logger = logger
    }

    func record(_ batch: [LoggedPrediction]) {
        var groups: [String: [LoggedPrediction]] = [:]
        var order: [String] = []
        for item in batch {
            let key = "\(item.served.reference) \(PredictionLogProfiles.bucket(milliseconds: item.loggedAtMilliseconds))"
            if groups[key] == nil { order.append(key) }
            groups[key, default: []].append(item)
        }
        for key in order {
            guard let items = groups[key], let first = items.first, let reference = reference(of: first.served) else { continue }
            let served = first.served
            let width = served.model.schema.count
            var features: [Double] = [], outputs: [Double] = [], unseen: [Int: String] = [:]
            var rows = 0
            for item in items {
                features.append(contentsOf: item.rows.features)
                outputs.append(contentsOf: item.output.values)
                for level in item.rows.unseen { unseen[(rows + level.row) * width + level.feature] = level.value }
                rows += item.rows.rows
            }
            do {
                let profile = try PredictionLogProfiles.profile(reference: reference, model: served.model, features: features, rows: rows,
                                                                unseen: unseen, outputs: outputs)
                try PredictionLogProfiles.record(profile, model: served.name, version: served.version,
                                                 bucket: PredictionLogProfiles.bucket(milliseconds: first.loggedAtMilliseconds), store: store)
            } catch {
                logger.warning("prediction log profile not recorded", metadata: [
                    "model": "\(served.name)", "version": "\(served.version)", "error": "\(error)"])
            }
        }
    }

    private func reference(of served: ServedModel) -> ReferenceProfile? {
        if let known = references.withLock({ $0[served.reference] }) {
            if case .found(let profile) = known { return profile }
            return nil
        }
        let found = PredictionLogProfiles.reference(model: served.model, version: served.registryVersion, store: store)
        references.withLock { $0[served.reference] = found.map { .found($0) } ?? Lookup.none }
        return found
    }
}
