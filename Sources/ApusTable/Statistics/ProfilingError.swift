/// An error from profiling a stream of batches.
public enum ProfilingError: Error, Equatable, CustomStringConvertible {
    /// Column `position` (from 1) of a batch differs from the first batch's: another name,
    /// another kind, or a column one of them lacks (`nil`).
    case columnMismatch(position: Int, expected: Schema.Field?, found: Schema.Field?)

    public var description: String {
        switch self {
        case .columnMismatch(_, let expected?, let found?) where expected.name == found.name:
            "column `\(found.name)` is \(found.kind) in this batch but \(expected.kind) in the first batch"
        case .columnMismatch(let position, let expected?, let found?):
            "column \(position) is `\(found.name)` in this batch but `\(expected.name)` in the first batch"
        case .columnMismatch(let position, let expected?, nil):
            "this batch lacks column `\(expected.name)` (column \(position) of the first batch)"
        case .columnMismatch(let position, nil, let found?):
            "this batch has column `\(found.name)` (column \(position)), which the first batch lacks"
        case .columnMismatch(let position, nil, nil):
            "column \(position) differs from the first batch"
        }
    }

    /// The first difference between `found` and `expected`, or `nil` when they agree.
    static func firstMismatch(found: Schema, expected: Schema) -> ProfilingError? {
        let width = Swift.max(found.columns.count, expected.columns.count)
        for index in 0..<width {
            let wanted = index < expected.columns.count ? expected.columns[index] : nil
            let got = index < found.columns.count ? found.columns[index] : nil
            if wanted != got { return .columnMismatch(position: index + 1, expected: wanted, found: got) }
        }
        return nil
    }
}
