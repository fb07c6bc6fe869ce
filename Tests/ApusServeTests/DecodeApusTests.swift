import ApusModel
import Testing
@testable import ApusServe

@Suite("Decoding Apus prediction bodies")
struct DecodeApusTests {
    typealias F = DecodeFixtures

    /// A random record (values of every kind the value rules take), each value's JSON
    /// text, and the record as a JSON object with its keys shuffled.
    static func randomRecord(_ random: inout SplitMix64)
        -> (record: [String: FeatureValue], values: [String: String], json: String) {
        var record: [String: FeatureValue] = [:]
        var values: [String: String] = [:]
        for feature in F.schema.features {
            let value: FeatureValue
            let json: String
            switch (feature.kind, Int.random(in: 0..<6, using: &random)) {
            case (_, 0):
                value = .missing
                json = "null"
            case (.numeric, 1):
                let number = Double(Int.random(in: -100_000...100_000, using: &random)) / 8
                value = .string("\(number)")
                json = "\"\(number)\""
            case (.numeric, _):
                let number = Double(bitPattern: random.next() & 0x7FEF_FFFF_FFFF_FFFF) * (Bool.random(using: &random) ? 1 : -1)
                value = .number(number)
                json = "\(number)"
            case (.categorical, 1):
                value = .number(3)
                json = "3"
            case (.categorical, 2):
                let level = "unseen-\(Int.random(in: 0..<5, using: &random))"
                value = .string(level)
                json = F.quoted(level)
            case (.categorical, _):
                let level = feature.levels.randomElement(using: &random)!
                value = .string(level)
                json = F.quoted(level)
            }
            record[feature.name] = value
            values[feature.name] = json
        }
        let members = F.schema.features.map(\.name).shuffled(using: &random).map { "\(F.quoted($0)): \(values[$0]!)" }
        return (record, values, "{" + members.joined(separator: ", ") + "}")
    }

    @Test("rows and columns+data decode to what FeatureSchema.encode(record:) gives")
    func matchesFeatureSchema() throws {
        var random = SplitMix64(seed: 1)
        let decoder = F.decoder()
        for _ in 0..<50 {
            let records = (0..<Int.random(in: 1...20, using: &random)).map { _ in Self.randomRecord(&random) }
            var expected: [Double] = []
            for record in records { expected += try F.schema.encode(record: record.record) }
            let rows = try decoder.decodeApus(Array("{\"rows\": [\(records.map(\.json).joined(separator: ","))]}".utf8))
            #expect(rows.rows == records.count)
            #expect(F.same(rows.features, expected))
            #expect(rows.explain == false)

            // The same rows as columns and data, columns in a shuffled order.
            let names = F.schema.features.map(\.name).shuffled(using: &random)
            let data = records.map { record in "[" + names.map { record.values[$0]! }.joined(separator: ",") + "]" }
            let columns = "[" + names.map(F.quoted).joined(separator: ",") + "]"
            let body = "{\"columns\": \(columns), \"data\": [\(data.joined(separator: ","))], \"explain\": true}"
            let decoded = try decoder.decodeApus(Array(body.utf8))
            #expect(F.same(decoded.features, expected))
            #expect(decoded.explain)
            // Data before columns.
            let reordered = "{\"data\": [\(data.joined(separator: ","))], \"columns\": \(columns)}"
            #expect(F.same(try decoder.decodeApus(Array(reordered.utf8)).features, expected))
        }
    }

