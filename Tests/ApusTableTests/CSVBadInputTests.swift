import Foundation
import Testing
@testable import ApusTable

/// Every way a CSV file can be wrong gets an error naming the row and column, never a
/// crash and never a silently wrong table.
@Suite("CSV reader: bad input")
struct CSVBadInputTests {
    func error(_ text: String, _ options: CSVReadOptions = .init()) -> CSVError? {
        error(Array(text.utf8), options)
    }

    func error(_ bytes: [UInt8], _ options: CSVReadOptions = .init()) -> CSVError? {
        do {
            _ = try CSVReader.read(bytes: bytes, options: options)
            return nil
        } catch let error as CSVError {
            return error
        } catch {
            Issue.record("unexpected error type: \(error)")
            return nil
        }
    }

    @Test func unterminatedQuoteNamesRowAndColumn() throws {
        let e = try #require(error("a,b\n1,2\n3,\"never closed\n4,5\n"))
        #expect(e.reason == .unterminatedQuote)
        #expect(e.row == 2)
        #expect(e.column == "b")
        #expect(e.description.contains("row 2, column `b`"))
    }

    @Test func unterminatedQuoteInTheHeader() throws {
        #expect(error("a,\"b\n1,2\n")?.reason == .unterminatedQuote)
    }

    @Test func textAfterAClosingQuoteIsAnError() throws {
        let e = try #require(error("a,b\n\"x\"y,2\n"))
        #expect(e.reason == .unexpectedAfterClosingQuote("y,2"))
        #expect(e.row == 1 && e.column == "a")
    }

    @Test func raggedRowsAreErrorsByDefault() throws {
        let short = try #require(error("a,b,c\n1,2,3\n4,5\n"))
        #expect(short.reason == .raggedRow(expected: 3, found: 2))
        #expect(short.row == 2)
        #expect(short.description.contains("expected 3 fields, found 2"))
        let long = try #require(error("a,b\n1,2\n3,4\n5,6,7\n"))
        #expect(long.reason == .raggedRow(expected: 2, found: 3))
        #expect(long.row == 3)
    }

    @Test func raggedRowsCanBePaddedWithACount() throws {
        var options = CSVReadOptions()
        options.raggedRows = .pad
        let result = try CSVReader.read(string: "a,b,c\n1,2,3\n4,5\n6\n", options: options)
        #expect(result.table.rowCount == 3)
        #expect(result.report.paddedRows == 2)
        #expect(result.table["c"]?.numeric?[1] == nil)
        #expect(result.table["b"]?.numeric?[2] == nil)
        #expect(error("a,b\n1,2,3\n", options)?.reason == .raggedRow(expected: 2, found: 3))
    }

    @Test func raggedRowsCanBeSkippedWithACount() throws {
        var options = CSVReadOptions()
        options.raggedRows = .skip
        let result = try CSVReader.read(string: "a,t\n1,x\n2\n3,y,z\n4,\"w\"\n", options: options)
        #expect(result.table.rowCount == 2)
        #expect(result.report.skippedRows == 2)
        #expect(result.table["a"]?.numeric?.values == [1, 4])
        #expect(result.table["t"]?.categorical?[1] == "w")
    }

    @Test func invalidUTF8NamesRowAndColumn() throws {
        var bytes = Array("name,n\nok,1\n".utf8)
        bytes += [0x62, 0xFF, 0x61, 0x64] + Array(",2\n".utf8)
        let e = try #require(error(bytes))
        #expect(e.reason == .invalidUTF8)
        #expect(e.row == 2 && e.column == "name")
    }

    @Test func invalidUTF8InTheHeader() throws {
        let e = try #require(error([0x61, 0xC3, 0x28] + Array(",b\n1,2\n".utf8)))
        #expect(e.description.contains("column 1 of the header is not valid UTF-8"))
    }

    @Test func emptyFileAndByteOrderMarkOnly() throws {
        #expect(error("")?.reason == .emptyFile)
        #expect(error([0xEF, 0xBB, 0xBF])?.reason == .emptyFile)
    }

    @Test func headerOnly() throws {
        #expect(error("a,b,c\n")?.reason == .noDataRows)
        #expect(error("a,b,c")?.reason == .noDataRows)
        #expect(error("a,b,c\n")?.description == "the file has a header but no data rows")
    }

