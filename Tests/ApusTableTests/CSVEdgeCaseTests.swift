import Foundation
import Testing
@testable import ApusTable

/// Cases found in review: each once gave a wrong table, a crash, or a result that depended
/// on the thread count or block size.
@Suite("CSV reader: edge cases")
struct CSVEdgeCaseTests {
    func read(_ text: String, _ configure: (inout CSVReadOptions) -> Void = { _ in }) throws -> CSVReadResult {
        var options = CSVReadOptions()
        configure(&options)
        return try CSVReader.read(string: text, options: options)
    }

    /// Every (threads, block bytes) pair gives the same kinds, values and notes.
    func expectSameEverywhere(_ text: String, sample: Int = 10_000) throws -> CSVReadResult {
        let reference = try read(text) { $0.threads = 1; $0.inferenceSampleRows = sample }
        for (threads, block) in [(2, 2 << 20), (3, 4096), (1, 4096), (2, 97), (4, 1)] {
            let other = try read(text) { $0.threads = threads; $0.blockBytesPerThread = block; $0.inferenceSampleRows = sample }
            #expect(other.report.schema == reference.report.schema, "threads \(threads), block \(block)")
            #expect(other.report.notes == reference.report.notes, "threads \(threads), block \(block)")
            for (a, b) in zip(other.table.columns, reference.table.columns) {
                #expect((0..<a.count).allSatisfy { a.formattedValue(at: $0) == b.formattedValue(at: $0) })
            }
        }
        return reference
    }

    @Test func aSecondPassKeepsTheSchemaForcedKinds() throws {
        let result = try read("t,x\n0,1\n86400,2\n172800,oops\n") {
            $0.schema = Schema(columns: [.init(name: "t", kind: .timestamp)])
            $0.inferenceSampleRows = 2
        }
        guard case .timestamp(let t) = result.table["t"] else { Issue.record("kind"); return }
        #expect((0..<3).map { t[$0] } == [0, 86_400, 172_800])
        #expect(result.report.forcedColumns == ["t"])
        #expect(result.table["x"]?.kind == .categorical)
        #expect(result.report.notes.count == 1)
    }

    @Test func theInferenceSampleIsTheSameWhateverThreadsAndBlocks() throws {
        var csv = "n,x\n"
        for row in 1...12_000 { csv += "\(row),\(row <= 10_400 ? "\(row)" : "s\(row)")\n" }
        let result = try expectSameEverywhere(csv)
        #expect(result.table["x"]?.kind == .categorical)
        #expect(result.report.notes.first?.contains("row 10,401") == true)

        let booleans = try expectSameEverywhere("a,b\ntrue,1\nfalse,2\ny,3\nn,4\n1,5\n", sample: 2)
        #expect(booleans.table["a"]?.kind == .categorical)  // `y` is no boolean once inferred from true/false
    }

    @Test func quotedAndCRLFInputIsTheSameWhateverThreadsAndBlocks() throws {
        var csv = "id,\"na,me\",v\r\n"
        for row in 0..<700 { csv += "\(row),\"x \(row % 7)\r\n\"\"q\"\"\",\(Double(row) / 8)\r\n" }
        _ = try expectSameEverywhere(csv)
    }

    @Test func numberLikeMissingTokensAreMissingInNumericColumns() throws {
        let result = try read("a,b\n1,x\n-999,y\n3,z\n") { $0.missingTokens = ["", "-999"] }
        #expect(result.table["a"]?.numeric?.values.map { $0.isNaN ? nil : $0 } == [1, nil, 3])
    }

    @Test func skippedRowsLeaveNoTrace() throws {
        let result = try read("a,b\n1,p\nx,q,extra\n2,r\n") { $0.raggedRows = .skip }
        #expect(result.table["a"]?.kind == .numeric)
        #expect(result.table["b"]?.categorical?.levels == ["p", "r"])
        let forced = try read("a,b\n1,p\nx,q,extra\n2,r\n") {
            $0.raggedRows = .skip
            $0.schema = Schema(columns: [.init(name: "a", kind: .numeric)])
        }
        #expect(forced.table.rowCount == 2 && forced.report.skippedRows == 1)
    }

