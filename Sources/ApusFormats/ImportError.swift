/// Why a model file from another library cannot be read, naming the line, tree or field.
public struct ImportError: Error, CustomStringConvertible, Sendable, Equatable {
    /// What is wrong, and where.
    public let description: String

    /// An error saying `description`.
    public init(_ description: String) { self.description = description }
}
