/// What an API key may do on the model server.
public enum APIKeyRole: String, Sendable, Codable, CaseIterable {
    /// Inference routes only.
    case predict
    /// Reading models, schemas and metrics (not inference).
    case read
    /// Everything, the admin routes included.
    case admin

    /// True when a key of this role may use a route that needs `needed`.
    public func allows(_ needed: APIKeyRole) -> Bool { self == .admin || self == needed }
}

/// An API key as the store keeps it: never the key itself, only its SHA-256.
public struct APIKey: Sendable, Codable, Equatable {
    /// Its name (unique), to list and revoke it by.
    public var name: String
    /// The key's first characters, to tell keys apart in listings and logs.
    public var prefix: String
    /// What it may do.
    public var role: APIKeyRole
    /// `active` or `revoked`.
    public var status: String
    /// When it was created, and by whom.
    public var created: String
    /// Who created it.
    public var createdBy: String
    /// When it was revoked.
    public var revoked: String?
}
