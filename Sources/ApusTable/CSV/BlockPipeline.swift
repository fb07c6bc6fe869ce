import Dispatch

/// Parses blocks of whole records on all threads and merges what the threads found, in
/// file order, so the result does not depend on the number of threads.
final class BlockPipeline: @unchecked Sendable {
    let plan: ParsePlan
    private let parsers: [SubrangeParser]
    /// Per categorical column, the levels of the whole file so far, in order of first appearance.
    private let globalLevels: [LevelInterner?]
    private(set) var levelStrings: [[String]]
    /// Per thread, per column: local level code → global code.
    private var localToGlobal: [[[UInt32]]]

    /// Whether the last rejected speculative block was wrong only about where it ends (its
    /// last newline was inside quotes), not about a cut between parts.
    private(set) var rejectedAtBlockEnd = false

    /// Records consumed so far (blank and skipped lines included), for row numbers.
    private(set) var recordsConsumed = 0
    private(set) var paddedRows = 0
    private(set) var skippedRows = 0
    private(set) var blankLines = 0
    /// Per column, the first value that did not fit its inferred kind: (row, value).
    private(set) var conflicts: [Int: (row: Int, value: String)] = [:]

    init(plan: ParsePlan, threads: Int) {
        self.plan = plan
        parsers = (0..<max(1, threads)).map { _ in SubrangeParser(plan: plan) }
        globalLevels = plan.kinds.map { $0 == .categorical ? LevelInterner() : nil }
        levelStrings = Array(repeating: [], count: plan.columnCount)
        localToGlobal = Array(repeating: Array(repeating: [], count: plan.columnCount), count: parsers.count)
    }

    /// Parses `parts` of the block at `base` into `outputs` from row `outputs.rowCount` on.
    /// - Parameters:
    ///   - speculative: the parts were cut at newlines without following quotes. A cut is
    ///     proven right when the part before it ends outside a quoted field; the first part
    ///     starts where a record starts, so the proof runs from it, part by part.
    ///   - isEndOfInput: the block ends where the input ends.
    /// - Returns: `false` when a speculative cut (or the block's end) fell inside a quoted
    ///   field: nothing is kept, and the block must be cut again following quotes.
    @discardableResult
    func process(_ base: UnsafePointer<UInt8>, parts: [BlockPart], into outputs: OutputColumns,
                 speculative: Bool = false, isEndOfInput: Bool = true) throws -> Bool {
        precondition(parts.count <= parsers.count, "more parts than parsers")
        let firstRow = outputs.rowCount
        var rowStarts: [Int] = []
        var rows = firstRow
        for part in parts {
            rowStarts.append(rows)
            rows += part.records  // at least the records of the part (newlines, when speculative)
        }
        // In sample mode fields are only observed, so nothing is stored.
        if !plan.collectsEvidence { outputs.reserve(rows: rows) }
        let pointers = plan.collectsEvidence ? Array(repeating: ColumnPointers(), count: plan.columnCount) : outputs.pointers()
        let parsers = self.parsers
        let levelCounts = speculative ? parsers.map { $0.interners.map { $0?.count ?? 0 } } : []
        let outputStarts = rowStarts
        let source = UnsafeSendablePointer(base)
        for parser in parsers { parser.resetTextArenas() }
        DispatchQueue.concurrentPerform(iterations: parts.count) { k in
            parsers[k].run(source.pointer, part: parts[k], firstFileRow: 1, outputRow: outputStarts[k], outputs: pointers)
        }
        // Row numbers: each part counted from 1; the records before it make them global.
        var recordsBefore: [Int] = []
        var before = recordsConsumed
        for (k, parser) in zip(parts.indices, parsers) {
            recordsBefore.append(before)
            guard var failure = parser.failure else {
                before += parser.producedRows + parser.skippedRows + parser.blankLines
                continue
            }
            if speculative && parser.endsInsideQuotes && !(k == parts.count - 1 && isEndOfInput) {
                rejectedAtBlockEnd = k == parts.count - 1
                for (parser, counts) in zip(parsers, levelCounts) {
                    for (interner, count) in zip(parser.interners, counts) { interner?.truncate(to: count) }
                }
                return false
            }
            failure.row = failure.row.map { $0 + before }
            throw failure
        }
        var next = firstRow
        for (k, parser) in zip(parts.indices, parsers) {
            outputs.moveRows(from: rowStarts[k], to: next, count: parser.producedRows)
            if !plan.collectsEvidence {
                mergeLevels(thread: k, rows: next..<(next + parser.producedRows), outputs: outputs)
                mergeText(thread: k, rows: next..<(next + parser.producedRows), outputs: outputs)
            }
            next += parser.producedRows
            paddedRows += parser.paddedRows
            skippedRows += parser.skippedRows
            blankLines += parser.blankLines
            recordsConsumed += parser.producedRows + parser.skippedRows + parser.blankLines
            for (column, conflict) in parser.conflicts.sorted(by: { $0.key < $1.key }) where conflicts[column] == nil {
                conflicts[column] = (conflict.row + recordsBefore[k], conflict.value)
            }
        }
        outputs.setRowCount(next)
        return true
    }

    /// What each column's sample values could be, over all threads (sample mode): of the
    /// rows before the first error, if parsing stopped at one, so that it is the same
    /// whatever the threads.
    var evidence: [KindEvidence] {
        var merged = Array(repeating: KindEvidence(), count: plan.collectsEvidence ? plan.columnCount : 0)
        for parser in parsers {
            for column in merged.indices { merged[column].merge(parser.evidence[column]) }
            if parser.failure != nil { break }
        }
        return merged
    }

    /// Gives this thread's new levels their global codes and rewrites the codes it wrote.
    private func mergeLevels(thread k: Int, rows: Range<Int>, outputs: OutputColumns) {
        for (column, storage) in outputs.storages.enumerated() {
            guard case .codes(let codes) = storage, let local = parsers[k].interners[column],
                  let global = globalLevels[column] else { continue }
            var map = localToGlobal[k][column]
            for code in map.count..<local.count {
                let globalCode = local.withLevel(code) { bytes in
                    global.code(of: bytes.baseAddress ?? UnsafePointer(bitPattern: 1)!, count: bytes.count)
                }
                if Int(globalCode) == levelStrings[column].count {
                    // Valid UTF-8: the parser checked each level when it first saw it.
                    levelStrings[column].append(local.withLevel(code) { String(decoding: $0, as: UTF8.self) })
                }
                map.append(globalCode)
            }
            localToGlobal[k][column] = map
            map.withUnsafeBufferPointer { map in
                let pointer = codes.baseAddress
                for row in rows where pointer[row] != CategoricalColumn.missingCode {
                    pointer[row] = map[Int(pointer[row])]
                }
            }
        }
    }

    /// Appends this thread's text bytes and makes its offsets global.
    private func mergeText(thread k: Int, rows: Range<Int>, outputs: OutputColumns) {
        for (column, storage) in outputs.storages.enumerated() {
            guard case .text(let bytes, let offsets, _) = storage, let arena = parsers[k].textArenas[column] else { continue }
            let base = bytes.count
            bytes.growIfNeeded(toHold: base + arena.count)
            (bytes.baseAddress + base).update(from: arena.baseAddress, count: arena.count)
            bytes.setCount(base + arena.count)
            for row in rows { offsets.baseAddress[row + 1] += base }
        }
    }
}

/// A pointer handed to worker threads that only read through it.
struct UnsafeSendablePointer: @unchecked Sendable {
    let pointer: UnsafePointer<UInt8>
    init(_ pointer: UnsafePointer<UInt8>) { self.pointer = pointer }
}
