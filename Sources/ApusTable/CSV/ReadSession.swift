#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// One pass over a CSV source: header, kind inference from a sample, then blocks of
/// records parsed in parallel.
struct ReadSession {
    struct Demotion {
        var column: String
        var kind: ColumnKind
        var row: Int
        var value: String
    }

    /// The first reservation of rows per column; more rows grow it geometrically.
    static let maximumRowReservation = 1 << 24

    private let label: String?
    private let options: CSVReadOptions
    private let buffer: ReadBuffer
    private let totalBytes: Int?
    private let threads: Int
    private let blockCapacity: Int
    private let maxCapacity: Int
    private let delimiter: UInt8
    private let columnNames: [String]
    private let kinds: [ColumnKind]
    private let forced: [Bool]
    private let estimatedRows: Int
    private let pipeline: BlockPipeline
    private var consumed: Int
    /// The kinds of the columns that the schema does not force, by name (for a second pass).
    private(set) var inferredKinds: [String: ColumnKind] = [:]
    /// Inferred kinds that did not hold for the whole file.
    private(set) var demotions: [Demotion] = []
    private var rowsRead = 0

    /// - Parameter overrides: kinds for columns the schema does not force, taken as they
    ///   are (a second pass); the others are inferred from the sample.
    init(label: String?, options: CSVReadOptions, source: ByteSource, overrides: [String: ColumnKind], streaming: Bool) throws {
        try Self.validate(options)
        self.label = label
        self.options = options
        totalBytes = source.size.flatMap { $0 > 0 ? $0 : nil }  // 0 from a pipe or /proc: unknown
        threads = options.threads ?? max(1, sysconf(Int32(_SC_NPROCESSORS_ONLN)))
        blockCapacity = threads * options.blockBytesPerThread
        maxCapacity = max(blockCapacity, options.maxRowBytes + 1, options.inferenceSampleBytes)
        // At least the 64 KiB that the delimiter is detected from, whatever the block size.
        let detectionBytes = 1 << 16
        buffer = ReadBuffer(source: source, capacity: min(max(blockCapacity, detectionBytes), (totalBytes ?? .max - 1) + 1))
        try buffer.refill(dropping: 0, maximumCapacity: buffer.capacity)
        consumed = 0
        if buffer.filled >= 3 && buffer.base[0] == 0xEF && buffer.base[1] == 0xBB && buffer.base[2] == 0xBF { consumed = 3 }
        guard buffer.filled > consumed else { throw CSVError(.emptyFile, file: label) }
        delimiter = options.delimiter ?? DialectDetection.detectDelimiter(buffer.base + consumed, count: min(buffer.filled - consumed, detectionBytes))

        // The header row.
        let headerEnd = try Self.fill(buffer, from: &consumed, records: 1, byteLimit: 1, delimiter: delimiter,
                                      options: options, maxCapacity: maxCapacity, label: label,
                                      firstRow: options.hasHeader ? nil : 1).end
        let header: [[UInt8]]
        do {
            header = try DialectDetection.firstRecord(buffer.base + consumed, count: headerEnd, delimiter: delimiter)
        } catch var error as CSVError {
            error.file = label
            throw error
        }
        if options.hasHeader { consumed += headerEnd }
        columnNames = try Self.columnNames(header, hasHeader: options.hasHeader, file: label)
        if let schema = options.schema {
            for field in schema.columns where !columnNames.contains(field.name) {
                let hint = closestName(to: field.name, among: columnNames).map { "; did you mean `\($0)`?" } ?? ""
                throw CSVError(.invalidSchema("column `\(field.name)` named in the schema is not in the file\(hint)"), file: label)
            }
        }
        forced = columnNames.map { options.schema?.kind(of: $0) != nil }

        // The sample: what the unforced columns hold, and how long rows are. It is the first
        // `inferenceSampleRows` records or those within `inferenceSampleBytes`, whichever
        // ends first: fixed by the file alone, never by the thread count or block size.
        let (sampleEnd, sampleRecords) = try Self.fill(
            buffer, from: &consumed, records: options.inferenceSampleRows, byteLimit: options.inferenceSampleBytes,
            delimiter: delimiter, options: options, maxCapacity: maxCapacity, label: label, firstRow: 1)
        if sampleRecords == 0 { throw CSVError(.noDataRows, file: label) }
        let given = columnNames.map { options.schema?.kind(of: $0) ?? overrides[$0] }
        var evidence: [KindEvidence] = []
        if given.contains(where: { $0 == nil }) {
            evidence = try Self.gatherEvidence(buffer.base + consumed, count: sampleEnd, names: columnNames, delimiter: delimiter,
                                               options: options, label: label, threads: threads)
        }
        let kinds = given.indices.map { given[$0] ?? evidence[$0].kind }
        self.kinds = kinds
        for (index, name) in columnNames.enumerated() where !forced[index] { inferredKinds[name] = kinds[index] }
        let perRecord = Double(max(1, sampleEnd)) / Double(sampleRecords)
        estimatedRows = min(Self.maximumRowReservation, Int(Double(totalBytes ?? buffer.filled) / perRecord * 1.02) + 16)
        let plan = ParsePlan(columnNames: columnNames, kinds: kinds, forced: forced, conflictsAreFatal: streaming,
                             delimiter: delimiter, missing: MissingTokens(options.missingTokens),
                             raggedRows: options.raggedRows, maxRowBytes: options.maxRowBytes, file: label)
        pipeline = BlockPipeline(plan: plan, threads: threads)
    }

