/// Choosing, dropping and renaming columns.
///
/// These operations never copy column storage: the new table shares the columns it keeps.
extension Table {
    /// A table of the columns called `names`, in the order given.
    ///
    /// - Parameter names: the columns to keep; each must exist and appear once.
    /// - Throws: `TableError.unknownColumn` (with the closest existing name) for a name the
    ///   table lacks; `TableError.duplicateColumnName` when a name is given twice.
    /// - Complexity: O(*m*) for *m* names; no values are copied.
    public func selecting(columns names: [String]) throws -> Table {
        let kept = try names.map { name in (name: name, column: try column(named: name)) }
        return try Table(kept)
    }

    /// A table without the columns called `names`; the others keep their order.
    ///
    /// - Parameter names: the columns to remove; each must exist. Repeats are harmless.
    /// - Throws: `TableError.unknownColumn` (with the closest existing name) for a name the
    ///   table lacks.
    /// - Complexity: O(*n* + *m*) for *n* columns and *m* names; no values are copied.
    public func dropping(columns names: [String]) throws -> Table {
        for name in names where position(of: name) == nil {
            throw TableError.unknownColumn(name, suggestion: closestName(to: name, among: columnNames))
        }
        let dropped = Set(names)
        let kept = zip(columnNames, columns).filter { !dropped.contains($0.0) }
        return try Table(kept.map { (name: $0.0, column: $0.1) })
    }

    /// A table whose columns are renamed by `mapping` (old name → new name); columns it
    /// does not mention keep their names. Order is unchanged.
    ///
    /// Names may be swapped (`["a": "b", "b": "a"]`): every new name is decided before any
    /// check for repeats.
    ///
    /// - Throws: `TableError.unknownColumn` for an old name the table lacks;
    ///   `TableError.emptyColumnName` for an empty new name; `TableError.invalidArgument`
    ///   when two columns would end up with the same name.
    public func renaming(columns mapping: [String: String]) throws -> Table {
        for old in mapping.keys.sorted() where position(of: old) == nil {
            throw TableError.unknownColumn(old, suggestion: closestName(to: old, among: columnNames))
        }
        let newNames = columnNames.map { mapping[$0] ?? $0 }
        var firstOwner: [String: String] = [:]
        for (old, new) in zip(columnNames, newNames) {
            if new.isEmpty, let position = position(of: old) {
                throw TableError.emptyColumnName(position: position + 1)
            }
            if let other = firstOwner[new] {
                throw TableError.invalidArgument(
                    "renaming would give two columns named `\(new)` (from `\(other)` and `\(old)`); names must be unique"
                )
            }
            firstOwner[new] = old
        }
        return try Table(zip(newNames, columns).map { (name: $0, column: $1) })
    }
}
