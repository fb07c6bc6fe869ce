import Testing
@testable import ApusTable

@Suite("CSV reader: dialects and kinds")
struct CSVReaderTests {
    func read(_ text: String, _ options: CSVReadOptions = .init()) throws -> CSVReadResult {
        try CSVReader.read(string: text, options: options)
    }

    @Test func readsNumericCategoricalBooleanTextAndTimestampColumns() throws {
        let csv = """
        age,region,active,opened,score
        31,north,true,2024-01-05,1.5
        45,south,false,2024-02-29T10:30:00Z,NA
        ,north,TRUE,,-2e3

        """
        let table = try read(csv).table
        #expect(table.rowCount == 3)
        #expect(table.schema.columns.map(\.kind) == [.numeric, .categorical, .boolean, .timestamp, .numeric])
        let age = try #require(table["age"]?.numeric)
        #expect(age[0] == 31 && age[1] == 45 && age[2] == nil)
        let region = try #require(table["region"]?.categorical)
        #expect(region.levels == ["north", "south"])
        #expect(region.codes.array == [0, 1, 0])
        guard case .boolean(let active) = table["active"] else { Issue.record("not boolean"); return }
        #expect(active[0] == true && active[1] == false && active[2] == true)
        guard case .timestamp(let opened) = table["opened"] else { Issue.record("not timestamp"); return }
        #expect(opened[0] == 1_704_412_800)
        #expect(opened[1] == 1_709_202_600)
        #expect(opened[2] == nil)
        let score = try #require(table["score"]?.numeric)
        #expect(score[0] == 1.5 && score[1] == nil && score[2] == -2000)
    }

    @Test func quotedFieldsKeepDelimitersQuotesAndNewlines() throws {
        let csv = "id,comment\r\n1,\"a, b\"\r\n2,\"she said \"\"hi\"\"\"\r\n3,\"two\r\nlines\"\r\n4,\"\"\r\n5,\r\n"
        let table = try read(csv).table
        #expect(table.rowCount == 5)
        guard case .categorical(let comment) = table["comment"] else { Issue.record("kind"); return }
        #expect(comment[0] == "a, b")
        #expect(comment[1] == "she said \"hi\"")
        #expect(comment[2] == "two\r\nlines")
        #expect(comment[3] == "")
        #expect(comment[4] == nil)
    }

    @Test(arguments: [(",", UInt8(44)), (";", UInt8(59)), ("\t", UInt8(9)), ("|", UInt8(124))])
    func detectsTheDelimiter(delimiter: String, byte: UInt8) throws {
        // The middle value holds another candidate, which must not win.
        let other = delimiter == "," ? ";" : ","
        let csv = ["a", "b", "c"].joined(separator: delimiter) + "\n" + ["1", "x\(other)y", "3"].joined(separator: delimiter) + "\n"
        let result = try read(csv)
        #expect(result.report.delimiter == byte)
        #expect(result.table.columnNames == ["a", "b", "c"])
        #expect(result.table["b"]?.categorical?[0] == "x\(other)y")
    }

    @Test func detectsCommaAmongSemicolonsInsideQuotes() throws {
        let result = try read("a,b\n\"x;y\",1\n\"z;w\",2\n")
        #expect(result.report.delimiter == 44)
        #expect(result.table.rowCount == 2)
    }

    @Test func skipsTheByteOrderMarkAndReadsLastLineWithoutNewline() throws {
        let bytes: [UInt8] = [0xEF, 0xBB, 0xBF] + Array("x,y\n1,2\n3,4".utf8)
        let table = try CSVReader.read(bytes: bytes).table
        #expect(table.columnNames == ["x", "y"])
        #expect(table["y"]?.numeric?.values == [2, 4])
    }

    @Test func missingTokensAreMissingAndConfigurable() throws {
        let csv = "v,w\nNA,a\nN/A,NA\nnull,\"NA\"\nNone,b\nNaN,c\n7,-\n"
        let table = try read(csv).table
        #expect(table["v"]?.numeric?.values.filter(\.isNaN).count == 5)
        let w = try #require(table["w"]?.categorical)
        #expect(w[1] == nil)
        #expect(w[2] == "NA")  // quoted: literal
        var options = CSVReadOptions()
        options.missingTokens = ["", "-"]
        let custom = try read(csv, options).table
        #expect(custom["w"]?.categorical?[5] == nil)
        #expect(custom["v"]?.kind == .categorical)
    }

    @Test func schemaForcesKinds() throws {
        var options = CSVReadOptions()
        options.schema = Schema(columns: [.init(name: "zip", kind: .categorical), .init(name: "when", kind: .timestamp)])
        let table = try read("zip,when\n01234,1700000000\n98765,2023-11-14T22:13:20Z\n", options).table
        #expect(table["zip"]?.categorical?.levels == ["01234", "98765"])
        guard case .timestamp(let when) = table["when"] else { Issue.record("kind"); return }
        #expect(when[0] == 1_700_000_000 && when[1] == 1_700_000_000)
    }

