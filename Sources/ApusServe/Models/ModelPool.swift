import ApusModel
import ApusService
import ApusStore
import Dispatch
import Logging
import Synchronization

/// The model versions the server has loaded, by the reference clients name them with, and
/// the aliases it follows.
///
/// A reference is loaded on first use (or at start for the ones `apus serve` names) and
/// kept. `NAME/VERSION` never changes. `NAME@ALIAS` is followed: ``refreshAliases()`` (run
/// every `--alias-poll-ms` by ``AliasWatcher``) asks the store where each alias points, loads a
/// version it moved to, and swaps it in with one assignment. Requests that began before the
/// swap finish on the version they started with; it is released after the last of them.
public final class ModelPool: Sendable {
    let store: any Store
    let metrics: ServerMetrics
    let logger: Logger
    private let maxRows: Int
    private let unknownFields: UnknownFieldPolicy
    private let batching: BatchingPolicy?
    private let defaultAlias: String
    /// The `--explain-background` rows each loaded version encodes.
    private let background: ExplainBackgroundSource?
    private let entries = Mutex<[String: Entry]>([:])
    /// When each reference was last asked for (a counter, not a clock), for eviction.
    private let lastUsed = Mutex<(tick: UInt64, byKey: [String: UInt64])>((0, [:]))
    /// References loaded at start: never evicted.
    private let pinned: Set<String>
    /// The most references kept loaded besides the pinned ones; the least recently used
    /// one is released when another is loaded (requests holding it finish on it).
    static let maxUnpinned = 32
    /// Loads run here, off the cooperative pool: they read files and the database.
    private let loadQueue = DispatchQueue(label: "apus.model-load", attributes: .concurrent)

    private enum Entry {
        case ready(ServedModel)
        case loading(Task<ServedModel, any Error>)
    }

    /// A pool reading from `store`; `defaultAlias` is what a bare model name means, and
    /// every version loaded encodes `background` (when given) for its explanations.
    public init(store: any Store, metrics: ServerMetrics, logger: Logger, maxRows: Int, unknownFields: UnknownFieldPolicy,
                batching: BatchingPolicy?, defaultAlias: String, pinned: [String] = [], background: ExplainBackgroundSource? = nil) {
        self.background = background
        self.pinned = Set(pinned.compactMap { text -> String? in
            let reference = (try? ModelReference.registryReference(text)) ?? (try? ModelReference.registryReference("\(text)@\(defaultAlias)"))
            return reference.map(\.description)
        })
        self.unknownFields = unknownFields
        self.store = store
        self.metrics = metrics
        self.logger = logger
        self.maxRows = maxRows
        self.batching = batching
        self.defaultAlias = defaultAlias
    }

    /// What a path segment names: `NAME@ALIAS`, `NAME/VERSION`, or a bare `NAME`, meaning
    /// `NAME@<default alias>`.
    ///
    /// - Throws: A 404 ``RequestProblem`` for text that is no valid reference.
    func reference(_ text: String) throws(RequestProblem) -> ModelReference {
        let reference: ModelReference?
        do {
            reference = try ModelReference.registryReference(text)
                ?? ModelReference.registryReference("\(text)@\(defaultAlias)")
        } catch {
            throw Self.notFound("`\(text)` is not a model reference: \(error)")
        }
        guard let reference else {
            throw Self.notFound("`\(text)` is not a model reference (NAME, NAME@ALIAS or NAME/VERSION)")
        }
        return reference
    }

    /// The loaded version `reference` names now, loading it if needed.
    ///
    /// - Throws: 404 when the store has no such model, version or alias; 503 when the
    ///   version exists but cannot be read.
    func model(_ reference: ModelReference) async throws(RequestProblem) -> ServedModel {
        let key = reference.description
        let evict = lastUsed.withLock { state -> String? in
            state.tick += 1
            let isNew = state.byKey.updateValue(state.tick, forKey: key) == nil
            guard isNew, !pinned.contains(key),
                  state.byKey.keys.lazy.filter({ !self.pinned.contains($0) }).count > Self.maxUnpinned else { return nil }
            let oldest = state.byKey.filter { $0.key != key && !pinned.contains($0.key) }.min { $0.value < $1.value }?.key
            if let oldest { state.byKey[oldest] = nil }
            return oldest
        }
        let lookup: Entry = entries.withLock { entries in
            if let evict { entries[evict] = nil }
            if let entry = entries[key] { return entry }
            let task = Task { try await self.load(reference) }
            entries[key] = .loading(task)
            return .loading(task)
        }
        let task: Task<ServedModel, any Error>
        switch lookup {
        case .ready(let model): return model
        case .loading(let loading): task = loading
        }
        do {
            let model = try await task.value
            entries.withLock { entries in
                if case .loading = entries[key] { entries[key] = .ready(model) }
            }
            return model
        } catch {
            entries.withLock { entries in
                if case .loading = entries[key] { entries[key] = nil }
            }
            lastUsed.withLock { _ = $0.byKey.removeValue(forKey: key) }
            if let problem = error as? RequestProblem { throw problem }
            throw RequestProblem(status: 503, kind: .unavailable, title: "Model unavailable", detail: "\(error)")
        }
    }

    /// The loaded version `reference` names, if it is loaded (no store access).
    func loaded(_ reference: ModelReference) -> ServedModel? {
        entries.withLock { entries in
            if case .ready(let model) = entries[reference.description] { return model }
            return nil
        }
    }