    @Test("the value rules: numbers, numeric text, booleans, null, NaN, levels by text and by number")
    func valueRules() throws {
        #expect(try F.apusRow(F.row) == F.rowFeatures)
        #expect(try F.apusRow(F.row(with: "income", "\"12.5\""))[1] == 12.5)
        #expect(try F.apusRow(F.row(with: "income", "\"+1\""))[1] == 1)  // Double(String) syntax
        #expect(try F.apusRow(F.row(with: "income", "\"0x10\""))[1] == 16)
        #expect(try F.apusRow(F.row(with: "income", "\"\""))[1].isNaN)
        #expect(try F.apusRow(F.row(with: "income", "\"NaN\""))[1].isNaN)
        #expect(try F.apusRow(F.row(with: "income", "null"))[1].isNaN)
        #expect(try F.apusRow(F.row(with: "income", "NaN"))[1].isNaN)
        #expect(try F.apusRow(F.row(with: "income", "true"))[1] == 1)
        #expect(try F.apusRow(F.row(with: "income", "false"))[1] == 0)
        #expect(try F.apusRow(F.row(with: "income", "-0"))[1].sign == .minus)
        #expect(try F.apusRow(F.row(with: "owner", "true"))[3] == 1)
        #expect(try F.apusRow(F.row(with: "owner", "false"))[3] == 0)
        #expect(try F.apusRow(F.row(with: "owner", "null"))[3].isNaN)
        #expect(try F.apusRow(F.row(with: "region", "3"))[2] == 2)
        #expect(try F.apusRow(F.row(with: "region", "3.0"))[2] == 2)
        #expect(try F.apusRow(F.row(with: "region", "\"3\""))[2] == 2)
        #expect(try F.apusRow(F.row(with: "region", "\"café\""))[2] == 3)
        #expect(try F.apusRow(F.row(with: "region", "\"caf\\u00e9\""))[2] == 3)
        // Canonically equivalent spelling (e + combining acute): equal as Strings, as FeatureSchema compares.
        #expect(try F.apusRow(F.row(with: "region", "\"cafe\u{301}\""))[2] == 3)
        #expect(try F.apusRow("\"\\u0061ge\": 41, \"income\": 1, \"region\": \"north\", \"owner\": \"true\", \"a\\/b~c\": 0")
            == [41, 1, 0, 1, 0])
    }

    @Test("unseen levels are encoded as −1 and listed with row, feature and text")
    func unseenLevels() throws {
        let body = "{\"rows\": [{\(F.row)}, {\(F.row(with: "region", "\"east\""))}, {\(F.row(with: "region", "7"))}, {\(F.row(with: "owner", "\"\""))}]}"
        let rows = try F.decoder().decodeApus(Array(body.utf8))
        #expect(rows.features[5 + 2] == -1 && rows.features[10 + 2] == -1 && rows.features[15 + 3] == -1)
        #expect(rows.unseen == [UnseenLevel(row: 1, feature: 2, value: "east"), UnseenLevel(row: 2, feature: 2, value: "7"),
                                UnseenLevel(row: 3, feature: 3, value: "")])
    }

    @Test("a wrong type names the feature, the row and the place")
    func wrongTypes() throws {
        for (value, found) in [("\"12k\"", "\"12k\""), ("{\"a\": 1}", "an object"), ("[1]", "a list"), ("\"-nan\"", "\"-nan\"")] {
            let problem = try #require(F.apusProblem("{\"rows\": [{\(F.row)}, {\(F.row(with: "income", value))}]}"))
            #expect(problem.kind == .wrongType && problem.status == 400)
            #expect(problem.field == "income" && problem.row == 1 && problem.pointer == "/rows/1/income")
            #expect(problem.detail.contains(found), "\(problem.detail)")
        }
        let categorical = try #require(F.apusProblem("{\"rows\": [{\(F.row(with: "region", "[\"north\"]"))}]}"))
        #expect(categorical.kind == .wrongType && categorical.field == "region" && categorical.pointer == "/rows/0/region")
        let escaped = try #require(F.apusProblem("{\"rows\": [{\(F.row(with: "a/b~c", "\"x\""))}]}"))
        #expect(escaped.pointer == "/rows/0/a~1b~0c" && escaped.field == "a/b~c")
    }

    @Test("Infinity, numbers beyond a Double and \"inf\" text are non-finite")
    func nonFinite() throws {
        for value in ["Infinity", "-Infinity", "1e999", "-1e400", "\"inf\"", "\"Infinity\"", "\"-infinity\"", "\"1e999\""] {
            let problem = try #require(F.apusProblem("{\"rows\": [{\(F.row(with: "age", value))}]}"))
            #expect(problem.kind == .nonFinite && problem.status == 400, "\(value)")
            #expect(problem.field == "age" && problem.row == 0 && problem.pointer == "/rows/0/age", "\(value)")
        }
        // A huge number is a level's text for a categorical feature, not a failure of the row.
        let problem = try #require(F.apusProblem("{\"rows\": [{\(F.row(with: "region", "Infinity"))}]}"))
        #expect(problem.kind == .nonFinite && problem.field == "region")
    }

    @Test("a missing feature is named, with the misspelt key beside it")
    func missingFeature() throws {
        let body = "{\"rows\": [{\(F.row)}, {\"age\": 1, \"incme\": 2, \"region\": \"north\", \"owner\": \"true\", \"a/b~c\": 0}]}"
        let problem = try #require(F.apusProblem(body))
        #expect(problem.kind == .missingFeature && problem.status == 400)
        #expect(problem.field == "income" && problem.row == 1 && problem.pointer == "/rows/1")
        #expect(problem.detail.contains("`incme`"), "\(problem.detail)")
        let plain = try #require(F.apusProblem("{\"rows\": [{\"age\": 1}]}"))
        #expect(plain.kind == .missingFeature && plain.field == "income" && !plain.detail.contains("misspelling"))
    }

    @Test("a key the model does not read is refused, with the closest feature suggested")
    func unknownFeature() throws {
        let problem = try #require(F.apusProblem("{\"rows\": [{\(F.row), \"incomee\": 3}]}"))
        #expect(problem.kind == .unknownFeature && problem.status == 400)
        #expect(problem.field == "incomee" && problem.row == 0 && problem.pointer == "/rows/0/incomee")
        #expect(problem.detail.contains("did you mean `income`?"), "\(problem.detail)")
        let columns = try #require(F.apusProblem(
            "{\"columns\": [\"age\", \"income\", \"region\", \"owner\", \"a/b~c\", \"zzz\"], \"data\": [[1, 2, \"north\", true, 0, 9]]}"))
        #expect(columns.kind == .unknownFeature && columns.field == "zzz" && columns.pointer == "/columns/5" && columns.row == nil)
        let missingColumn = try #require(F.apusProblem("{\"columns\": [\"age\", \"incom\", \"region\", \"owner\", \"a/b~c\"], \"data\": [[1, 2, \"north\", true, 0]]}"))
        #expect(missingColumn.kind == .missingFeature && missingColumn.field == "income" && missingColumn.pointer == "/columns")
        #expect(missingColumn.detail.contains("`incom`"))
    }

    @Test("a key repeated in a row or in the columns is refused")
    func repeatedKeys() throws {
        let row = try #require(F.apusProblem("{\"rows\": [{\(F.row), \"age\": 3}]}"))
        #expect(row.kind == .invalidRequest && row.field == "age" && row.row == 0 && row.pointer == "/rows/0/age")
        let unknownTwice = try #require(F.apusProblem("{\"rows\": [{\(F.row), \"x\": 3, \"x\": 4}]}"))
        #expect(unknownTwice.kind == .invalidRequest && unknownTwice.field == "x")
        let columns = try #require(F.apusProblem("{\"columns\": [\"age\", \"age\"], \"data\": [[1, 1]]}"))
        #expect(columns.kind == .invalidRequest && columns.field == "age" && columns.pointer == "/columns/1")
        let member = try #require(F.apusProblem("{\"rows\": [{\(F.row)}], \"rows\": []}"))
        #expect(member.kind == .invalidRequest && member.field == "rows")
    }

    @Test("data rows of the wrong length, and rows that are not objects or lists, name the row")
    func rowShapes() throws {
        let columns = "[\"age\", \"income\", \"region\", \"owner\", \"a/b~c\"]"
        let short = try #require(F.apusProblem("{\"columns\": \(columns), \"data\": [[1, 2, \"north\", true, 0], [1, 2]]}"))
        #expect(short.kind == .invalidRequest && short.row == 1 && short.pointer == "/data/1")
        let long = try #require(F.apusProblem("{\"columns\": \(columns), \"data\": [[1, 2, \"north\", true, 0, 5]]}"))
        #expect(long.kind == .invalidRequest && long.row == 0 && long.pointer == "/data/0/5")
        let notList = try #require(F.apusProblem("{\"columns\": \(columns), \"data\": [{\"age\": 1}]}"))
        #expect(notList.kind == .invalidRequest && notList.row == 0 && notList.pointer == "/data/0")
        let notObject = try #require(F.apusProblem("{\"rows\": [[1, 2, 3, 4, 5]]}"))
        #expect(notObject.kind == .invalidRequest && notObject.row == 0 && notObject.pointer == "/rows/0")
        let value = try #require(F.apusProblem("{\"columns\": \(columns), \"data\": [[1, \"x\", \"north\", true, 0]]}"))
        #expect(value.kind == .wrongType && value.field == "income" && value.pointer == "/data/0/1")
    }

    @Test("the body's shape: one of rows or columns+data, explain a boolean, nothing else")
    func bodyShape() throws {
        let unknown = try #require(F.apusProblem("{\"rows\": [{\(F.row)}], \"explian\": true}"))
        #expect(unknown.kind == .invalidRequest && unknown.field == "explian" && unknown.pointer == "/explian")
        let both = try #require(F.apusProblem("{\"rows\": [{\(F.row)}], \"columns\": [\"age\"]}"))
        #expect(both.kind == .invalidRequest)
        let noData = try #require(F.apusProblem("{\"columns\": [\"age\", \"income\", \"region\", \"owner\", \"a/b~c\"]}"))
        #expect(noData.kind == .invalidRequest && noData.field == "data")
        let noColumns = try #require(F.apusProblem("{\"data\": [[1, 2, \"north\", true, 0]]}"))
        #expect(noColumns.kind == .invalidRequest && noColumns.field == "columns")
        let neither = try #require(F.apusProblem("{}"))
        #expect(neither.kind == .invalidRequest && neither.field == "rows")
        let explain = try #require(F.apusProblem("{\"rows\": [{\(F.row)}], \"explain\": \"yes\"}"))
        #expect(explain.kind == .invalidRequest && explain.field == "explain" && explain.pointer == "/explain")
        for body in ["[]", "[{\"age\": 1}]", "42", "\"rows\"", "null"] {
            let problem = try #require(F.apusProblem(body))
            #expect(problem.kind == .invalidRequest && problem.pointer == "", "\(body)")
        }
        let rowsNotList = try #require(F.apusProblem("{\"rows\": {\"age\": 1}}"))
        #expect(rowsNotList.kind == .invalidRequest && rowsNotList.pointer == "/rows")
    }

    @Test("zero rows is invalid")
    func noRows() throws {
        let rows = try #require(F.apusProblem("{\"rows\": []}"))
        #expect(rows.kind == .invalidRequest && rows.status == 400 && rows.detail.contains("no rows") && rows.pointer == "/rows")
        let data = try #require(F.apusProblem("{\"columns\": [\"age\", \"income\", \"region\", \"owner\", \"a/b~c\"], \"data\": []}"))
        #expect(data.kind == .invalidRequest && data.detail.contains("no rows") && data.pointer == "/data")
    }

    @Test("more rows than the limit is a 413, thrown before the rest of the body is read")
    func tooManyRows() throws {
        let decoder = F.decoder(maxRows: 2)
        #expect(try decoder.decodeApus(Array("{\"rows\": [{\(F.row)}, {\(F.row)}]}".utf8)).rows == 2)
        // The third row begins: 413, although the body goes on malformed (it is never read).
        let problem = try #require(F.apusProblem("{\"rows\": [{\(F.row)}, {\(F.row)}, {\(F.row)}, {oops", maxRows: 2))
        #expect(problem.status == 413 && problem.kind == .tooManyRows && problem.pointer == "/rows/2" && problem.row == 2)
        let data = try #require(F.apusProblem(
            "{\"columns\": [\"age\", \"income\", \"region\", \"owner\", \"a/b~c\"], \"data\": [[1,2,3,4,5],[1,2,3,4,5],[1,2,3,4,5],[", maxRows: 2))
        #expect(data.status == 413 && data.kind == .tooManyRows && data.pointer == "/data/2")
    }

    @Test("malformed JSON is answered with the byte offset of the fault")
    func malformed() throws {
        let valid = "{\"rows\": [{\(F.row)}]}"
        let cases: [(String, Int)] = [
            ("", 0),
            ("   ", 3),
            ("{\"rows\": [{\"age\": 41", 20),  // truncated: the body ends
            (valid + " x", valid.utf8.count + 1),  // trailing garbage
            (valid + "{}", valid.utf8.count),
            ("{\"rows\": [{\"age\": 041}]}", 18),  // leading zero
            ("{\"rows\": [{\"age\": 1.}]}", 20),
            ("{\"rows\": [{\"age\": \"\\x\"}]}", 19),  // bad escape
            ("{\"rows\": [{\"age\": \"\\ud800\"}]}", 19),  // lone surrogate
            ("{\"rows\": [{\"age\": \"a\tb\"}]}", 20),  // control character
            ("{\"rows\": [{\"age\": \"\u{1}\"}]}", 19),
            ("{\"rows\": [{\"age\": tru}]}", 21),
            ("{\"rows\": [{\"age\": Nan}]}", 20),
            ("{\"rows\": [{\"age\": 1,}]}", 20),  // trailing comma
            ("{\"rows\": [{\"age\" 1}]}", 17),
            ("{rows: []}", 1),
            (String(valid.dropLast()) + "]}", valid.utf8.count - 1),
            ("{\"rows\": [{\(F.row)},]}", 93),  // a comma before ']'
            ("{\"rows\": tru}", 12),  // malformed where a list was expected: malformed, not the wrong shape
            ("{\"rows\": [{\(F.row)}], \"explain\": [1,]}", 109),
        ]
        for (body, offset) in cases {
            let problem = try #require(F.apusProblem(body), "\(body)")
            #expect(problem.kind == .malformedBody && problem.status == 400, "\(body)")
            #expect(problem.detail.hasSuffix("at byte \(offset)"), "\(body): \(problem.detail)")
            #expect(problem.pointer == nil)
        }
        // Invalid UTF-8 inside a string: an overlong form, a truncated sequence, a surrogate.
        for bad: [UInt8] in [[0xC0, 0xAF], [0xE2, 0x82], [0xED, 0xA0, 0x80], [0xFF], [0xF4, 0x90, 0x80, 0x80]] {
            let body = Array("{\"rows\": [{\"age\": \"".utf8) + bad + Array("\"}]}".utf8)
            let problem = try #require(F.apusProblem(bytes: body))
            #expect(problem.kind == .malformedBody && problem.detail.contains("UTF-8") && problem.detail.hasSuffix("at byte 19"))
        }
    }

    @Test("deep nesting is refused without exhausting the stack")
    func deepNesting() throws {
        let deep = String(repeating: "[", count: 1_000_000)
        let problem = try #require(F.apusProblem("{\"rows\": [{\(F.row), \"x\": \(deep)"))
        #expect(problem.kind == .malformedBody && problem.detail.contains("nest"))
        let top = try #require(F.apusProblem(deep))
        #expect(top.kind == .malformedBody || top.kind == .invalidRequest)
        let objects = try #require(F.apusProblem("{\"rows\": [{\(F.row), \"x\": " + String(repeating: "{\"a\":", count: 100_000)))
        #expect(objects.kind == .malformedBody)
    }

    @Test("a row of 100,000 stray keys is refused as quickly as one")
    func manyUnknownKeys() throws {
        let stray = (0..<100_000).map { "\"k\($0)\": 0" }.joined(separator: ", ")
        let problem = try #require(F.apusProblem("{\"rows\": [{\(F.row), \(stray)}]}"))
        #expect(problem.kind == .unknownFeature && problem.field == "k0")
        let missing = try #require(F.apusProblem("{\"rows\": [{\(stray)}]}"))
        #expect(missing.kind == .missingFeature && missing.field == "age")
        let long = String(repeating: "x", count: 100_000)
        let clipped = try #require(F.apusProblem("{\"rows\": [{\(F.row), \"\(long)\": 1}]}"))
        #expect(clipped.kind == .unknownFeature && clipped.detail.utf8.count < 400 && (clipped.field?.utf8.count ?? 0) < 300)
    }

    @Test("a byte order mark and whitespace around the body are accepted")
    func whitespace() throws {
        let body = [0xEF, 0xBB, 0xBF] + Array(" \r\n\t{ \"rows\" :\n[ { \(F.row) } ] }\n".utf8)
        #expect(try F.decoder().decodeApus(body).features == F.rowFeatures)
    }
}
