/// One column of a table: its values, in the storage of its kind.
public enum Column: Sendable {
    case numeric(NumericColumn)
    case categorical(CategoricalColumn)
    case boolean(BooleanColumn)
    case text(TextColumn)
    case timestamp(TimestampColumn)

    /// The kind of values held.
    public var kind: ColumnKind {
        switch self {
        case .numeric: .numeric
        case .categorical: .categorical
        case .boolean: .boolean
        case .text: .text
        case .timestamp: .timestamp
        }
    }

    /// Number of rows.
    public var count: Int {
        switch self {
        case .numeric(let c): c.count
        case .categorical(let c): c.count
        case .boolean(let c): c.count
        case .text(let c): c.count
        case .timestamp(let c): c.count
        }
    }

    /// Whether the value at `row` is missing.
    public func isMissing(_ row: Int) -> Bool {
        switch self {
        case .numeric(let c): c.isMissing(row)
        case .categorical(let c): c.isMissing(row)
        case .boolean(let c): c.isMissing(row)
        case .text(let c): c.isMissing(row)
        case .timestamp(let c): c.isMissing(row)
        }
    }

    /// The value at `row` as it is written to CSV, or `nil` when missing.
    public func formattedValue(at row: Int) -> String? {
        switch self {
        case .numeric(let c): c[row].map(NumberFormatting.shortest)
        case .categorical(let c): c[row]
        case .boolean(let c): c[row].map { $0 ? "true" : "false" }
        case .text(let c): c[row]
        case .timestamp(let c): c[row].map(TimestampParsing.iso8601)
        }
    }

    /// The numeric values, when this is a numeric column.
    public var numeric: NumericColumn? {
        if case .numeric(let c) = self { return c }
        return nil
    }

    /// The categorical values, when this is a categorical column.
    public var categorical: CategoricalColumn? {
        if case .categorical(let c) = self { return c }
        return nil
    }
}
