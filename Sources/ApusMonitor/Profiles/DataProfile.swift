import ApusTable

/// The profile of a table: its row count, one profile per column (in the table's order, looked up
/// by name), optionally the profile of the model's predictions, and the format's version.
///
/// Profiles merge: the profile of a prediction log over any window is the merge of the profiles of
/// its parts, all made `like` the same reference.
public struct DataProfile: Sendable, Equatable, Codable {
    /// The format this code writes; decoding refuses a newer one.
    public static let currentVersion = 1

    /// The format version.
    public let version: Int
    /// Rows profiled.
    public private(set) var rowCount: Int
    /// One profile per column, in order.
    public private(set) var columns: [ColumnProfile]
    /// The profile of the model's predictions, when recorded.
    public var predictions: ColumnProfile?

    /// A profile of `rowCount` rows with these column profiles (distinct names).
    public init(rowCount: Int, columns: [ColumnProfile], predictions: ColumnProfile? = nil) throws(DriftError) {
        var seen = Set<String>()
        for column in columns where !seen.insert(column.name).inserted {
            throw .profileMismatch(column: column.name, reason: "the profile has two columns of this name")
        }
        guard rowCount >= 0 else { throw .invalidCount(argument: "rowCount", index: 0, value: Double(rowCount)) }
        version = Self.currentVersion
        self.rowCount = rowCount
        self.columns = columns
        self.predictions = predictions
    }

    /// The profile of the column called `name`, or nil.
    public subscript(name: String) -> ColumnProfile? {
        columns.first { $0.name == name }
    }

    /// Column names, in order.
    public var columnNames: [String] { columns.map(\.name) }

    /// Adds the rows of `other`, which must profile the same columns (by name, in any order) the
    /// same way; predictions merge when both have them, and are dropped when only one does.
    public mutating func merge(_ other: DataProfile) throws(DriftError) {
        guard other.columns.count == columns.count else {
            let extra = other.columnNames.first { self[$0] == nil } ?? columnNames.first { other[$0] == nil } ?? ""
            throw .profileMismatch(column: extra, reason: "only one of the profiles has this column")
        }
        var merged = columns
        for index in merged.indices {
            guard let theirs = other[merged[index].name] else {
                throw .profileMismatch(column: merged[index].name, reason: "only one of the profiles has this column")
            }
            try merged[index].merge(theirs)
        }
        if var mine = predictions, let theirs = other.predictions {
            try mine.merge(theirs)
            predictions = mine
        } else {
            predictions = nil
        }
        columns = merged
        rowCount += other.rowCount
    }

    /// Decodes, refusing a format newer than `currentVersion`.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        version = try container.decode(Int.self, forKey: .version)
        guard version <= Self.currentVersion else {
            throw DecodingError.dataCorruptedError(
                forKey: .version, in: container, debugDescription: DriftError.unsupportedProfileVersion(version).description)
        }
        rowCount = try container.decode(Int.self, forKey: .rowCount)
        columns = try container.decode([ColumnProfile].self, forKey: .columns)
        predictions = try container.decodeIfPresent(ColumnProfile.self, forKey: .predictions)
    }
}
