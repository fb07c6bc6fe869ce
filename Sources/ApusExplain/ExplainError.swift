/// Why a model or data cannot be explained, naming the tree, feature or row.
public struct ExplainError: Error, CustomStringConvertible, Sendable, Equatable {
    /// What is wrong, and where.
    public let description: String

    /// An error saying `description`.
    public init(_ description: String) { self.description = description }
}
