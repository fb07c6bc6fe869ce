/// Unquoted field values that mean "missing", matched on raw bytes.
struct MissingTokens: Sendable {
    private let tokens: [[UInt8]]
    private let lengthMask: UInt64
    /// Whether some token reads as a number, a boolean or a timestamp.
    let looksLikeValues: Bool

    init(_ tokens: Set<String>) {
        self.tokens = tokens.map { Array($0.utf8) }.sorted { $0.lexicographicallyPrecedes($1) }
        var mask: UInt64 = 0
        for token in self.tokens where token.count < 64 { mask |= 1 << UInt64(token.count) }
        lengthMask = mask
        looksLikeValues = self.tokens.contains { token in
            token.withUnsafeBufferPointer { bytes in
                guard let base = bytes.baseAddress, !bytes.isEmpty else { return false }
                return FieldParsing.parseDouble(base, 0, bytes.count) != nil
                    || FieldParsing.parseBoolean(base, 0, bytes.count, lenient: true) != nil
                    || FieldParsing.parseTimestamp(base, 0, bytes.count, allowEpochSeconds: false) != nil
            }
        }
    }

    /// Whether `base[start..<end]` is one of the tokens.
    @inline(__always)
    func matches(_ base: UnsafePointer<UInt8>, _ start: Int, _ end: Int) -> Bool {
        let length = end - start
        guard length < 64, lengthMask & (1 << UInt64(length)) != 0 else { return false }
        for token in tokens where token.count == length {
            var equal = true
            for k in 0..<length where token[k] != base[start + k] { equal = false; break }
            if equal { return true }
        }
        return false
    }
}

/// Everything a thread needs to know to parse records: the dialect and each column's kind.
struct ParsePlan: Sendable {
    var columnNames: [String]
    var kinds: [ColumnKind]
    /// Columns whose kind was forced by a schema: a value that does not fit is an error.
    var forced: [Bool]
    /// A value that does not fit an inferred kind stops the read (streaming) instead of
    /// being noted for a second pass that reads the column as categorical.
    var conflictsAreFatal: Bool
    var delimiter: UInt8
    var missing: MissingTokens
    var raggedRows: CSVReadOptions.RaggedRows
    /// The longest record accepted, in bytes.
    var maxRowBytes: Int
    var file: String?
    /// Sample mode: fields are only observed for kind inference (`KindEvidence`), not stored.
    var collectsEvidence = false

    var columnCount: Int { kinds.count }

    /// Whether a missing token could also be read as a value (`-999`, `0`, `1970-01-01`):
    /// then tokens are matched before values are parsed.
    var missingTokensLookLikeValues: Bool { missing.looksLikeValues }

    /// Whether plain numbers can be parsed in the pass that finds the field's end: not when
    /// the delimiter can be part of a number, nor when a missing token looks like one.
    var allowsNumberFastPath: Bool {
        !missing.looksLikeValues && !Array("0123456789.-+eE".utf8).contains(delimiter)
    }
}

/// Where one column's parsed values go, as raw pointers into its buffers.
struct ColumnPointers: @unchecked Sendable {
    var doubles: UnsafeMutablePointer<Double>?
    var codes: UnsafeMutablePointer<UInt32>?
    var bytes: UnsafeMutablePointer<UInt8>?
    var offsets: UnsafeMutablePointer<Int>?
}