    /// Reads until the buffer holds, from `consumed` on, `records` whole records, or as
    /// many as end within `byteLimit` bytes (at least one), or the whole input; returns
    /// where those records end and how many there are (0 only for empty input).
    /// - Throws: `rowTooLong` when the first record does not end within `maxRowBytes`,
    ///   naming `firstRow` (`nil` for the header).
    private static func fill(_ buffer: ReadBuffer, from consumed: inout Int, records: Int, byteLimit: Int, delimiter: UInt8,
                             options: CSVReadOptions, maxCapacity: Int, label: String?, firstRow: Int?) throws -> (end: Int, records: Int) {
        while true {
            let available = buffer.filled - consumed
            let window = min(available, byteLimit)
            var found = RecordBoundaries.prefix(buffer.base + consumed, count: window, records: records, delimiter: delimiter,
                                                isEndOfInput: buffer.isEndOfInput && window == available)
            if found.records == 0 && window < available {  // a first record longer than the window
                found = RecordBoundaries.prefix(buffer.base + consumed, count: available, records: 1, delimiter: delimiter,
                                                isEndOfInput: buffer.isEndOfInput)
            }
            if found.records > 0 && found.end > options.maxRowBytes && found.records == 1 {
                throw CSVError(.rowTooLong(limit: options.maxRowBytes), file: label, row: firstRow)
            }
            if found.records >= records || buffer.isEndOfInput || (found.records > 0 && window == byteLimit) {
                return found
            }
            if found.records == 0 && available > options.maxRowBytes {
                throw CSVError(.rowTooLong(limit: options.maxRowBytes), file: label, row: firstRow)
            }
            try buffer.refill(dropping: consumed, maximumCapacity: maxCapacity)
            consumed = 0
        }
    }

    /// Parses the sample's records on all threads, only observing each field.
    private static func gatherEvidence(_ base: UnsafePointer<UInt8>, count: Int, names: [String], delimiter: UInt8,
                                       options: CSVReadOptions, label: String?, threads: Int) throws -> [KindEvidence] {
        var plan = ParsePlan(columnNames: names, kinds: Array(repeating: .text, count: names.count),
                             forced: Array(repeating: false, count: names.count), conflictsAreFatal: false,
                             delimiter: delimiter, missing: MissingTokens(options.missingTokens),
                             raggedRows: options.raggedRows == .pad ? .pad : .skip, maxRowBytes: options.maxRowBytes, file: label)
        plan.collectsEvidence = true
        guard case .parts(let parts) = RecordBoundaries.scan(base, count: count, delimiter: delimiter, isEndOfInput: true,
                                                             parts: threads) else { return [] }
        let pipeline = BlockPipeline(plan: plan, threads: threads)
        do {
            try pipeline.process(base, parts: parts, into: OutputColumns(kinds: [], capacity: 0))
        } catch is CSVError {
            // Malformed input in the sample: the main pass reports the first error of the
            // file in order; infer from the rows before this one.
        }
        return pipeline.evidence
    }

    private static func validate(_ options: CSVReadOptions) throws {
        if let threads = options.threads, !(1...1024).contains(threads) {
            throw CSVError(.invalidOption("threads must be 1 to 1,024, got \(formatCount(threads))"))
        }
        if options.inferenceSampleRows < 1 { throw CSVError(.invalidOption("inferenceSampleRows must be at least 1")) }
        if !(1...(1 << 40)).contains(options.inferenceSampleBytes) {
            throw CSVError(.invalidOption("inferenceSampleBytes must be 1 byte to 1 TiB"))
        }
        if !(1...(1 << 40)).contains(options.maxRowBytes) { throw CSVError(.invalidOption("maxRowBytes must be 1 byte to 1 TiB")) }
        if !(1...(1 << 30)).contains(options.blockBytesPerThread) {
            throw CSVError(.invalidOption("blockBytesPerThread must be 1 byte to 1 GiB"))
        }
        if let delimiter = options.delimiter, delimiter == 34 || delimiter == 10 || delimiter == 13 {
            throw CSVError(.invalidOption("the delimiter cannot be a quote or a line end"))
        }
    }

    private static func columnNames(_ header: [[UInt8]], hasHeader: Bool, file: String?) throws -> [String] {
        guard hasHeader else { return (1...header.count).map { "column_\($0)" } }
        var names: [String] = []
        var seen: [String: Int] = [:]
        for (index, bytes) in header.enumerated() {
            guard let name = String(validating: bytes, as: UTF8.self) else {
                throw CSVError(.invalidOption("column \(index + 1) of the header is not valid UTF-8"), file: file)
            }
            if name.isEmpty { throw CSVError(.emptyColumnName(position: index + 1), file: file) }
            if let first = seen[name] {
                throw CSVError(.duplicateColumnName(name, firstPosition: first + 1, secondPosition: index + 1), file: file)
            }
            seen[name] = index
            names.append(name)
        }
        return names
    }

