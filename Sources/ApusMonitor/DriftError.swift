/// Why a drift statistic could not be computed. Each case names the argument at fault.
public enum DriftError: Error, Equatable, Sendable, CustomStringConvertible {
    /// The sample named `argument` has no values once NaN (missing) values are removed.
    case emptySample(argument: String, missing: Int)
    /// The two count vectors do not have the same number of categories or bins.
    case mismatchedCategories(reference: Int, current: Int)
    /// A count is negative, NaN or infinite.
    case invalidCount(argument: String, index: Int, value: Double)
    /// The counts named `argument` add up to zero.
    case zeroTotal(argument: String)
    /// A parameter is out of its range.
    case invalidParameter(name: String, value: Double)
    /// Two per-row arguments have different lengths (`argument` has `count` values, `expected` has `expectedCount`).
    case lengthMismatch(argument: String, count: Int, expected: String, expectedCount: Int)
    /// A per-row argument has no rows.
    case emptyInput(argument: String)
    /// A probability is NaN or outside [0, 1].
    case invalidProbability(argument: String, index: Int, value: Double)

    // Profiles (Profiles/).
    /// Two profiles of `column` cannot be merged or compared; `reason` says why.
    case profileMismatch(column: String, reason: String)
    /// A column asked for is not in the table or profile.
    case unknownColumn(String)
    /// A column whose kind cannot be profiled (text, timestamp).
    case unsupportedColumn(column: String, kind: String)
    /// A level code (or boolean byte) out of range at `row`.
    case invalidLevelCode(column: String, row: Int, code: UInt32, levelCount: Int)
    /// Histogram edges that are not finite and non-decreasing (or a single edge).
    case invalidEdges(column: String, reason: String)
    /// A profile written by a newer format.
    case unsupportedProfileVersion(Int)

    public var description: String {
        switch self {
        case let .emptySample(argument, missing):
            "\(argument) is empty after removing \(missing) missing (NaN) value\(missing == 1 ? "" : "s")"
        case let .mismatchedCategories(reference, current):
            "reference has \(reference) categories but current has \(current); the count vectors must align"
        case let .invalidCount(argument, index, value):
            "\(argument)[\(index)] is \(value); counts must be finite and non-negative"
        case let .zeroTotal(argument):
            "\(argument) counts add up to zero"
        case let .invalidParameter(name, value):
            "\(name) = \(value) is out of range"
        case let .lengthMismatch(argument, count, expected, expectedCount):
            "\(argument) has \(count) value\(count == 1 ? "" : "s") but \(expected) has \(expectedCount); they must have one value per row"
        case let .emptyInput(argument):
            "\(argument) is empty; at least one row is needed"
        case let .invalidProbability(argument, index, value):
            "\(argument)[\(index)] is \(value); probabilities must be in [0, 1]"
        case let .profileMismatch(column, reason):
            "column \(column): \(reason)"
        case let .unknownColumn(name):
            "no column named \(name)"
        case let .unsupportedColumn(column, kind):
            "column \(column) is \(kind); only numeric, categorical and boolean columns are profiled"
        case let .invalidLevelCode(column, row, code, levelCount):
            "column \(column): row \(row) has level code \(code) but there are \(levelCount) levels"
        case let .invalidEdges(column, reason):
            "column \(column): \(reason)"
        case let .unsupportedProfileVersion(version):
            "profile format version \(version) is newer than this reader (\(DataProfile.currentVersion))"
        }
    }
}
