/// Parses one stretch of whole records into column buffers. One per thread; it keeps its
/// own dictionaries of categorical levels across blocks and its own text bytes per block.
final class SubrangeParser: @unchecked Sendable {
    let plan: ParsePlan
    /// Per categorical column, this thread's levels (codes local to this parser).
    let interners: [LevelInterner?]
    /// Per text column, the bytes of the values parsed in the current block.
    let textArenas: [ColumnBuffer<UInt8>?]
    private let scratch = ColumnBuffer<UInt8>(capacity: 256)

    /// Per column, what the sample's values could be (sample mode only).
    @exclusivity(unchecked) private(set) var evidence: [KindEvidence]

    // Results of the last `run`.
    private(set) var producedRows = 0
    private(set) var paddedRows = 0
    private(set) var skippedRows = 0
    private(set) var blankLines = 0
    private(set) var failure: CSVError?
    /// Whether the last run stopped at a quoted field still open at the end of its part.
    private(set) var endsInsideQuotes = false
    /// Per column, the first value that did not fit the inferred kind: (row, value).
    private(set) var conflicts: [Int: (row: Int, value: String)] = [:]

    init(plan: ParsePlan) {
        self.plan = plan
        interners = plan.kinds.map { $0 == .categorical ? LevelInterner() : nil }
        textArenas = plan.kinds.map { $0 == .text ? ColumnBuffer<UInt8>(capacity: 1 << 16) : nil }
        evidence = Array(repeating: KindEvidence(), count: plan.collectsEvidence ? plan.kinds.count : 0)
    }

    /// Empties the text bytes before a new block.
    func resetTextArenas() {
        for arena in textArenas { arena?.setCount(0) }
    }

    /// Parses the records of `part`, writing row values from `outputRow` on.
    /// - Parameters:
    ///   - firstFileRow: the number given to the first record in messages (the pipeline
    ///     passes 1 and adds where the part starts once the parts before it are counted).
    func run(_ base: UnsafePointer<UInt8>, part: BlockPart, firstFileRow: Int, outputRow: Int, outputs: [ColumnPointers]) {
        producedRows = 0; paddedRows = 0; skippedRows = 0; blankLines = 0
        failure = nil
        endsInsideQuotes = false
        conflicts = [:]
        let kinds = plan.kinds
        outputs.withUnsafeBufferPointer { outs in
            kinds.withUnsafeBufferPointer { kinds in
                parseRecords(base, part, firstFileRow, outputRow, outs, kinds)
            }
        }
    }