    @Test func noHeaderNamesColumnsByPosition() throws {
        var options = CSVReadOptions()
        options.hasHeader = false
        let table = try read("1,a\n2,b\n", options).table
        #expect(table.columnNames == ["column_1", "column_2"])
        #expect(table.rowCount == 2)
    }

    @Test func laterValueThatBreaksInferredKindRereadsColumnAsCategoricalAndSaysSo() throws {
        var csv = "id,amount\n"
        for row in 1...50 { csv += "\(row),\(row * 10)\n" }
        csv += "51,12k\n"
        var options = CSVReadOptions()
        options.inferenceSampleRows = 10
        let result = try read(csv, options)
        #expect(result.table["amount"]?.kind == .categorical)
        #expect(result.table["amount"]?.categorical?[50] == "12k")
        #expect(result.table["amount"]?.categorical?[0] == "10")
        #expect(result.report.notes.count == 1)
        #expect(result.report.notes[0].contains("row 51"))
        #expect(result.report.notes[0].contains("`12k`"))
    }

    @Test func inferenceTellsCategoriesFromIdentifiersAndProse() throws {
        var csv = "id,plan,comment,mixed\n"
        for row in 0..<300 {
            let comment = "customer \(row) wrote a long complaint about the delivery being late again and again"
            csv += "C\(100_000 + row),\(["basic", "pro", "team"][row % 3]),\(comment),\(row % 2 == 0 ? "\(row % 7)" : "x\(row % 5)")\n"
        }
        let kinds = try read(csv).table.schema.columns.map(\.kind)
        #expect(kinds == [.text, .categorical, .text, .categorical])
    }

    @Test func blankLinesAreSkippedAndCounted() throws {
        let result = try read("a,b\n1,2\n\n3,4\n\r\n")
        #expect(result.table.rowCount == 2)
        #expect(result.report.blankLines == 2)
    }

    @Test func trailingDelimiterGivesAnEmptyLastField() throws {
        let table = try read("a,b,c\n1,2,\n4,5,6\n").table
        #expect(table["c"]?.numeric?[0] == nil)
        #expect(table["c"]?.numeric?[1] == 6)
    }

    @Test func numbersParseExactly() throws {
        let values = ["0.1", "-0", "1e308", "2.2250738585072014e-308", "123456789012345678901234", "3.14159265358979323846",
                      "+7", ".5", "5.", "1E-5", "inf", "-Infinity", " 42 ", "9007199254740993", "4.9e-324"]
        let table = try read("x\n" + values.joined(separator: "\n") + "\n").table
        let parsed = try #require(table["x"]?.numeric).values
        let expected: [Double] = values.map { Double($0.trimmingCharacters(in: " ")) ?? (($0 == "-Infinity") ? -.infinity : .infinity) }
        for (got, want) in zip(parsed, expected) { #expect(got.bitPattern == want.bitPattern, "\(got) vs \(want)") }
    }

    @Test func resultDoesNotDependOnThreadsOrBlockSize() throws {
        var csv = "n,cat,txt\n"
        var random = SeededRandom(seed: 7)
        for row in 0..<3000 {
            let level = ["a", "b", "c", "d\"q", "e,f"][random.nextInt(below: 5)]
            csv += "\(random.nextDouble()),\"\(level.replacingOccurrences(of: "\"", with: "\"\""))\",\"row \(row)\nline\"\n"
        }
        var one = CSVReadOptions(); one.threads = 1
        var many = CSVReadOptions(); many.threads = 3; many.blockBytesPerThread = 997
        let a = try read(csv, one).table, b = try read(csv, many).table
        #expect(a.rowCount == 3000 && b.rowCount == 3000)
        #expect(a["n"]?.numeric?.values == b["n"]?.numeric?.values)
        #expect(a["cat"]?.categorical?.levels == b["cat"]?.categorical?.levels)
        #expect(a["cat"]?.categorical?.codes.array == b["cat"]?.categorical?.codes.array)
        guard case .text(let ta) = a["txt"], case .text(let tb) = b["txt"] else { Issue.record("kind"); return }
        for row in [0, 1, 1500, 2999] { #expect(ta[row] == tb[row]) }
        #expect(tb[2999] == "row 2999\nline")
    }
}

extension String {
    func trimmingCharacters(in set: String) -> String {
        var s = Substring(self)
        while let c = s.first, set.contains(c) { s.removeFirst() }
        while let c = s.last, set.contains(c) { s.removeLast() }
        return String(s)
    }
    func replacingOccurrences(of target: String, with replacement: String) -> String {
        split(separator: target, omittingEmptySubsequences: false).joined(separator: replacement)
    }
}