    @Test func theRowLimitHoldsWhateverTheBlockSize() throws {
        var csv = "a,b\n"
        for row in 0..<50 { csv += "\(row),x\n" }
        csv += "50," + String(repeating: "y", count: 5000) + "\n"
        for row in 51..<100 { csv += "\(row),x\n" }
        for threads in [1, 2] {
            for block in [4096, 2 << 20] {
                #expect(throws: CSVError(.rowTooLong(limit: 1000), row: 51)) {
                    _ = try read(csv) { $0.maxRowBytes = 1000; $0.threads = threads; $0.blockBytesPerThread = block }
                }
            }
        }
    }

    @Test func lenientBooleansOnlyWhereTheSchemaSaysBoolean() throws {
        let inferred = try read("a\ntrue\nfalse\ny\n") { $0.inferenceSampleRows = 2 }
        #expect(inferred.table["a"]?.kind == .categorical)
        let forced = try read("a\ntrue\nfalse\ny\nN\n1\n0\n") { $0.schema = Schema(columns: [.init(name: "a", kind: .boolean)]) }
        guard case .boolean(let a) = forced.table["a"] else { Issue.record("kind"); return }
        #expect((0..<6).map { a[$0] } == [true, false, true, false, true, false])
    }

    @Test func aDelimiterThatCanBePartOfANumber() throws {
        let dot = try read("a.b\n1.2\n") { $0.delimiter = UInt8(ascii: ".") }
        #expect(dot.table["a"]?.numeric?[0] == 1 && dot.table["b"]?.numeric?[0] == 2)
        let dash = try read("a-b\n-5\n") { $0.delimiter = UInt8(ascii: "-") }
        #expect(dash.table["a"]?.numeric?[0] == nil && dash.table["b"]?.numeric?[0] == 5)
    }

    @Test func timestampsOutsideYearsZeroToNineThousandNineHundredNinetyNine() throws {
        #expect(throws: CSVError(.notA(.timestamp, value: "1e19"), row: 1, column: "t")) {
            _ = try read("t,x\n1e19,1\n5,2\n") { $0.schema = Schema(columns: [.init(name: "t", kind: .timestamp)]) }
        }
        let table = try Table([("t", .timestamp(TimestampColumn(secondsSinceEpoch: [1e19, -1e300, 0])))])
        #expect(CSVWriter.string(table) == "t\n1e+19\n-1e+300\n1970-01-01T00:00:00Z\n")
    }

    @Test func fractionsThatRoundUpCarryIntoTheNextSecond() throws {
        let seconds = try #require(TimestampParsing.parse("2024-03-01T12:30:05.9999996Z"))
        #expect(TimestampParsing.iso8601(seconds) == "2024-03-01T12:30:06Z")
        #expect(TimestampParsing.iso8601(-0.25) == "1969-12-31T23:59:59.75Z")
    }

    @Test func negativeZeroSurvivesWriteThenRead() throws {
        let table = try Table([("z", .numeric(NumericColumn([-0.0, 0.0])))])
        let back = try CSVReader.read(string: CSVWriter.string(table)).table
        #expect(back["z"]?.numeric?.values.map(\.sign) == [.minus, .plus])
    }

    @Test func aLoneCarriageReturnOnTheLastLineIsABlankLine() throws {
        let result = try read("a,b\r\n1,2\r\n\r")
        #expect(result.table.rowCount == 1 && result.report.blankLines == 1)
    }

    @Test func theHeaderFollowsTheSameQuotingRulesAsTheRows() throws {
        #expect(throws: CSVError(.unexpectedAfterClosingQuote("x,c"))) { _ = try read("a,\"b\"x,c\n1,2,3\n") }
        #expect(try read("\"a\"\"1\",\"b\"\r\n1,2\r\n").table.columnNames == ["a\"1", "b"])
    }

    @Test func aPipeIsReadIntoMemorySoThatASecondPassWorks() throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("apus-fifo-\(getpid())").path
        defer { unlink(path) }
        #expect(mkfifo(path, 0o600) == 0)
        var csv = "n\n"
        for row in 0..<3000 { csv += "\(row)\n" }
        csv += "oops\n"
        let text = csv
        let writer = Thread {
            let handle = FileHandle(forWritingAtPath: path)
            handle?.write(Data(text.utf8))
            try? handle?.close()
        }
        writer.start()
        let result = try CSVReader.read(path: path, options: CSVReadOptions(inferenceSampleRows: 100))
        #expect(result.table.rowCount == 3001)
        #expect(result.table["n"]?.kind == .categorical && result.report.notes.count == 1)
    }
}

