/// How `apus mcp` (and the `/mcp` endpoint of `apus serve`) serves the registry to agents.
public struct AgentServerOptions: Sendable {
    /// The models that get typed tools (`predict_NAME`, `explain_NAME`): references as the
    /// command line takes them (model files too). Empty: every registered model, at its
    /// champion alias when it has one, else its newest ready version.
    public var models: [String]
    /// Offer `promote` and `rollback`. Off by default: an agent moves aliases only when the
    /// person running the server says so.
    public var allowAdmin: Bool
    /// The most rows one `predict` call may carry.
    public var maxRows: Int
    /// The prediction-log window `monitor_status` reads when the agent names none.
    public var monitorWindow: String
    /// The version reported in `initialize`.
    public var serverVersion: String
    /// How often the registry is checked for changes to the typed tools (a model registered,
    /// an alias moved), which connected clients are told of with
    /// `notifications/tools/list_changed`; zero turns it off.
    public var toolListPoll: Duration = .seconds(5)

    /// The defaults: typed tools for every registered model, no admin tools, 1,000 rows a call,
    /// a 24-hour monitoring window.
    public init(models: [String] = [], allowAdmin: Bool = false, maxRows: Int = 1_000, monitorWindow: String = "24h",
                serverVersion: String) {
        self.models = models
        self.allowAdmin = allowAdmin
        self.maxRows = maxRows
        self.monitorWindow = monitorWindow
        self.serverVersion = serverVersion
    }
}

/// Who is calling: the client's name and version from `initialize`, and (over HTTP with API
/// keys) the key it presented. Admin tools record it as the actor of their change.
public struct AgentClient: Sendable, Equatable {
    /// `clientInfo.name` and `.version` from `initialize`.
    public var name: String
    public var version: String
    /// `api-key:NAME` when the HTTP request carried a valid key.
    public var key: String?
    /// That key's role (`read`, `predict`, `admin`).
    public var role: String?

    public init(name: String = "unknown", version: String = "", key: String? = nil, role: String? = nil) {
        self.name = name
        self.version = version
        self.key = key
        self.role = role
    }

    /// The actor recorded in the audit trail: `mcp:NAME VERSION`, `via api-key:KEY` when a
    /// key was presented.
    public var actor: String {
        let client = "mcp:" + (name.isEmpty ? "unknown" : name) + (version.isEmpty ? "" : " " + version)
        let clean = String(String.UnicodeScalarView(client.unicodeScalars.filter { $0.value >= 0x20 && $0.value != 0x7F }).prefix(160))
        return clean + (key.map { " via \($0)" } ?? "")
    }
}
