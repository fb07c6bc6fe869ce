/// A dictionary-encoded column: one `UInt32` code per row indexing `levels`.
///
/// Levels are kept in order of first appearance, so the same data gives the same codes
/// whatever the number of threads that read it.
public struct CategoricalColumn: Sendable {
    /// The code that marks a missing value.
    public static let missingCode = UInt32.max

    /// One code per row; `missingCode` is missing.
    public let codes: ColumnBuffer<UInt32>
    /// The distinct strings, indexed by code.
    public let levels: [String]

    /// Wraps finished codes and their levels.
    /// - Precondition: every code is `missingCode` or below `levels.count`.
    public init(codes: ColumnBuffer<UInt32>, levels: [String]) {
        self.codes = codes
        self.levels = levels
    }

    /// Encodes `values`; `nil` is missing. Levels follow first appearance.
    public init(_ values: [String?]) {
        var index: [String: UInt32] = [:]
        var levels: [String] = []
        let codes = ColumnBuffer<UInt32>(capacity: values.count)
        for value in values {
            guard let value else { codes.append(Self.missingCode); continue }
            if let code = index[value] {
                codes.append(code)
            } else {
                let code = UInt32(levels.count)
                index[value] = code
                levels.append(value)
                codes.append(code)
            }
        }
        self.codes = codes
        self.levels = levels
    }

    /// Number of rows.
    public var count: Int { codes.count }

    /// The string at `row`, or `nil` when it is missing.
    public subscript(row: Int) -> String? {
        let code = codes[row]
        return code == Self.missingCode ? nil : levels[Int(code)]
    }

    /// Whether the value at `row` is missing.
    public func isMissing(_ row: Int) -> Bool { codes[row] == Self.missingCode }
}
