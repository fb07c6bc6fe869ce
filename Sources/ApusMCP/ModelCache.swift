import ApusModel
import ApusService
import ApusStore
import Foundation
import MCP
import Synchronization

/// A model an agent named, loaded once per version: the model, its explainer (TreeSHAP's
/// prepared trees) and its description.
struct LoadedModel: Sendable {
    /// The model and the reference it was asked by this time.
    let resolved: ResolvedModel
    let explainer: ModelExplainer
    let description: ModelDescription
    /// The JSON Schema of one input row.
    let rowSchema: MCP.Value

    /// The same model, asked for by `reference`.
    func asked(by reference: ModelReference, text: String) -> LoadedModel {
        var description = description
        description.reference = text
        return LoadedModel(resolved: ResolvedModel(model: resolved.model, reference: reference, version: resolved.version, path: resolved.path),
                           explainer: explainer, description: description, rowSchema: rowSchema)
    }
}

/// A version's description and the schemas of its typed tools.
struct ModelSchemas: Sendable {
    let description: ModelDescription
    let rowSchema: MCP.Value
    let task: ModelTask
    let classes: [String]
}

/// Loads models by reference for the tools, keeping the most recently used versions.
///
/// An alias is resolved against the store on every call (a promotion takes effect at once);
/// the version it names is read, checked against its recorded hash and prepared only once.
/// Model files are answered only when the server was started with them: an agent cannot make
/// the server read a path of its choosing.
final class ModelCache: Sendable {
    /// The most versions kept loaded (the least recently used goes first).
    static let capacity = 16

    private let files: Set<String>
    private let store: @Sendable () throws -> any Store
    private let entries = Mutex<(byKey: [String: LoadedModel], order: [String], schemas: [String: ModelSchemas])>(([:], [], [:]))

    /// A cache reading registry versions from `store` and the model `files` named at start.
    init(files: [String], store: @escaping @Sendable () throws -> any Store) {
        self.files = Set(files)
        self.store = store
    }

    /// The model `text` names: NAME@ALIAS, NAME/VERSION, a bare NAME (its champion, else its
    /// newest ready version), or one of the model files the server was started with.
    ///
    /// - Throws: ``ToolError`` naming an unknown model, alias or version, or a path not served.
    func model(_ text: String) throws -> LoadedModel {
        let reference = try parse(text)
        let (key, exact) = try version(of: reference)
        let hit = entries.withLock { state -> LoadedModel? in
            guard let hit = state.byKey[key] else { return nil }
            state.order.removeAll { $0 == key }
            state.order.append(key)
            return hit
        }
        if let hit { return hit.asked(by: reference, text: text) }
        let resolved: ResolvedModel
        do {
            resolved = try ModelResolution.load(exact, store: store)
        } catch let error as StoreError {
            throw ToolError(error.description)
        } catch {
            throw ToolError("`\(text)` cannot be loaded: \(error)")
        }
        let description = ModelDescribing.describe(resolved, reference: text, store: try? store())
        let loaded = LoadedModel(resolved: resolved, explainer: ModelExplainer(model: resolved.model), description: description,
                                 rowSchema: RowSchema.row(description)).asked(by: reference, text: text)
        entries.withLock { state in
            if state.byKey.updateValue(loaded, forKey: key) == nil { state.order.append(key) }
            while state.order.count > Self.capacity { state.byKey[state.order.removeFirst()] = nil }
            state.schemas[key] = ModelSchemas(description: description, rowSchema: loaded.rowSchema,
                                              task: resolved.model.task, classes: resolved.model.classes)
        }
        return loaded
    }

    /// What the typed tools of the model `text` names need: its description and schemas. Kept
    /// for every version seen (they are small), so listing many models' tools does not keep
    /// reloading the models the cache of 16 evicted.
    func schemas(_ text: String) throws -> ModelSchemas {
        let (key, _) = try version(of: try parse(text))
        if let known = entries.withLock({ $0.schemas[key] }) { return known }
        _ = try model(text)
        guard let made = entries.withLock({ $0.schemas[key] }) else { throw ToolError("`\(text)` cannot be described") }
        return made
    }

    /// The cache key of the version `reference` names now, and that version's exact reference.
    /// An alias is resolved once, here: the version it names now is the one answered, even if
    /// the alias moves meanwhile.
    private func version(of reference: ModelReference) throws -> (key: String, exact: ModelReference) {
        switch reference {
        case .file(let path):
            return ("file:" + path, reference)
        case .alias(let model, let alias):
            let version = try storeCall { try $0.resolve(model: model, alias: alias) }
            return (version.reference, .version(model: version.model, version: version.version))
        case .version(let model, let version):
            return ("\(model)/\(version)", reference)
        }
    }

    /// The reference an agent's text names.
    func parse(_ text: String) throws -> ModelReference {
        if files.contains(text) { return .file(text) }
        let reference: ModelReference?
        do {
            reference = try ModelReference.registryReference(text)
        } catch {
            throw ToolError("`\(text)` is not a model reference: \(error)")
        }
        if let reference { return reference }
        if text.hasSuffix(".apus") || text.contains("/") {
            throw ToolError("`\(text)` is not served: give a registered model (NAME@ALIAS, NAME/VERSION or NAME); list_models names them")
        }
        guard (try? StoreNames.validate(text, as: "model name")) != nil else {
            throw ToolError("`\(text)` is not a model reference: give NAME@ALIAS (credit-risk@champion), NAME/VERSION (credit-risk/3) or NAME")
        }
        return .alias(model: text, alias: try defaultAlias(of: text))
    }

    /// The alias a bare model name means: `champion` when the model has one, else `latest`.
    func defaultAlias(of model: String) throws -> String {
        let registered = try storeCall { try $0.model(model) }
        return registered.aliases["champion"] != nil ? "champion" : "latest"
    }

    /// A store call whose refusal (an unknown model) is the agent's error.
    func storeCall<T>(_ body: (any Store) throws -> T) throws -> T {
        let store: any Store
        do { store = try self.store() } catch { throw ToolError("the model registry cannot be opened: \(error)") }
        do { return try body(store) } catch let error as StoreError { throw ToolError(error.description) }
    }
}
