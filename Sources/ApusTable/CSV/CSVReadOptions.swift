/// How to read a CSV file. The defaults read the common dialects without set-up.
public struct CSVReadOptions: Sendable {
    /// What to do with a row whose number of fields differs from the header's.
    public enum RaggedRows: String, Sendable, CaseIterable {
        /// Stop with an error naming the row (the default).
        case error
        /// Fill a short row with missing values (a long row is still an error); counted.
        case pad
        /// Leave out every ragged row; counted.
        case skip
    }

    /// The tokens read as missing by default (unquoted; quoted text is always literal).
    public static let defaultMissingTokens: Set<String> = [
        "", "NA", "N/A", "n/a", "NaN", "nan", "null", "NULL", "None", "#N/A",
    ]

    /// The field separator; `nil` detects one of `,` `;` tab `|` from the first lines.
    public var delimiter: UInt8?
    /// Whether the first row names the columns. Without one they are `column_1`, `column_2`, ...
    public var hasHeader: Bool
    /// Unquoted field values that mean "missing". Defaults to `defaultMissingTokens`.
    public var missingTokens: Set<String>
    /// Kinds forced on the columns it names; the others are inferred.
    public var schema: Schema?
    /// What to do with rows that have too many or too few fields.
    public var raggedRows: RaggedRows
    /// Rows read to infer each column's kind. Must be at least 1. Defaults to 10,000.
    public var inferenceSampleRows: Int
    /// The most bytes of rows read to infer kinds (the sample ends at whichever limit comes
    /// first, but holds at least one row). Must be at least 1. Defaults to 16 MiB.
    public var inferenceSampleBytes: Int
    /// The longest row accepted, in bytes; a longer one is an error, never an unbounded
    /// allocation. Defaults to 64 MiB.
    public var maxRowBytes: Int
    /// Threads that parse; `nil` uses every core. Results do not depend on it.
    public var threads: Int?
    /// Bytes parsed per thread per block. Defaults to 1 MiB (measured: larger blocks are no
    /// faster and hold more memory).
    public var blockBytesPerThread: Int
    /// Called after each block with the bytes read so far and the file's size.
    public var progress: (@Sendable (_ bytesRead: Int, _ totalBytes: Int) -> Void)?

    public init(
        delimiter: UInt8? = nil,
        hasHeader: Bool = true,
        missingTokens: Set<String> = CSVReadOptions.defaultMissingTokens,
        schema: Schema? = nil,
        raggedRows: RaggedRows = .error,
        inferenceSampleRows: Int = 10_000,
        inferenceSampleBytes: Int = 16 << 20,
        maxRowBytes: Int = 64 << 20,
        threads: Int? = nil,
        blockBytesPerThread: Int = 1 << 20,
        progress: (@Sendable (Int, Int) -> Void)? = nil
    ) {
        self.delimiter = delimiter
        self.hasHeader = hasHeader
        self.missingTokens = missingTokens
        self.schema = schema
        self.raggedRows = raggedRows
        self.inferenceSampleRows = inferenceSampleRows
        self.inferenceSampleBytes = inferenceSampleBytes
        self.maxRowBytes = maxRowBytes
        self.threads = threads
        self.blockBytesPerThread = blockBytesPerThread
        self.progress = progress
    }
}
