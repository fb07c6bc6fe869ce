/// How ``TreeSHAP`` computes its (identical, up to rounding) values.
///
/// Every tree is explained leaf by leaf (``TreeSHAP``'s per-leaf form), and leaves with
/// few distinct features on their path look their answers up in a table made once, when
/// the explainer is made (Fast TreeSHAP v2's precomputation, Yang 2021). The defaults
/// were measured on higgs models (bench/explain_bench.py); the tables trade memory and
/// set-up time for speed on many rows.
public struct TreeSHAPOptions: Sendable, Equatable {
    /// Leaves with at most this many distinct features on their path get a table of
    /// `2^tableBits` numbers. 0 turns the tables off. Range 0...16; default 10.
    public var tableBits: Int
    /// The most memory all tables together may take, in bytes (leaves are given tables in
    /// tree order until it is spent). Default 64 MiB.
    public var tableBudgetBytes: Int
    /// Explain every tree by Lundberg et al.'s recursion instead (the reference algorithm,
    /// several times slower; for checking).
    public var recursive: Bool

    /// The options; see each property for its default.
    public init(tableBits: Int = 10, tableBudgetBytes: Int = 64 << 20, recursive: Bool = false) {
        self.tableBits = tableBits
        self.tableBudgetBytes = tableBudgetBytes
        self.recursive = recursive
    }

    func validated() throws(ExplainError) -> TreeSHAPOptions {
        guard (0...16).contains(tableBits) else {
            throw ExplainError("tableBits is \(tableBits); it must be between 0 and 16")
        }
        guard tableBudgetBytes >= 0 else {
            throw ExplainError("tableBudgetBytes is \(tableBudgetBytes); it must not be negative")
        }
        return self
    }
}