    private func parseRecords(_ base: UnsafePointer<UInt8>, _ part: BlockPart, _ firstFileRow: Int, _ outputRow: Int,
                              _ outs: UnsafeBufferPointer<ColumnPointers>, _ kinds: UnsafeBufferPointer<ColumnKind>) {
        let end = part.end
        let columnCount = kinds.count
        let delimiter = plan.delimiter
        let missing = plan.missing
        let interners = self.interners
        let numbersInline = plan.allowsNumberFastPath
        let skipsRagged = plan.raggedRows == .skip
        let maxRowBytes = plan.maxRowBytes
        var p = part.start
        var fileRow = firstFileRow
        var row = outputRow
        var blankLines = 0, paddedRows = 0, skippedRows = 0
        defer {
            self.blankLines = blankLines
            self.paddedRows = paddedRows
            self.skippedRows = skippedRows
            producedRows = row - outputRow
        }
        while p < end {
            let recordStart = p
            if columnCount > 1 {
                if base[p] == 10 { p += 1; blankLines += 1; fileRow += 1; continue }
                if base[p] == 13 && (p + 1 == end || base[p + 1] == 10) {
                    p += p + 1 == end ? 1 : 2; blankLines += 1; fileRow += 1; continue
                }
            }
            if end - recordStart > maxRowBytes && !RecordBoundaries.endsWithin(base, from: p, limit: p + maxRowBytes, delimiter: delimiter) {
                // Too long, whatever else is wrong with it: the same error as when the record
                // does not fit the read buffer.
                return fail(.rowTooLong(limit: maxRowBytes), fileRow, nil)
            }
            if skipsRagged {
                // A ragged row is left out before any of its fields is looked at, so it
                // leaves no trace (no level, no error) in the table.
                let (fields, recordEnd, open) = RecordBoundaries.fields(base, from: p, end: end, delimiter: delimiter)
                if open {
                    // Still inside quotes at the part's end: the input ends in an open
                    // quote, or the part was cut inside a quoted field.
                    endsInsideQuotes = true
                    return fail(.unterminatedQuote, fileRow, nil)
                }
                if fields != columnCount {
                    skippedRows += 1; fileRow += 1; p = recordEnd; continue
                }
            }
            var column = 0
            while true {
                // Numbers are parsed in the same pass that finds the field's end.
                if numbersInline && column < columnCount && kinds[column] == .numeric,
                   let (value, numberEnd) = FieldParsing.parsePlainNumberField(base, p, end, delimiter: delimiter) {
                    var next = numberEnd
                    if next < end && base[next] == 13 && next + 1 < end && base[next + 1] == 10 { next += 1 }
                    if next == end || base[next] == delimiter || base[next] == 10 {
                        outs[column].doubles.unsafelyUnwrapped[row] = value
                        column += 1
                        if next < end && base[next] == delimiter { p = next + 1; continue }
                        p = next < end ? next + 1 : end
                        break
                    }
                }
                var fieldBase = base
                var start = p, stop = p
                var quoted = false
                var terminator: UInt8 = 0
                if p < end && base[p] == 34 {
                    quoted = true
                    var q = p + 1, closing = -1, escaped = false
                    while q < end {
                        if base[q] == 34 {
                            if q + 1 < end && base[q + 1] == 34 { escaped = true; q += 2; continue }
                            closing = q
                            break
                        }
                        q += 1
                    }
                    if closing < 0 {
                        // The part ends inside this quoted field: a genuine error at the
                        // end of the input, or a part cut at a newline inside quotes.
                        endsInsideQuotes = true
                        return fail(.unterminatedQuote, fileRow, column)
                    }
                    start = p + 1; stop = closing
                    if escaped {
                        unescape(base, start, stop)
                        fieldBase = UnsafePointer(scratch.baseAddress); start = 0; stop = scratch.count
                    }
                    p = closing + 1
                    if p < end {
                        let next = base[p]
                        if next == delimiter || next == 10 { terminator = next; p += 1 }
                        else if next == 13 && (p + 1 == end || base[p + 1] == 10) { terminator = 10; p += p + 1 == end ? 1 : 2 }
                        else {
                            return fail(.unexpectedAfterClosingQuote(Self.lineExcerpt(base, p, end)), fileRow, column)
                        }
                    }
                } else {
                    while p < end {
                        let byte = base[p]
                        if byte == delimiter || byte == 10 { break }
                        p += 1
                    }
                    stop = p
                    if p < end { terminator = base[p]; p += 1 }
                    if terminator != delimiter && stop > start && base[stop - 1] == 13 { stop -= 1 }
                }
                if column < columnCount {
                    // The common cases inline; everything else (missing values, other
                    // kinds, errors) out of line.
                    let kind = kinds[column]
                    if kind == .numeric && numbersInline, let value = FieldParsing.parseDouble(fieldBase, start, stop) {
                        outs[column].doubles.unsafelyUnwrapped[row] = value
                    } else if kind == .categorical && stop > start && (quoted || !missing.matches(fieldBase, start, stop)) {
                        let code = interners[column].unsafelyUnwrapped.code(of: fieldBase + start, count: stop - start)
                        if code == LevelInterner.invalidCode { return fail(.invalidUTF8, fileRow, column) }
                        outs[column].codes.unsafelyUnwrapped[row] = code
                    } else {
                        guard store(column, kind, outs[column], fieldBase, start, stop, quoted, row, fileRow) else { return }
                    }
                }
                column += 1
                if terminator != delimiter { break }
            }
            if column != columnCount {
                if column < columnCount && plan.raggedRows == .pad {
                    if !plan.collectsEvidence {
                        for padded in column..<columnCount { storeMissing(padded, kinds[padded], outs[padded], row) }
                    }
                    paddedRows += 1
                } else {
                    return fail(.raggedRow(expected: columnCount, found: column), fileRow, nil)
                }
            }
            fileRow += 1
            row += 1
        }
    }

