/// MLflow's CSV scoring body (`POST /invocations`, `text/csv`): a header line naming the
/// columns, then one line per row; RFC 4180 quoting (`"a, b"`, `""` for a quote inside),
/// `\n` or `\r\n` line ends, an empty field for a missing value. Blank lines are skipped,
/// as pandas does. Every field is text: numeric features read numeric text, categorical
/// features take it as the level. A header field that is no feature is refused, or, when
/// ignoring, its column is skipped (its fields must still be well-formed CSV).
struct CSVBodyDecoding {
    let codec: FeatureCodec
    let body: UnsafeRawBufferPointer
    var out: FeatureRowsBuilder
    /// The offset of the next unread byte.
    var offset = 0
    /// The 1-based line of `offset`.
    var line = 1
    /// Whether header fields that name no feature are skipped rather than refused.
    let ignoresUnknown: Bool
    /// The skipped columns' names.
    var ignored = IgnoredFieldNames()

    init(codec: FeatureCodec, maxRows: Int, ignoresUnknown: Bool = false, body: UnsafeRawBufferPointer) {
        self.codec = codec
        self.body = body
        self.ignoresUnknown = ignoresUnknown
        self.out = FeatureRowsBuilder(width: codec.width, maxRows: maxRows)
    }

    /// A field's place: the bytes between its quotes (or the whole field).
    private struct Field {
        var start: Int
        var end: Int
        /// Whether it holds `""` pairs, so that its raw bytes are not its text.
        var hasQuotePairs: Bool
        /// Whether a comma follows (more fields on the line).
        var moreFollow: Bool
    }

    mutating func decode() throws(RequestProblem) -> DecodedRows {
        guard let address = body.baseAddress, body.count > 0 else {
            throw .malformed("Malformed CSV: the body is empty", offset: 0)
        }
        let base = address.assumingMemoryBound(to: UInt8.self)
        if body.count >= 3 && base[0] == 0xEF && base[1] == 0xBB && base[2] == 0xBF { offset = 3 }
        let columns = try readHeader(base)
        if columns.contains(where: { $0 < 0 }) {
            // Ignored columns: a loop of its own, so that bodies without them test nothing per field.
            try readRows(base, columns: columns, skipsIgnored: true)
        } else {
            try readRows(base, columns: columns, skipsIgnored: false)
        }
        guard out.rows > 0 else {
            throw DecodeProblem.noRows("the CSV has a header but no lines of values", pointer: nil, field: nil)
        }
        return DecodedRows(features: out.features, rows: out.rows, unseen: out.unseen, ignoredFields: ignored.names)
    }

    /// The lines after the header: field `i` of each is feature `columns[i]`; with
    /// `skipsIgnored` (a constant at each call), fields of columns −1 are read and dropped.
    @inline(__always)
    private mutating func readRows(_ base: UnsafePointer<UInt8>, columns: [Int], skipsIgnored: Bool) throws(RequestProblem) {
        while offset < body.count {
            if base[offset] == 0x0A || (base[offset] == 0x0D && offset + 1 < body.count && base[offset + 1] == 0x0A) {
                offset += base[offset] == 0x0D ? 2 : 1
                line += 1
                continue
            }
            let row = out.rows
            let rowLine = line
            let rowStart = try out.appendRow(pointer: nil)
            var column = 0
            while true {
                let field = try readField(base)
                guard column < columns.count else {
                    throw DecodeProblem.invalid(
                        "row \(row) (line \(rowLine)) has more than the \(columns.count) fields of the header",
                        pointer: nil, row: row)
                }
                let feature = columns[column]
                if skipsIgnored && feature < 0 {
                    column += 1
                    if !field.moreFollow { break }
                    continue
                }
                do throws(RequestProblem) {
                    out.features[rowStart + feature] = try value(of: field, base, feature: feature, row: row)
                } catch {
                    var located = error
                    located.detail += " (line \(rowLine))"
                    throw located
                }
                column += 1
                if !field.moreFollow { break }
            }
            guard column == columns.count else {
                throw DecodeProblem.invalid(
                    "row \(row) (line \(rowLine)) has \(column) fields; the header has \(columns.count)", pointer: nil, row: row)
            }
        }
    }