/// Cases found in the second review: the sample's byte limit, records longer than the limit
/// across the read buffer's end, and pipes read in batches.
@Suite("CSV reader: limits and pipes")
struct CSVLimitTests {
    func outcome(_ text: String, threads: Int, block: Int, _ configure: (inout CSVReadOptions) -> Void) -> String {
        var options = CSVReadOptions(threads: threads, blockBytesPerThread: block)
        configure(&options)
        do {
            let result = try CSVReader.read(string: text, options: options)
            return "\(result.report.schema.columns.map(\.kind)) \(result.report.notes) \(result.table.rowCount)"
        } catch {
            return "\(error)"
        }
    }

    func expectSameEverywhere(_ text: String, _ configure: (inout CSVReadOptions) -> Void) -> String {
        let reference = outcome(text, threads: 1, block: 1 << 20, configure)
        for (threads, block) in [(1, 100), (2, 100), (3, 333), (2, 4096), (4, 1 << 20), (1, 7)] {
            #expect(outcome(text, threads: threads, block: block, configure) == reference, "threads \(threads), block \(block)")
        }
        return reference
    }

    @Test func theSampleEndsAtItsByteLimitWhateverTheBuffer() {
        var csv = "id,c\n"
        for row in 0..<3000 { csv += "\(row),\(csv.utf8.count > 2500 && row % 7 == 0 ? "x\(row)" : "\(row)")\n" }
        let outcome = expectSameEverywhere(csv) { $0.inferenceSampleBytes = 2000 }
        #expect(outcome.hasPrefix("[numeric, categorical]") && outcome.contains("looked numeric"))
    }

    @Test func aRecordLongerThanTheLimitIsTooLongWhereverTheBufferEnds() {
        for long in ["\"a\"b," + String(repeating: "x", count: 3000), "1,\"" + String(repeating: "x", count: 3000) + "\"",
                     "1,\u{FF}" + String(repeating: "x", count: 3000)] {
            var csv = "id,name\n"
            for row in 0..<400 { csv += "\(row),abc\n" }
            csv += long + "\n"
            for row in 0..<100 { csv += "\(row),abc\n" }
            let outcome = expectSameEverywhere(csv) { $0.maxRowBytes = 1000; $0.inferenceSampleRows = 5 }
            #expect(outcome == "row 401: a row is longer than 1,000 bytes (the limit; is the quoting or line ending broken?)")
        }
        let header = (0..<400).map { "c\($0)" }.joined(separator: ",")
        let outcome = expectSameEverywhere(header + "\n" + (0..<400).map(String.init).joined(separator: ",") + "\n") {
            $0.maxRowBytes = 1000
        }
        #expect(outcome.contains("a row is longer than 1,000 bytes"))
    }

    @Test func aPipeReadInBatchesDetectsItsDelimiter() throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("apus-fifo-stream-\(getpid())").path
        defer { unlink(path) }
        #expect(mkfifo(path, 0o600) == 0)
        let writer = Thread {
            let handle = FileHandle(forWritingAtPath: path)
            handle?.write(Data("a;b;c\n1;x;2.5\n2;y;3.5\n".utf8))
            try? handle?.close()
        }
        writer.start()
        var rows = 0
        let report = try CSVReader.stream(path: path) { rows += $0.rowCount }
        #expect(report.delimiter == UInt8(ascii: ";"))
        #expect(report.schema.columns.map(\.name) == ["a", "b", "c"] && rows == 2)
    }
}
