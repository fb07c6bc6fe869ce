/// One data-quality check, by the stable snake_case name that reports and alerts use.
public enum QualityCheck: String, Sendable, Codable, CaseIterable, CustomStringConvertible {
    /// The current window has no rows; no other check runs.
    case emptyWindow = "empty_window"
    /// A feature the model reads is not a column of the current table.
    case missingFeature = "missing_feature"
    /// A numeric feature's column holds values that are not numbers.
    case typeChanged = "type_changed"
    /// Columns the model does not read (one finding lists them all).
    case extraColumns = "extra_columns"
    /// A feature's missing share rose past training's by more than chance allows.
    case missingRateIncrease = "missing_rate_increase"
    /// Numeric values below the training minimum or above the training maximum.
    case outOfRange = "out_of_range"
    /// Categorical levels the model never saw.
    case unseenCategories = "unseen_categories"
    /// A feature with a single distinct non-missing value.
    case constantColumn = "constant_column"
    /// A feature missing in every row.
    case allMissing = "all_missing"
    /// Rows identical to an earlier row over every column.
    case duplicatedRows = "duplicated_rows"

    public var description: String { rawValue }
}

/// How much a finding matters.
public enum QualitySeverity: String, Sendable, Codable, Comparable, CaseIterable, CustomStringConvertible {
    /// Worth knowing; nothing is wrong (extra columns).
    case info
    /// The data differs from training in a way that can hurt predictions.
    case warning
    /// Predictions are wrong or cannot be made (a missing feature, text in a numeric feature).
    case error

    public var description: String { rawValue }

    private var rank: Int {
        switch self {
        case .info: 0
        case .warning: 1
        case .error: 2
        }
    }

    public static func < (lhs: QualitySeverity, rhs: QualitySeverity) -> Bool { lhs.rank < rhs.rank }
}

/// One problem found in the current data, with the numbers behind it and a message that
/// names the column, an example row and its value.
public struct QualityFinding: Sendable, Equatable, Codable, CustomStringConvertible {
    /// Which check found it.
    public var check: QualityCheck
    /// The column concerned; `nil` for table-wide findings (empty window, duplicated rows,
    /// extra columns).
    public var column: String?
    /// How much it matters.
    public var severity: QualitySeverity
    /// How many rows (or, for `extra_columns`, columns) are concerned.
    public var count: Int
    /// `count` over the current rows (for `extra_columns`, over the table's columns), 0...1.
    public var share: Double
    /// A 1-based data row (as the CSV reader counts: 1 = the first row after the header)
    /// that shows the problem, when there is one.
    public var exampleRow: Int?
    /// The value at `exampleRow` as text (or the level, the earlier row, ...), when there is one.
    public var exampleValue: String?
    /// What was found and what to do, for a person.
    public var message: String

    public init(check: QualityCheck, column: String?, severity: QualitySeverity, count: Int, share: Double,
                exampleRow: Int? = nil, exampleValue: String? = nil, message: String) {
        self.check = check
        self.column = column
        self.severity = severity
        self.count = count
        self.share = share
        self.exampleRow = exampleRow
        self.exampleValue = exampleValue
        self.message = message
    }

    public var description: String { "[\(severity)] \(check): \(message)" }
}
