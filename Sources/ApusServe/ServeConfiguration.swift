/// How `apus serve` runs: where it listens, what it serves and the limits it enforces.
public struct ServeConfiguration: Sendable, Equatable {
    /// The address to listen on (127.0.0.1 unless the user says otherwise).
    public var host: String = "127.0.0.1"
    /// The port (0 picks a free one).
    public var port: Int = 8080
    public init() {}
}