    /// Reads every remaining record into one table.
    mutating func readAll() throws -> Table {
        let outputs = OutputColumns(kinds: kinds, capacity: estimatedRows)
        let pipeline = self.pipeline
        try forEachBlock { base, parts, speculative, isEndOfInput in
            try pipeline.process(base, parts: parts, into: outputs, speculative: speculative, isEndOfInput: isEndOfInput)
        }
        rowsRead = outputs.rowCount
        if rowsRead == 0 && options.hasHeader { throw CSVError(.noDataRows, file: label) }
        noteConflicts()
        let columns = outputs.makeColumns(levels: pipeline.levelStrings)
        return try Table(Array(zip(columnNames, columns)).map { (name: $0.0, column: $0.1) })
    }

    /// Reads every remaining record, handing each block's rows to `batch` as a table.
    mutating func run(batch: (Table) throws -> Void) throws -> CSVReadReport {
        var total = 0
        let pipeline = self.pipeline, kinds = self.kinds, columnNames = self.columnNames
        try forEachBlock { base, parts, speculative, isEndOfInput in
            let outputs = OutputColumns(kinds: kinds, capacity: parts.reduce(0) { $0 + $1.records })
            guard try pipeline.process(base, parts: parts, into: outputs, speculative: speculative, isEndOfInput: isEndOfInput)
            else { return false }
            total += outputs.rowCount
            let columns = outputs.makeColumns(levels: pipeline.levelStrings)
            try batch(try Table(Array(zip(columnNames, columns)).map { (name: $0.0, column: $0.1) }))
            return true
        }
        rowsRead = total
        if rowsRead == 0 && options.hasHeader { throw CSVError(.noDataRows, file: label) }
        return report
    }

    /// Hands the remaining records to `handle` block by block (about `blockCapacity`
    /// bytes each, more for a record longer than that), cut into parts for the threads.
    /// A block with quotes is first cut at newlines as if it had none (`speculative`);
    /// when `handle` finds a cut inside a quoted field (returns `false`), the block is cut
    /// again following quotes, and so is the rest of the input unless only the block's end
    /// was wrong.
    private mutating func forEachBlock(
        _ handle: (_ base: UnsafePointer<UInt8>, _ parts: [BlockPart], _ speculative: Bool, _ isEndOfInput: Bool) throws -> Bool
    ) throws {
        var speculate = threads > 1
        while true {
            let available = buffer.filled - consumed
            if available == 0 && buffer.isEndOfInput { break }
            var region = min(available, blockCapacity)
            var speculative = false
            var exactThisBlock = false
            var scan: RecordBoundaries.Scan
            repeat {
                let isEnd = buffer.isEndOfInput && region == available
                speculative = speculate && !exactThisBlock && memchr(buffer.base + consumed, 34, region) != nil
                scan = speculative
                    ? RecordBoundaries.cutAtNewlines(buffer.base + consumed, count: region, isEndOfInput: isEnd, parts: threads)
                    : RecordBoundaries.scan(buffer.base + consumed, count: region, delimiter: delimiter, isEndOfInput: isEnd, parts: threads)
                if case .needMore = scan, region < available { region = available; continue }
                guard case .parts(let parts) = scan, let last = parts.last else { break }
                if try handle(buffer.base + consumed, parts, speculative, isEnd) {
                    consumed += last.end
                    options.progress?(buffer.bytesRead - (buffer.filled - consumed), totalBytes ?? buffer.bytesRead)
                    break
                }
                // A cut fell inside quotes: follow quotes for this block, and for the rest of
                // the input unless only the block's end was wrong (a multi-line field there).
                exactThisBlock = true
                if !pipeline.rejectedAtBlockEnd { speculate = false }
            } while true
            if case .parts(let parts) = scan, !parts.isEmpty { continue }
            if case .needMore = scan, available > options.maxRowBytes {
                throw CSVError(.rowTooLong(limit: options.maxRowBytes), file: label, row: pipeline.recordsConsumed + 1)
            }
            if buffer.isEndOfInput && consumed == buffer.filled { break }
            try buffer.refill(dropping: consumed, maximumCapacity: maxCapacity)
            consumed = 0
        }
    }

    private mutating func noteConflicts() {
        for (column, conflict) in pipeline.conflicts.sorted(by: { $0.key < $1.key }) where !forced[column] {
            demotions.append(Demotion(column: columnNames[column], kind: kinds[column], row: conflict.row, value: conflict.value))
        }
    }

    /// The report of this pass.
    var report: CSVReadReport {
        CSVReadReport(
            file: label, delimiter: delimiter, rows: rowsRead, bytes: buffer.bytesRead,
            schema: Schema(columns: zip(columnNames, kinds).map { Schema.Field(name: $0, kind: $1) }),
            forcedColumns: zip(columnNames, forced).filter(\.1).map(\.0),
            paddedRows: pipeline.paddedRows, skippedRows: pipeline.skippedRows, blankLines: pipeline.blankLines,
            notes: [])
    }
}
