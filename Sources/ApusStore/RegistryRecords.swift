/// A stored artifact: its content's SHA-256 (hex) and size.
public struct ArtifactRef: Sendable, Codable, Equatable, Hashable {
    /// SHA-256 of the bytes, 64 lowercase hexadecimal digits; also its file name.
    public var sha256: String
    /// Size in bytes.
    public var size: Int64

    /// A reference to the artifact with `sha256` of `size` bytes.
    public init(sha256: String, size: Int64) {
        self.sha256 = sha256
        self.size = size
    }
}

/// Whether a model version may be used.
public enum VersionStatus: String, Sendable, Codable, CaseIterable {
    /// Registered and usable.
    case ready
    /// Kept for the record; no alias may point at it, and `NAME@latest` skips it.
    case archived
}

/// A registered model: a name under which versions are kept.
public struct RegisteredModel: Sendable, Codable, Equatable {
    /// The name.
    public var name: String
    /// What it is for.
    public var description: String
    /// When it was created and by whom.
    public var created: String
    /// Who created it.
    public var createdBy: String
    /// When a version, alias or tag last changed.
    public var updated: String
    /// Tags.
    public var tags: [String: String]
    /// Aliases and the version each points at.
    public var aliases: [String: Int]
    /// The newest version number (archived or not).
    public var latestVersion: Int
    /// How many versions there are.
    public var versionCount: Int
}

/// One immutable version of a registered model.
public struct ModelVersion: Sendable, Codable, Equatable {
    /// The registered model's name.
    public var model: String
    /// 1, 2, 3, ... in the order registered.
    public var version: Int
    /// The run that made it (nil for a model file registered from outside a run).
    public var runID: String?
    /// The model file, content-addressed.
    public var artifact: ArtifactRef
    /// Ready or archived.
    public var status: VersionStatus
    /// When it was registered.
    public var created: String
    /// Who registered it.
    public var createdBy: String
    /// A note.
    public var description: String
    /// The metrics it was registered with (validation metrics of its run).
    public var metrics: [String: Double]
    /// Its feature schema, as JSON.
    public var schema: String
    /// Where it came from: data fingerprint, parameters hash, seed, code version, task.
    public var lineage: [String: String]
    /// Aliases pointing at it now.
    public var aliases: [String]

    /// `NAME/VERSION`.
    public var reference: String { "\(model)/\(version)" }
}

/// What registering a version needs.
public struct VersionRegistration: Sendable {
    /// The registered model (created if new).
    public var model: String
    /// The run that made it.
    public var runID: String?
    /// The stored model file.
    public var artifact: ArtifactRef
    /// Its metrics.
    public var metrics: [String: Double]
    /// Its feature schema, as JSON.
    public var schema: String
    /// Its lineage.
    public var lineage: [String: String]
    /// A note.
    public var description: String
    /// Why it is registered (recorded in the audit trail).
    public var reason: String

    /// A registration with every field given.
    public init(model: String, runID: String?, artifact: ArtifactRef, metrics: [String: Double], schema: String,
                lineage: [String: String], description: String = "", reason: String) {
        self.model = model
        self.runID = runID
        self.artifact = artifact
        self.metrics = metrics
        self.schema = schema
        self.lineage = lineage
        self.description = description
        self.reason = reason
    }
}

/// One change of an alias, from its history.
public struct AliasMove: Sendable, Codable, Equatable {
    /// Position in the history (increasing).
    public var sequence: Int
    /// The registered model.
    public var model: String
    /// The alias.
    public var alias: String
    /// The version it points at after the change.
    public var version: Int
    /// The version it pointed at before (nil: the alias was new).
    public var previousVersion: Int?
    /// `set` or `rollback`.
    public var action: String
    /// When.
    public var time: String
    /// Who.
    public var actor: String
    /// Why.
    public var reason: String
    /// For a `set`, the rollback that undid it, if any.
    public var undoneBy: Int?
}