    @Test func duplicateAndEmptyColumnNames() throws {
        let duplicate = try #require(error("id,age,age\n1,2,3\n"))
        #expect(duplicate.reason == .duplicateColumnName("age", firstPosition: 2, secondPosition: 3))
        #expect(duplicate.description.contains("`age` twice (columns 2 and 3)"))
        #expect(error("id,,x\n1,2,3\n")?.reason == .emptyColumnName(position: 2))
    }

    @Test func aNonNumberInAColumnForcedNumericNamesRowAndColumn() throws {
        var options = CSVReadOptions()
        options.schema = Schema(columns: [.init(name: "income", kind: .numeric)])
        let e = try #require(error("id,income\n1,52000\n2,12k\n", options))
        #expect(e.reason == .notA(.numeric, value: "12k"))
        #expect(e.description == "row 2, column `income`: `12k` is not a number")
    }

    @Test func aSchemaNamingAnUnknownColumnSuggestsTheClosest() throws {
        var options = CSVReadOptions()
        options.schema = Schema(columns: [.init(name: "incme", kind: .numeric)])
        let e = try #require(error("id,income\n1,2\n", options))
        #expect(e.description.contains("`incme`") && e.description.contains("did you mean `income`?"))
    }

    @Test func badOptionsAreRejected() throws {
        var options = CSVReadOptions()
        options.threads = 0
        #expect(error("a\n1\n", options)?.reason == .invalidOption("threads must be 1 to 1,024, got 0"))
        options.threads = nil
        options.maxRowBytes = .max
        #expect(error("a\n1\n", options)?.reason == .invalidOption("maxRowBytes must be 1 byte to 1 TiB"))
        options = CSVReadOptions()
        options.blockBytesPerThread = .max
        #expect(error("a\n1\n", options)?.reason == .invalidOption("blockBytesPerThread must be 1 byte to 1 GiB"))
        options = CSVReadOptions()
        options.delimiter = 34
        #expect(error("a\n1\n", options) != nil)
    }

    @Test func aMissingFileNamesThePath() throws {
        #expect(throws: CSVError.self) { try CSVReader.read(path: "/nonexistent/data.csv") }
        do { _ = try CSVReader.read(path: "/nonexistent/data.csv") } catch {
            #expect("\(error)".hasPrefix("/nonexistent/data.csv: cannot read the file: No such file"))
        }
    }

    @Test func aRowLongerThanTheLimitIsAnErrorNotAnUnboundedAllocation() throws {
        var options = CSVReadOptions()
        options.maxRowBytes = 1000
        options.blockBytesPerThread = 64
        let long = String(repeating: "x", count: 5000)
        let e = try #require(error("a,b\n1,2\n3,\(long)\n", options))
        #expect(e.reason == .rowTooLong(limit: 1000))
        #expect(e.row == 2)
        let quoted = try #require(error("a,b\n1,\"\(long)\n", options))
        #expect(quoted.reason == .rowTooLong(limit: 1000))  // too long first, whatever else
    }

    /// A 1 GiB line (a sparse file, so the test stays light): the reader stops at the
    /// 64 MiB row limit with an error instead of reading it all into memory.
    @Test func aOneGigabyteSingleLine() throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("apus-giant-line-\(getpid()).csv").path
        defer { try? FileManager.default.removeItem(atPath: path) }
        #expect(FileManager.default.createFile(atPath: path, contents: Data("a,b\n".utf8)))
        let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: path))
        try handle.truncate(atOffset: 1 << 30)
        try handle.close()
        var thrown: CSVError?
        do { _ = try CSVReader.read(path: path) } catch let error as CSVError { thrown = error }
        #expect(thrown?.reason == .rowTooLong(limit: 64 << 20))
        #expect(thrown?.row == 1)
        #expect(thrown?.file == path)
    }

    @Test func aStreamingReadStopsAtAValueThatBreaksTheInferredKind() throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("apus-stream-\(getpid()).csv").path
        defer { try? FileManager.default.removeItem(atPath: path) }
        var csv = "n\n"
        for row in 0..<100 { csv += "\(row)\n" }
        csv += "oops\n"
        try Data(csv.utf8).write(to: URL(fileURLWithPath: path))
        var options = CSVReadOptions()
        options.inferenceSampleRows = 10
        #expect(throws: CSVError(.inferredKindConflict(.numeric, value: "oops"), file: path, row: 101, column: "n")) {
            _ = try CSVReader.stream(path: path, options: options) { _ in }
        }
    }
}
