/// An error of the store, with a message a person can act on.
public struct StoreError: Error, CustomStringConvertible, Sendable, Equatable {
    /// What went wrong, naming the run, model, alias, row or file.
    public let description: String

    /// An error with `description` as its message.
    public init(_ description: String) { self.description = description }
}
