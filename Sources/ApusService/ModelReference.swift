import ApusModel
import ApusStore
import ApusTrain
import Foundation

/// What names a model wherever one is taken: `NAME@ALIAS` (`credit-risk@champion`,
/// `credit-risk@latest`), `NAME/VERSION` (`credit-risk/3`), or the path of a model file.
///
/// An existing file wins: `models/3` that is a file is that file; a name ending in `.apus`
/// is always a file.
public enum ModelReference: Sendable, Equatable, CustomStringConvertible {
    /// A model file.
    case file(String)
    /// The version an alias of a registered model points at.
    case alias(model: String, alias: String)
    /// A version of a registered model.
    case version(model: String, version: Int)

    /// Reads `text`.
    ///
    /// - Throws: `ServiceError` when `text` is neither an existing file nor a registry
    ///   reference with a valid name.
    public init(parsing text: String) throws {
        if FileManager.default.fileExists(atPath: text) {
            self = .file(text)
            return
        }
        if text.hasSuffix(".apus") {
            throw ServiceError("there is no model file `\(text)`")
        }
        if let reference = try Self.registryReference(text) {
            self = reference
            return
        }
        throw ServiceError("`\(text)` is neither a model file nor a registered model (NAME@ALIAS such as credit-risk@champion, or NAME/VERSION such as credit-risk/3)")
    }

    /// `text` read as `NAME@ALIAS` or `NAME/VERSION` (never a file), or nil when it is
    /// neither form.
    ///
    /// - Throws: `ServiceError` for `NAME@ALIAS` with an invalid model name or alias.
    public static func registryReference(_ text: String) throws -> ModelReference? {
        if let at = text.lastIndex(of: "@"), !text.contains("/") {
            let model = String(text[..<at]), alias = String(text[text.index(after: at)...])
            try check { try StoreNames.validate(model, as: "model name") }
            try check { try StoreNames.validate(alias, as: "alias") }
            return .alias(model: model, alias: alias)
        }
        if let slash = text.lastIndex(of: "/"), let version = Int(text[text.index(after: slash)...]), version > 0,
           !text[..<slash].contains("/") {
            let model = String(text[..<slash])
            if (try? StoreNames.validate(model, as: "model name")) != nil { return .version(model: model, version: version) }
        }
        return nil
    }

    public var description: String {
        switch self {
        case .file(let path): path
        case .alias(let model, let alias): "\(model)@\(alias)"
        case .version(let model, let version): "\(model)/\(version)"
        }
    }

    /// True when resolving needs the store.
    public var needsStore: Bool {
        if case .file = self { return false }
        return true
    }

    private static func check(_ body: () throws -> Void) throws {
        do { try body() } catch let error as StoreError { throw ServiceError(error.description) }
    }
}

/// A model read from a reference, with where it came from.
public struct ResolvedModel: Sendable {
    /// The model.
    public let model: Model
    /// The reference it was read by.
    public let reference: ModelReference
    /// The registry version, when it came from the registry.
    public let version: ModelVersion?
    /// The file read.
    public let path: String

    /// A model already loaded; see the properties.
    public init(model: Model, reference: ModelReference, version: ModelVersion?, path: String) {
        self.model = model
        self.reference = reference
        self.version = version
        self.path = path
    }
}

/// Reads models by reference: files directly, registry references through the store
/// (checking the model file's bytes against the hash the version recorded).
public enum ModelResolution {
    /// The model `reference` names; `store` is opened only for a registry reference.
    public static func load(_ reference: ModelReference, store: () throws -> any Store) throws -> ResolvedModel {
        switch reference {
        case .file(let path):
            return ResolvedModel(model: try ModelFile.read(path: path), reference: reference, version: nil, path: path)
        case .alias(let model, let alias):
            let store = try store()
            return try load(try store.resolve(model: model, alias: alias), reference: reference, store: store)
        case .version(let model, let version):
            let store = try store()
            return try load(try store.version(model: model, version: version), reference: reference, store: store)
        }
    }

    /// The model `text` names, opening the store named by the environment if needed.
    public static func load(_ text: String) throws -> ResolvedModel {
        try load(try ModelReference(parsing: text)) { try StoreLocation.open(apusVersion: apusVersion, create: false) }
    }

    private static func load(_ version: ModelVersion, reference: ModelReference, store: any Store) throws -> ResolvedModel {
        let path = try store.verifiedArtifactPath(version.artifact)
        return ResolvedModel(model: try ModelFile.read(path: path), reference: reference, version: version, path: path)
    }
}
