/// A C export: one header and one source file, self-contained.
public struct CSourceFiles: Sendable, Equatable {
    /// The header's file name (`<prefix>.h`); the source includes it by this name.
    public let headerName: String
    /// The header: the sizes, `<prefix>_predict`, `<prefix>_raw_scores`, and a comment on
    /// the features' order and encoding and on the outputs.
    public let header: String
    /// The source file's name (`<prefix>.c`).
    public let sourceName: String
    /// The source: the tables and the two functions.
    public let source: String
    /// Bytes of the source's static tables (nodes, thresholds, level sets, leaves): the
    /// model's share of a device's read-only memory, code aside.
    public let dataBytes: Int
}
