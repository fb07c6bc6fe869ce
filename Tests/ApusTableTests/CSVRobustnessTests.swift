import Testing
@testable import ApusTable

/// Mangled input never crashes the reader and never yields a broken table: it either reads
/// (every column as long as the table) or throws a `CSVError`, the same one whatever the
/// threads and block size.
@Suite("CSV reader: robustness")
struct CSVRobustnessTests {
    static let seedText = Array("""
    id,name,score,when,ok,note
    1,"Ann, B",3.5,2024-01-02,true,"said ""hi""\nthen left"
    2,Bob,NA,2024-01-03T10:00:00Z,false,
    3,,1e3,,TRUE,plain
    4,"Zoë",-0.25,2024-02-29,false,"x"

    """.utf8)

    static let alphabet: [UInt8] = Array(",;\"\n\r\t |aZ09.-eE\u{00}".utf8) + [0xC3, 0xA9, 0xFF, 0xEF, 0xBB, 0xBF]

    @Test(arguments: 0..<400)
    func mangledInputReadsOrThrowsACSVError(seed: Int) throws {
        var random = SeededRandom(seed: UInt64(seed) &+ 1000)
        var bytes = Self.seedText
        for _ in 0..<(1 + random.nextInt(below: 8)) {
            let position = random.nextInt(below: bytes.count + 1)
            switch random.nextInt(below: 3) {
            case 0: bytes.insert(Self.alphabet[random.nextInt(below: Self.alphabet.count)], at: position)
            case 1: if position < bytes.count { bytes.remove(at: position) }
            default: if position < bytes.count { bytes[position] = Self.alphabet[random.nextInt(below: Self.alphabet.count)] }
            }
        }
        var options = CSVReadOptions()
        options.threads = 1 + seed % 3
        options.blockBytesPerThread = 1 + seed % 50
        options.raggedRows = CSVReadOptions.RaggedRows.allCases[seed % 3]
        options.inferenceSampleRows = 1 + seed % 4
        if seed % 5 == 0 { options.missingTokens = ["-"] }
        // The same outcome, table or error, as one thread reading one large block.
        var reference = options
        reference.threads = 1
        reference.blockBytesPerThread = 1 << 20
        let expected = Result { try CSVReader.read(bytes: bytes, options: reference) }
        let actual = Result { try CSVReader.read(bytes: bytes, options: options) }
        switch (expected, actual) {
        case (.success(let first), .success(let second)):
            let a = first.table, b = second.table
            #expect(a.schema == b.schema && a.rowCount == b.rowCount)
            #expect(first.report.notes == second.report.notes, "seed \(seed)")
            #expect([first.report.paddedRows, first.report.skippedRows, first.report.blankLines]
                    == [second.report.paddedRows, second.report.skippedRows, second.report.blankLines], "seed \(seed)")
            for (x, y) in zip(a.columns, b.columns) {
                #expect((0..<x.count).allSatisfy { x.formattedValue(at: $0) == y.formattedValue(at: $0) }, "seed \(seed)")
            }
        case (.failure(let a), .failure(let b)):
            #expect("\(a)" == "\(b)", "seed \(seed)")
        default:
            Issue.record("seed \(seed): \(expected) versus \(actual)")
        }
        do {
            let table = try CSVReader.read(bytes: bytes, options: options).table
            for column in table.columns {
                #expect(column.count == table.rowCount)
                for row in 0..<table.rowCount { _ = column.formattedValue(at: row) }
                if case .categorical(let c) = column {
                    #expect(c.codes.array.allSatisfy { $0 == CategoricalColumn.missingCode || Int($0) < c.levels.count })
                }
                if case .text(let t) = column {
                    let offsets = t.offsets.array
                    #expect(zip(offsets, offsets.dropFirst()).allSatisfy { $0 <= $1 } && offsets.last == t.bytes.count)
                }
            }
        } catch is CSVError {
            // A clear error is a fine outcome for mangled input.
        }
    }

    @Test func paddedTextAndCategoricalFieldsAreMissingEvenWithoutTheEmptyToken() throws {
        var options = CSVReadOptions()
        options.raggedRows = .pad
        options.missingTokens = ["-"]
        options.schema = Schema(columns: [.init(name: "t", kind: .text)])
        let table = try CSVReader.read(string: "a,c,t\nx,y,long text\nz\n", options: options).table
        #expect(table["c"]?.categorical?[1] == nil)
        guard case .text(let t) = table["t"] else { Issue.record("kind"); return }
        #expect(t[0] == "long text")
        #expect(t[1] == nil)
    }
}
