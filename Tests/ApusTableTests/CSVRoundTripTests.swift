import Testing
@testable import ApusTable

/// Writer then reader gives back the same table, on many random tables with awkward
/// strings: delimiters, quotes, newlines, spaces, missing tokens, non-ASCII text.
@Suite("CSV writer and reader round trip")
struct CSVRoundTripTests {
    static let awkward = ["", " ", "NA", "null", "a,b", "say \"hi\"", "line\nbreak", "crlf\r\nx", " lead", "trail ",
                          "ünïcødé", "日本語", "emoji 🦅", "\"", "\"\"", ",", ";", "|", "\t", "plain", "-", "0", "1.5"]

    static func randomString(_ random: inout SeededRandom) -> String? {
        if random.nextInt(below: 8) == 0 { return nil }
        if random.nextInt(below: 2) == 0 { return awkward[random.nextInt(below: awkward.count)] }
        let alphabet = Array("abc,\"\n\r ;xyzé🦅0")
        return String((0..<random.nextInt(below: 12)).map { _ in alphabet[random.nextInt(below: alphabet.count)] })
    }

    static func randomTable(seed: UInt64) throws -> Table {
        var random = SeededRandom(seed: seed)
        let rows = 1 + random.nextInt(below: 60)
        var named: [(name: String, column: Column)] = []
        for index in 0..<(1 + random.nextInt(below: 6)) {
            let name = index == 0 && random.nextInt(below: 2) == 0 ? "na,me \"\(index)\"" : "c\(index)"
            let column: Column
            switch random.nextInt(below: 5) {
            case 0:
                column = .numeric(NumericColumn((0..<rows).map { _ -> Double? in
                    switch random.nextInt(below: 6) {
                    case 0: return nil
                    case 1: return Double(random.nextInt(below: 1000)) - 500
                    case 2: return Double(bitPattern: random.next() & 0x7FEF_FFFF_FFFF_FFFF | (random.next() & 0x8000_0000_0000_0000))
                    default: return (random.nextDouble() - 0.5) * 1e6
                    }
                }))
            case 1: column = .categorical(CategoricalColumn((0..<rows).map { _ in randomString(&random) }))
            case 2: column = .text(TextColumn((0..<rows).map { _ in randomString(&random) }))
            case 3: column = .boolean(BooleanColumn((0..<rows).map { _ in random.nextInt(below: 5) == 0 ? nil : random.nextInt(below: 2) == 1 }))
            default:
                column = .timestamp(TimestampColumn(secondsSinceEpoch: (0..<rows).map { _ in
                    random.nextInt(below: 5) == 0 ? nil : Double(random.nextInt(below: 4_000_000_000)) - 1e9 + Double(random.nextInt(below: 1000)) / 1000
                }))
            }
            named.append((name, column))
        }
        return try Table(named)
    }

    @Test(arguments: 0..<300)
    func randomTableSurvivesWriteThenRead(seed: Int) throws {
        let table = try Self.randomTable(seed: UInt64(seed))
        let text = CSVWriter.string(table)
        var options = CSVReadOptions()
        options.schema = table.schema
        options.delimiter = 44
        options.blockBytesPerThread = 1 + seed % 97
        options.threads = 1 + seed % 3
        let back = try CSVReader.read(string: text, options: options).table
        #expect(back.columnNames == table.columnNames)
        #expect(back.rowCount == table.rowCount)
        for (original, read) in zip(table.columns, back.columns) {
            #expect(read.kind == original.kind)
            for row in 0..<table.rowCount {
                #expect(read.formattedValue(at: row) == original.formattedValue(at: row), "seed \(seed), row \(row)")
            }
        }
    }

    @Test func writerOutputForAKnownTable() throws {
        let table = try Table([
            ("id", .numeric(NumericColumn([1, 2.5, nil]))),
            ("note", .text(TextColumn(["a,b", "", nil]))),
            ("ok", .boolean(BooleanColumn([true, nil, false]))),
        ])
        #expect(CSVWriter.string(table) == "id,note,ok\n1,\"a,b\",true\n2.5,\"\",\n,,false\n")
    }
}
