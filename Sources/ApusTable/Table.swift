/// A table of named, equally long columns.
///
/// A table is an immutable value; operations return new tables that share the column
/// storage they do not change.
public struct Table: Sendable {
    /// Column names, in order.
    public let columnNames: [String]
    /// Columns, in the order of `columnNames`.
    public let columns: [Column]
    /// Number of rows.
    public let rowCount: Int
    private let positions: [String: Int]

    /// Builds a table from named columns.
    /// - Throws: `TableError` when a name is empty or repeated, or the columns differ in length.
    public init(_ named: [(name: String, column: Column)]) throws {
        var positions: [String: Int] = [:]
        for (position, entry) in named.enumerated() {
            if entry.name.isEmpty { throw TableError.emptyColumnName(position: position + 1) }
            if let first = positions[entry.name] {
                throw TableError.duplicateColumnName(entry.name, firstPosition: first + 1, secondPosition: position + 1)
            }
            positions[entry.name] = position
        }
        let rowCount = named.first?.column.count ?? 0
        for entry in named where entry.column.count != rowCount {
            throw TableError.lengthMismatch(column: entry.name, expected: rowCount, found: entry.column.count)
        }
        self.columnNames = named.map(\.name)
        self.columns = named.map(\.column)
        self.rowCount = rowCount
        self.positions = positions
    }

    /// An empty table with no columns and no rows.
    public init() {
        columnNames = []
        columns = []
        rowCount = 0
        positions = [:]
    }

    /// Number of columns.
    public var columnCount: Int { columns.count }

    /// The column called `name`, or `nil`.
    public subscript(name: String) -> Column? {
        positions[name].map { columns[$0] }
    }

    /// The position of the column called `name`, or `nil`.
    public func position(of name: String) -> Int? { positions[name] }

    /// The column called `name`.
    /// - Throws: `TableError.unknownColumn`, suggesting the closest existing name.
    public func column(named name: String) throws -> Column {
        guard let position = positions[name] else {
            throw TableError.unknownColumn(name, suggestion: closestName(to: name, among: columnNames))
        }
        return columns[position]
    }

    /// The name and kind of every column.
    public var schema: Schema {
        Schema(columns: zip(columnNames, columns).map { Schema.Field(name: $0, kind: $1.kind) })
    }
}
