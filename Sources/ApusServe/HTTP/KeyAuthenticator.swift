import ApusStore
import Dispatch
import Foundation
import HTTPTypes
import Synchronization

/// Checks API keys: `Authorization: Bearer apus_...` or `X-API-Key: apus_...`, looked up
/// in the store by their SHA-256 (the store never holds a key itself).
///
/// A key's lookup is remembered for ``cacheSeconds`` so a busy server does not read the
/// store per request: a key revoked with `apus keys revoke` stops working within that time.
final class KeyAuthenticator: Sendable {
    /// How long a lookup is remembered.
    static let cacheSeconds = 5.0
    /// The most lookups remembered (unknown keys included); the memory is cleared when full.
    static let cacheLimit = 10_000

    private let store: any Store
    private let cache = Mutex<[String: (key: APIKey?, expires: ContinuousClock.Instant)]>([:])
    private static let apiKeyHeader = HTTPField.Name("X-API-Key")!

    init(store: any Store) { self.store = store }

    /// The key a request carries, checked against the store; nil when it carries none.
    ///
    /// - Throws: A 401 ``RequestProblem`` for a key that is unknown or revoked.
    func key(of request: HTTPRequest) throws(RequestProblem) -> APIKey? {
        guard let secret = Self.secret(in: request) else { return nil }
        // Only a well-formed key (apus_ and 64 hex digits) is looked up or remembered, so the
        // memory is bounded and garbage never reaches the store.
        guard Self.isWellFormed(secret) else { throw Self.unknownKey() }
        let now = ContinuousClock.now
        if let cached = cache.withLock({ $0[secret] }), cached.expires > now {
            guard let key = cached.key else { throw Self.unknownKey() }
            return key
        }
        let key: APIKey?
        do {
            key = try store.authenticate(secret: secret)
        } catch {
            throw RequestProblem(status: 503, kind: .unavailable, title: "Store unavailable",
                                 detail: "the API key could not be checked: \(error)")
        }
        cache.withLock { cache in
            if cache.count >= Self.cacheLimit { cache = cache.filter { $0.value.expires > now } }
            if cache.count >= Self.cacheLimit { cache.removeAll(keepingCapacity: true) }
            cache[secret] = (key, now + .seconds(Self.cacheSeconds))
        }
        guard let key else { throw Self.unknownKey() }
        return key
    }

    /// Checks that the request carries a key allowing one of `roles`.
    ///
    /// - Throws: 401 without a key or with an unknown one, 403 with a key of another role.
    func require(_ roles: [APIKeyRole], for request: HTTPRequest, route: String) throws(RequestProblem) {
        guard let key = try key(of: request) else {
            throw RequestProblem(status: 401, kind: .unauthorized, title: "API key required",
                                 detail: "\(route) needs an API key with role \(roles.map(\.rawValue).joined(separator: " or ")): send `Authorization: Bearer <key>` (apus keys create NAME --role ROLE)")
        }
        guard roles.contains(where: { key.role.allows($0) }) else {
            throw RequestProblem(status: 403, kind: .forbidden, title: "Role not allowed",
                                 detail: "the key `\(key.name)` has role \(key.role.rawValue); \(route) needs \(roles.map(\.rawValue).joined(separator: " or "))")
        }
    }

    private static func secret(in request: HTTPRequest) -> String? {
        if let value = request.headerFields[.authorization] {
            let parts = value.split(separator: " ", maxSplits: 1)
            if parts.count == 2, parts[0].lowercased() == "bearer" { return String(parts[1]).trimmingCharacters(in: .whitespaces) }
            return value.trimmingCharacters(in: .whitespaces)
        }
        return request.headerFields[apiKeyHeader]?.trimmingCharacters(in: .whitespaces)
    }

    /// `apus_` followed by 64 lowercase hex digits, as `apus keys create` makes them.
    static func isWellFormed(_ secret: String) -> Bool {
        let bytes = Array(secret.utf8)
        guard bytes.count == 69, secret.hasPrefix("apus_") else { return false }
        return bytes[5...].allSatisfy { (0x30...0x39).contains($0) || (0x61...0x66).contains($0) }
    }

    private static func unknownKey() -> RequestProblem {
        RequestProblem(status: 401, kind: .unauthorized, title: "Unknown API key",
                       detail: "the API key is not known to this server's store, or it was revoked")
    }
}
