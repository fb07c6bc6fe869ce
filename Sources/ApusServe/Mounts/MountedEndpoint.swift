import ApusStore

/// A request to a mounted endpoint, in plain types (no Hummingbird), after the server has
/// checked its key and read its body.
public struct MountedRequest: Sendable {
    /// `GET`, `POST` or `DELETE` (uppercase).
    public var method: String
    /// Every header of the request, named as the client sent it (look names up
    /// case-insensitively); a repeated header's values are joined with `", "`.
    public var headers: [String: String]
    /// The body; nil when empty.
    public var body: [UInt8]?
    /// The request's path (without the query).
    public var path: String
    /// `api-key:NAME` when the request carried a valid API key, else nil.
    public var caller: String?
    /// That key's role, else nil.
    public var role: APIKeyRole?

    /// A request; see the properties.
    public init(method: String, headers: [String: String] = [:], body: [UInt8]? = nil, path: String,
                caller: String? = nil, role: APIKeyRole? = nil) {
        self.method = method
        self.headers = headers
        self.body = body
        self.path = path
        self.caller = caller
        self.role = role
    }

    /// The value of the header `name`, looked up case-insensitively.
    public func header(_ name: String) -> String? {
        if let value = headers[name] { return value }
        let lowered = name.lowercased()
        return headers.first { $0.key.lowercased() == lowered }?.value
    }
}

/// A mounted endpoint's answer, in plain types.
public struct MountedResponse: Sendable {
    /// What the body is.
    public enum Body: Sendable {
        /// The whole body at once.
        case bytes([UInt8])
        /// A body written chunk by chunk, each chunk sent (and flushed) as it arrives: for
        /// Server-Sent Events, set `Content-Type: text/event-stream` and frame the events
        /// yourself. The response ends when the stream finishes, when the client goes away
        /// (the stream's iteration is cancelled, so its `onTermination` runs) or when the
        /// server shuts down gracefully. A stream that throws cuts the connection.
        case stream(AsyncThrowingStream<[UInt8], any Error>)
        /// No body.
        case empty
    }

    /// The HTTP status (200...599; another answers a logged 500).
    public var status: Int
    /// Response headers. `Content-Length` and `Transfer-Encoding` are the server's (dropped);
    /// a name HTTP does not allow answers a logged 500.
    public var headers: [String: String]
    /// The body.
    public var body: Body

    /// A response; see the properties.
    public init(status: Int = 200, headers: [String: String] = [:], body: Body = .empty) {
        self.status = status
        self.headers = headers
        self.body = body
    }
}

/// An HTTP endpoint another module serves through ``ApusServer`` or ``MountedServer``
/// without either knowing it (the MCP server at `/mcp`): it answers GET, POST and DELETE at
/// ``path``, behind the same API-key check, body limit, request ids, metrics and
/// problem+json refusals as every other route, and is listed in `/openapi.json`.
public struct MountedEndpoint: Sendable {
    /// Where it is mounted (`/mcp`): `/` and segments of letters, digits, `-`, `.`, `_`, `~`.
    public var path: String
    /// One line describing it, for `/openapi.json`.
    public var summary: String
    /// The roles whose keys may call it when the server requires keys (`--require-key`);
    /// empty means any valid key. Without `--require-key` it is open, like the other routes.
    public var roles: [APIKeyRole]
    /// Answers a request.
    public var handle: @Sendable (MountedRequest) async -> MountedResponse

    /// An endpoint; see the properties.
    public init(path: String, summary: String, roles: [APIKeyRole],
                handle: @escaping @Sendable (MountedRequest) async -> MountedResponse) {
        self.path = path
        self.summary = summary
        self.roles = roles
        self.handle = handle
    }

    /// The roles a key needs to call it, or nil when no key is needed.
    func requiredRoles(requireKey: Bool) -> [APIKeyRole]? {
        guard requireKey else { return nil }
        return roles.isEmpty ? APIKeyRole.allCases : roles
    }

    /// Checks that each path is well formed, mounted once, and not one of `taken`.
    ///
    /// - Throws: A message naming the path.
    static func validate(_ endpoints: [MountedEndpoint], taken: Set<String>) throws(ServeConfigurationError) {
        var seen = taken
        for endpoint in endpoints {
            let path = endpoint.path
            let segments = path.split(separator: "/", omittingEmptySubsequences: false).dropFirst()
            let wellFormed = path == "/" || (path.hasPrefix("/") && segments.allSatisfy { segment in
                !segment.isEmpty && segment != "." && segment != ".." && segment.utf8.allSatisfy { byte in
                    switch byte {
                    case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "0")...UInt8(ascii: "9"),
                         UInt8(ascii: "-"), UInt8(ascii: "."), UInt8(ascii: "_"), UInt8(ascii: "~"):
                        return true
                    default:
                        return false
                    }
                }
            })
            guard wellFormed else {
                throw ServeConfigurationError(message: "cannot mount `\(path)`: a mounted path is `/` or `/`-separated segments of letters, digits, `-`, `.`, `_` and `~`")
            }
            guard !seen.contains(path) else {
                throw ServeConfigurationError(message: "cannot mount `\(path)`: the server already answers that path")
            }
            seen.insert(path)
        }
    }
}
