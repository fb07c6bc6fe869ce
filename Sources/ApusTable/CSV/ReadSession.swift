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

    private let label: String?
    private let options: CSVReadOptions
    private let buffer: ReadBuffer
    private let totalBytes: Int?
    private let threads: Int
    private let delimiter: UInt8
    private let columnNames: [String]
    private let kinds: [ColumnKind]
    private let forced: [Bool]
    private let estimatedRows: Int
    private let pipeline: BlockPipeline
    private var consumed: Int
    /// Kinds as chosen for this pass, by column name (for a second pass).
    private(set) var inferredKinds: [String: ColumnKind] = [:]
    /// Inferred kinds that did not hold for the whole file.
    private(set) var demotions: [Demotion] = []
    private var rowsRead = 0

    init(label: String?, options: CSVReadOptions, source: ByteSource, overrides: [String: ColumnKind], streaming: Bool) throws {
        try Self.validate(options)
        self.label = label
        self.options = options
        totalBytes = source.size
        threads = options.threads ?? max(1, sysconf(Int32(_SC_NPROCESSORS_ONLN)))
        let blockCapacity = threads * options.blockBytesPerThread
        buffer = ReadBuffer(source: source, capacity: min(blockCapacity, (source.size ?? blockCapacity) + 1))
        try buffer.refill(dropping: 0, maximumCapacity: buffer.capacity)
        consumed = 0
        if buffer.filled >= 3 && buffer.base[0] == 0xEF && buffer.base[1] == 0xBB && buffer.base[2] == 0xBF { consumed = 3 }
        guard buffer.filled > consumed else { throw CSVError(.emptyFile, file: label) }
        delimiter = options.delimiter ?? DialectDetection.detectDelimiter(buffer.base + consumed, count: min(buffer.filled - consumed, 1 << 16))
        let maxCapacity = max(blockCapacity, options.maxRowBytes + 1)

        // The header row.
        var header: [[UInt8]]
        while true {
            let available = buffer.filled - consumed
            let scan = RecordBoundaries.scan(buffer.base + consumed, count: available, delimiter: delimiter,
                                             isEndOfInput: buffer.isEndOfInput, parts: 1)
            if case .parts(let parts) = scan, let part = parts.first {
                do {
                    let (fields, end) = try DialectDetection.firstRecord(buffer.base + consumed, count: part.end,
                                                                          delimiter: delimiter, isEndOfInput: true)!
                    header = fields
                    if options.hasHeader { consumed += end }
                    break
                } catch var error as CSVError {
                    error.file = label
                    throw error
                }
            }
            if case .needMore(let insideQuotes) = scan, available >= options.maxRowBytes {
                throw CSVError(insideQuotes ? .unterminatedQuote : .rowTooLong(limit: options.maxRowBytes), file: label)
            }
            try buffer.refill(dropping: consumed, maximumCapacity: maxCapacity)
            consumed = 0
        }
        columnNames = try Self.columnNames(header, hasHeader: options.hasHeader, file: label)

        // Which kinds are forced, and the sample that the others are inferred from.
        if let schema = options.schema {
            for field in schema.columns where !columnNames.contains(field.name) {
                let hint = closestName(to: field.name, among: columnNames).map { "; did you mean `\($0)`?" } ?? ""
                throw CSVError(.invalidSchema("column `\(field.name)` named in the schema is not in the file\(hint)"), file: label)
            }
        }
        forced = columnNames.map { overrides[$0] == nil && options.schema?.kind(of: $0) != nil }
        let sample = try Self.readSample(buffer: buffer, from: &consumed, names: columnNames, delimiter: delimiter,
                                         options: options, label: label, maxCapacity: maxCapacity, threads: threads)
        let kinds = zip(columnNames, sample.evidence).map { name, evidence in
            overrides[name] ?? options.schema?.kind(of: name) ?? evidence.kind
        }
        self.kinds = kinds
        for (name, kind) in zip(columnNames, kinds) { inferredKinds[name] = kind }
        estimatedRows = sample.rows == 0 ? 16
            : Int(Double(totalBytes ?? buffer.filled) / Double(max(1, sample.bytes)) * Double(sample.rows) * 1.02) + 16
        let plan = ParsePlan(columnNames: columnNames, kinds: kinds, forced: forced, conflictsAreFatal: streaming,
                             delimiter: delimiter, missing: MissingTokens(options.missingTokens),
                             raggedRows: options.raggedRows, file: label)
        pipeline = BlockPipeline(plan: plan, threads: threads)
    }

    private static func validate(_ options: CSVReadOptions) throws {
        if let threads = options.threads, threads < 1 { throw CSVError(.invalidOption("threads must be at least 1, got \(threads)")) }
        if options.inferenceSampleRows < 1 { throw CSVError(.invalidOption("inferenceSampleRows must be at least 1")) }
        if options.maxRowBytes < 1 { throw CSVError(.invalidOption("maxRowBytes must be at least 1")) }
        if options.blockBytesPerThread < 1 { throw CSVError(.invalidOption("blockBytesPerThread must be at least 1")) }
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

    private struct Sample {
        var evidence: [KindEvidence]
        /// Records parsed and the bytes they span (for the row count estimate).
        var rows: Int
        var bytes: Int
    }

    /// Parses about the first `inferenceSampleRows` rows, on all threads, gathering the
    /// evidence of each column's kind, without consuming them.
    private static func readSample(buffer: ReadBuffer, from consumed: inout Int, names: [String], delimiter: UInt8,
                                   options: CSVReadOptions, label: String?, maxCapacity: Int, threads: Int) throws -> Sample {
        let kinds = Array(repeating: ColumnKind.text, count: names.count)
        var plan = ParsePlan(columnNames: names, kinds: kinds, forced: Array(repeating: false, count: names.count),
                             conflictsAreFatal: false, delimiter: delimiter, missing: MissingTokens(options.missingTokens),
                             raggedRows: .skip, file: label)
        plan.collectsEvidence = true
        while true {
            let available = buffer.filled - consumed
            // Enough bytes for the sample's rows, judged from the first lines' length; all
            // that is there if no record ends within that estimate.
            let probe = min(available, 1 << 16)
            let lines = max(1, RecordBoundaries.countNewlines(buffer.base + consumed, 0, probe))
            let estimate = min(available, max(probe, probe / lines * options.inferenceSampleRows * 11 / 10))
            for region in Set([estimate, available]).sorted() {
                let isEndOfInput = buffer.isEndOfInput && region == available
                switch RecordBoundaries.scan(buffer.base + consumed, count: region, delimiter: delimiter,
                                             isEndOfInput: isEndOfInput, parts: threads) {
                case .parts(let parts) where !parts.isEmpty:
                    let outputs = OutputColumns(kinds: [], capacity: 0)
                    let pipeline = BlockPipeline(plan: plan, threads: threads)
                    try pipeline.process(buffer.base + consumed, parts: parts, into: outputs, recordLimit: options.inferenceSampleRows)
                    let records = parts.reduce(0) { $0 + $1.records }
                    return Sample(evidence: pipeline.evidence, rows: records, bytes: parts.last!.end)
                case .parts:
                    if isEndOfInput { throw CSVError(.noDataRows, file: label) }
                case .needMore(let insideQuotes):
                    if region == available && available >= options.maxRowBytes {
                        throw CSVError(insideQuotes ? .unterminatedQuote : .rowTooLong(limit: options.maxRowBytes), file: label, row: 1)
                    }
                }
            }
            try buffer.refill(dropping: consumed, maximumCapacity: maxCapacity)
            consumed = 0
        }
    }

    /// Reads every remaining record into one table.
    mutating func readAll() throws -> Table {
        let outputs = OutputColumns(kinds: kinds, capacity: estimatedRows)
        let pipeline = self.pipeline
        try forEachBlock { base, parts in
            try pipeline.process(base, parts: parts, into: outputs)
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
        try forEachBlock { base, parts in
            let outputs = OutputColumns(kinds: kinds, capacity: parts.reduce(0) { $0 + $1.records })
            try pipeline.process(base, parts: parts, into: outputs)
            total += outputs.rowCount
            let columns = outputs.makeColumns(levels: pipeline.levelStrings)
            try batch(try Table(Array(zip(columnNames, columns)).map { (name: $0.0, column: $0.1) }))
        }
        rowsRead = total
        if rowsRead == 0 && options.hasHeader { throw CSVError(.noDataRows, file: label) }
        return report
    }

    private mutating func forEachBlock(_ handle: (UnsafePointer<UInt8>, [BlockPart]) throws -> Void) throws {
        let maxCapacity = max(buffer.capacity, options.maxRowBytes + 1)
        while true {
            let available = buffer.filled - consumed
            if available == 0 && buffer.isEndOfInput { break }
            switch RecordBoundaries.scan(buffer.base + consumed, count: available, delimiter: delimiter,
                                         isEndOfInput: buffer.isEndOfInput, parts: threads) {
            case .parts(let parts):
                if let last = parts.last {
                    try handle(buffer.base + consumed, parts)
                    consumed += last.end
                    options.progress?(buffer.bytesRead - (buffer.filled - consumed), totalBytes ?? buffer.bytesRead)
                }
            case .needMore(let insideQuotes):
                if available >= options.maxRowBytes {
                    let row = pipeline.recordsConsumed + 1
                    throw CSVError(insideQuotes ? .unterminatedQuote : .rowTooLong(limit: options.maxRowBytes), file: label, row: row)
                }
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