    /// Converts and writes one field; `false` when it failed (see `failure`).
    @inline(never)
    private func store(_ column: Int, _ kind: ColumnKind, _ out: ColumnPointers, _ base: UnsafePointer<UInt8>,
                       _ start: Int, _ stop: Int, _ quoted: Bool, _ row: Int, _ fileRow: Int) -> Bool {
        if plan.missingTokensLookLikeValues && kind != .categorical && kind != .text && plan.missing.matches(base, start, stop) {
            storeMissing(column, kind, out, row)
            return true
        }
        switch kind {
        case .numeric:
            if let value = FieldParsing.parseDouble(base, start, stop) {
                out.doubles![row] = value
            } else {
                out.doubles![row] = .nan
                return checkMissing(column, kind, base, start, stop, fileRow)
            }
        case .timestamp:
            if let value = FieldParsing.parseTimestamp(base, start, stop, allowEpochSeconds: plan.forced[column]) {
                out.doubles![row] = value
            } else {
                out.doubles![row] = .nan
                return checkMissing(column, kind, base, start, stop, fileRow)
            }
        case .boolean:
            if let value = FieldParsing.parseBoolean(base, start, stop, lenient: plan.forced[column]) {
                out.bytes![row] = value ? 1 : 0
            } else {
                out.bytes![row] = BooleanColumn.missingByte
                return checkMissing(column, kind, base, start, stop, fileRow)
            }
        case .categorical:
            if !quoted && plan.missing.matches(base, start, stop) {
                out.codes![row] = CategoricalColumn.missingCode
            } else {
                let code = interners[column].unsafelyUnwrapped.code(of: base + start, count: stop - start)
                if code == LevelInterner.invalidCode { fail(.invalidUTF8, fileRow, column); return false }
                out.codes![row] = code
            }
        case .text where plan.collectsEvidence:
            if quoted || !plan.missing.matches(base, start, stop) { evidence[column].observe(base, start, stop) }
        case .text:
            let arena = textArenas[column].unsafelyUnwrapped
            if !quoted && plan.missing.matches(base, start, stop) {
                out.bytes![row] = 1
            } else {
                let field = UnsafeBufferPointer(start: base + start, count: stop - start)
                if !Self.isValidUTF8(field) { fail(.invalidUTF8, fileRow, column); return false }
                arena.growIfNeeded(toHold: arena.count + field.count)
                (arena.baseAddress + arena.count).update(from: field.baseAddress!, count: field.count)
                arena.setCount(arena.count + field.count)
                out.bytes![row] = 0
            }
            out.offsets![row + 1] = arena.count
        }
        return true
    }

    /// Writes a missing value (for the fields a short row lacks).
    private func storeMissing(_ column: Int, _ kind: ColumnKind, _ out: ColumnPointers, _ row: Int) {
        switch kind {
        case .numeric, .timestamp: out.doubles![row] = .nan
        case .boolean: out.bytes![row] = BooleanColumn.missingByte
        case .categorical: out.codes![row] = CategoricalColumn.missingCode
        case .text:
            out.bytes![row] = 1
            out.offsets![row + 1] = textArenas[column].unsafelyUnwrapped.count
        }
    }

    /// A value that is neither a missing token nor blank did not fit the column's kind:
    /// an error for a forced kind (returns `false`), else noted for a second pass.
    private func checkMissing(_ column: Int, _ kind: ColumnKind, _ base: UnsafePointer<UInt8>, _ start: Int, _ stop: Int, _ fileRow: Int) -> Bool {
        if plan.missing.matches(base, start, stop) { return true }
        var blank = true
        for k in start..<stop where base[k] != 32 && base[k] != 9 { blank = false; break }
        if blank { return true }
        let value = Self.excerpt(base, start, stop)
        if plan.forced[column] {
            fail(.notA(kind, value: value), fileRow, column)
            return false
        } else if plan.conflictsAreFatal {
            fail(.inferredKindConflict(kind, value: value), fileRow, column)
            return false
        } else if conflicts[column] == nil {
            conflicts[column] = (fileRow, value)
        }
        return true
    }

    /// Up to ten bytes from `start`, stopping at a line end: what a message quotes.
    static func lineExcerpt(_ base: UnsafePointer<UInt8>, _ start: Int, _ end: Int) -> String {
        var stop = start
        while stop < end && stop - start < 10 && base[stop] != 10 && base[stop] != 13 { stop += 1 }
        return String(decoding: UnsafeBufferPointer(start: base + start, count: stop - start), as: UTF8.self)
    }

    static func excerpt(_ base: UnsafePointer<UInt8>, _ start: Int, _ stop: Int) -> String {
        let text = String(decoding: UnsafeBufferPointer(start: base + start, count: min(stop - start, 64)), as: UTF8.self)
        return stop - start > 64 ? text + "…" : text
    }

    static func isValidUTF8(_ bytes: UnsafeBufferPointer<UInt8>) -> Bool {
        var ascii = true
        for byte in bytes where byte >= 0x80 { ascii = false; break }
        return ascii || String(validating: bytes, as: UTF8.self) != nil
    }

    /// Copies a quoted field's content into `scratch` with each `""` made one `"`.
    private func unescape(_ base: UnsafePointer<UInt8>, _ start: Int, _ stop: Int) {
        scratch.growIfNeeded(toHold: stop - start)
        let target = scratch.baseAddress
        var written = 0, k = start
        while k < stop {
            let byte = base[k]
            target[written] = byte
            written &+= 1
            k &+= byte == 34 ? 2 : 1
        }
        scratch.setCount(written)
    }

    /// Records the error; a field past the header's columns is named by its position.
    private func fail(_ reason: CSVError.Reason, _ fileRow: Int, _ column: Int?) {
        let name = column.map { $0 < plan.columnNames.count ? plan.columnNames[$0] : "(field \($0 + 1), past the header's \(plan.columnNames.count))" }
        failure = CSVError(reason, file: plan.file, row: fileRow, column: name)
    }
}
