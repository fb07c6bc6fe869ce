/// The profile of one column: numeric, or categorical (boolean columns are categorical with
/// levels "true" and "false").
public enum ColumnProfile: Sendable, Equatable, Codable {
    case numeric(NumericProfile)
    case categorical(CategoricalProfile)

    /// The column's name.
    public var name: String {
        switch self {
        case .numeric(let profile): profile.name
        case .categorical(let profile): profile.name
        }
    }

    /// "numeric" or "categorical".
    public var kind: String {
        switch self {
        case .numeric: "numeric"
        case .categorical: "categorical"
        }
    }

    /// Values missing.
    public var missing: Int {
        switch self {
        case .numeric(let profile): profile.missing
        case .categorical(let profile): profile.missing
        }
    }

    /// Adds the counts of `other`, which must be a profile of the same kind (and, when numeric, on
    /// the same edges).
    public mutating func merge(_ other: ColumnProfile) throws(DriftError) {
        switch (self, other) {
        case (.numeric(var mine), .numeric(let theirs)):
            try mine.merge(theirs)
            self = .numeric(mine)
        case (.categorical(var mine), .categorical(let theirs)):
            try mine.merge(theirs)
            self = .categorical(mine)
        default:
            throw .profileMismatch(column: name, reason: "cannot merge a \(other.kind) profile into a \(kind) one")
        }
    }
}