    /// Every loaded reference and the version it serves.
    public func loadedReferences() -> [(reference: String, model: ServedModel)] {
        entries.withLock { entries in
            entries.compactMap { key, entry in
                if case .ready(let model) = entry { return (key, model) }
                return nil
            }.sorted { $0.reference < $1.reference }
        }
    }

    /// Asks the store where every followed alias points and swaps in the versions that moved.
    /// Each swap is an audit event (`model_loaded`) and a log line; a version that fails to
    /// load leaves the current one serving and is retried next time.
    public func refreshAliases() async {
        let followed: [(key: String, model: String, alias: String, current: ServedModel)] = entries.withLock { entries in
            entries.compactMap { key, entry in
                guard case .ready(let served) = entry, let at = key.lastIndex(of: "@") else { return nil }
                return (key, String(key[..<at]), String(key[key.index(after: at)...]), served)
            }
        }
        for item in followed {
            do {
                let target = try await onLoadQueue { try self.store.resolve(model: item.model, alias: item.alias) }
                guard target.version != item.current.version else { continue }
                let replacement = try await load(.alias(model: item.model, alias: item.alias))
                // Swapped only if still kept: an entry released meanwhile stays released.
                entries.withLock { entries in if entries[item.key] != nil { entries[item.key] = .ready(replacement) } }
                metrics.modelSwaps.increment()
                logger.info("alias moved; new version serving", metadata: [
                    "reference": "\(item.key)", "version": "\(replacement.version)", "previous_version": "\(item.current.version)",
                ])
                try? await onLoadQueue {
                    try self.store.recordEvent(.modelLoaded, model: item.model, runID: replacement.registryVersion.runID, details: [
                        "reference": item.key, "version": String(replacement.version),
                        "previous_version": String(item.current.version), "reason": "alias moved",
                    ])
                }
            } catch {
                logger.error("could not follow an alias; the current version keeps serving", metadata: [
                    "reference": "\(item.key)", "error": "\(error)",
                ])
            }
        }
    }

    /// The registry versions of a model, oldest first.
    func versions(of name: String) async throws -> [Int] {
        try await onLoadQueue { try self.store.versions(of: name).map(\.version).sorted() }
    }

    /// Runs a blocking store call off the cooperative pool.
    func storeCall<T: Sendable>(_ body: @escaping @Sendable () throws -> T) async throws -> T {
        try await onLoadQueue(body)
    }

    private func load(_ reference: ModelReference) async throws -> ServedModel {
        let start = ContinuousClock.now
        let version: ModelVersion
        do {
            version = try await onLoadQueue { () throws -> ModelVersion in
                switch reference {
                case .alias(let model, let alias): return try self.store.resolve(model: model, alias: alias)
                case .version(let model, let number): return try self.store.version(model: model, version: number)
                case .file(let path): throw StoreError("`\(path)` is a file; the server serves registered models")
                }
            }
        } catch let error as StoreError {
            // The registry's refusal (no such model, version or alias) is the client's 404;
            // the database failing is the server's 503.
            if error.isStoreFailure {
                throw RequestProblem(status: 503, kind: .unavailable, title: "Store unavailable", detail: error.description)
            }
            throw Self.notFound(error.description)
        }
        let model = try await onLoadQueue { try ModelFile.read(path: try self.store.verifiedArtifactPath(version.artifact)) }
        let source = background
        let prepared = try await onLoadQueue { source?.prepare(for: model) }
        if case .unusable(let reason) = prepared {
            logger.warning("the explanation background does not fit this version; it explains against the average only", metadata: [
                "reference": "\(reference)", "version": "\(version.version)", "error": "\(reason)",
            ])
        }
        let served = ServedModel(version: version, model: model, maxRows: maxRows, unknownFields: unknownFields,
                                 batching: batching, metrics: metrics, background: prepared)
        let elapsed = ContinuousClock.now - start
        metrics.recordModelLoad(model: version.model, nanoseconds: elapsed.nanoseconds)
        logger.info("model loaded", metadata: [
            "reference": "\(reference)", "version": "\(version.version)", "load_ms": "\(elapsed.milliseconds)",
        ])
        return served
    }

    private func onLoadQueue<T: Sendable>(_ body: @escaping @Sendable () throws -> T) async throws -> T {
        try await withCheckedThrowingContinuation { continuation in
            loadQueue.async { continuation.resume(with: Result { try body() }) }
        }
    }

    static func notFound(_ detail: String) -> RequestProblem {
        RequestProblem(status: 404, kind: .notFound, title: "Model not found", detail: detail)
    }
}

extension Duration {
    /// The duration in whole nanoseconds.
    var nanoseconds: Int64 {
        let (seconds, attoseconds) = components
        return seconds * 1_000_000_000 + attoseconds / 1_000_000_000
    }

    /// The duration in milliseconds, as a Double.
    var milliseconds: Double { Double(nanoseconds) / 1e6 }
}

extension StoreError {
    /// True when the error is the database failing (locked past the busy timeout, I/O, a
    /// missing store), not the registry refusing a request.
    var isStoreFailure: Bool {
        description.hasPrefix("the store ") || description.hasPrefix("there is no store at")
            || description.hasPrefix("cannot open the store")
    }
}