    /// The header line: each column's feature. Every feature once; any other name is
    /// refused, or, when ignoring, its column is −1.
    private mutating func readHeader(_ base: UnsafePointer<UInt8>) throws(RequestProblem) -> [Int] {
        var columns: [Int] = []
        var seen = [Bool](repeating: false, count: codec.width)
        var unknown: [String] = []
        while true {
            let field = try readField(base)
            let name = text(of: field, base)
            let feature = codec.featureIndex(named: name)
            if feature < 0 {
                let name = DecodeProblem.clip(name)
                if unknown.count < DecodeProblem.keptUnknownNames {
                    if unknown.contains(name) {
                        throw DecodeProblem.repeatedKey(name, place: "the CSV header", row: nil, pointer: nil)
                    }
                    unknown.append(name)
                }
                if ignoresUnknown { ignored.note(name) }
            } else {
                if seen[feature] { throw DecodeProblem.repeatedKey(name, place: "the CSV header", row: nil, pointer: nil) }
                seen[feature] = true
            }
            columns.append(feature)
            if !field.moreFollow { break }
        }
        if let missing = seen.firstIndex(of: false) {
            throw DecodeProblem.missingFeature(codec.featureNames[missing], place: "the CSV header", row: nil, pointer: nil,
                                               present: unknown)
        }
        if !ignoresUnknown, let name = unknown.first {
            throw DecodeProblem.unknownFeature(name, place: "the CSV header", row: nil, pointer: nil,
                                               features: codec.featureNames)
        }
        return columns
    }

    /// Reads one field and the comma or line end after it.
    private mutating func readField(_ base: UnsafePointer<UInt8>) throws(RequestProblem) -> Field {
        let count = body.count
        var field: Field
        if offset < count && base[offset] == 0x22 {
            let open = offset
            var index = offset + 1
            var pairs = false
            while true {
                guard index < count else { throw .malformed("Malformed CSV: unterminated quoted field", offset: open) }
                let byte = base[index]
                if byte == 0x22 {
                    if index + 1 < count && base[index + 1] == 0x22 {
                        pairs = true
                        index += 2
                        continue
                    }
                    break
                }
                if byte == 0x0A { line += 1 }
                index = try skipCharacter(base, at: index)
            }
            field = Field(start: open + 1, end: index, hasQuotePairs: pairs, moreFollow: false)
            offset = index + 1
        } else {
            var index = offset
            while index < count {
                let byte = base[index]
                if byte == 0x2C || byte == 0x0A || (byte == 0x0D && index + 1 < count && base[index + 1] == 0x0A) { break }
                if byte == 0x22 {
                    throw .malformed("Malformed CSV: a quote inside an unquoted field (quote the whole field and double the quote)",
                                     offset: index)
                }
                index = try skipCharacter(base, at: index)
            }
            field = Field(start: offset, end: index, hasQuotePairs: false, moreFollow: false)
            offset = index
        }
        // What follows: a comma, a line end or the end of the body.
        if offset >= count { return field }
        switch base[offset] {
        case 0x2C:
            offset += 1
            field.moreFollow = true
        case 0x0A:
            offset += 1
            line += 1
        case 0x0D where offset + 1 < count && base[offset + 1] == 0x0A:
            offset += 2
            line += 1
        default:
            throw .malformed("Malformed CSV: expected a comma or a line end after a quoted field", offset: offset)
        }
        return field
    }

    /// Checks the character at `index` (valid UTF-8, no NUL) and returns the offset after it.
    private func skipCharacter(_ base: UnsafePointer<UInt8>, at index: Int) throws(RequestProblem) -> Int {
        let byte = base[index]
        if byte < 0x80 {
            if byte == 0 { throw .malformed("Malformed CSV: a NUL byte", offset: index) }
            return index + 1
        }
        let length = UTF8Validation.sequenceLength(base, at: index, count: body.count)
        guard length > 0 else { throw .malformed("Malformed CSV: invalid UTF-8", offset: index) }
        return index + length
    }

    /// The field's text, its `""` pairs made single quotes.
    private func bytes(of field: Field, _ base: UnsafePointer<UInt8>) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(field.end - field.start)
        var index = field.start
        while index < field.end {
            out.append(base[index])
            index += base[index] == 0x22 ? 2 : 1
        }
        return out
    }

    private func text(of field: Field, _ base: UnsafePointer<UInt8>) -> String {
        if field.hasQuotePairs { return String(decoding: bytes(of: field, base), as: UTF8.self) }
        return String(decoding: UnsafeBufferPointer(start: base + field.start, count: field.end - field.start), as: UTF8.self)
    }

    /// A field as feature `feature`: empty is missing; otherwise text by the value rules.
    private mutating func value(of field: Field, _ base: UnsafePointer<UInt8>, feature: Int,
                                row: Int) throws(RequestProblem) -> Double {
        if field.start == field.end { return .nan }
        if field.hasQuotePairs {
            let text = bytes(of: field, base)
            return try text.withUnsafeBufferPointer { (text) throws(RequestProblem) in
                try codec.value(ofText: text, feature: feature, row: row, unseen: &out.unseen)
            }
        }
        let text = UnsafeBufferPointer(start: base + field.start, count: field.end - field.start)
        return try codec.value(ofText: text, feature: feature, row: row, unseen: &out.unseen)
    }
}
