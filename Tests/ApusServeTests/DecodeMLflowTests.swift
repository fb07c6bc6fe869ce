import ApusModel
import Testing
@testable import ApusServe

@Suite("Decoding MLflow scoring bodies")
struct DecodeMLflowTests {
    typealias F = DecodeFixtures

    static let columns = "[\"age\", \"income\", \"region\", \"owner\", \"a/b~c\"]"
    /// Two rows in model order, as lists, and what they encode to.
    static let lists = "[[41, 52000.5, \"south\", \"true\", -1.25], [null, \"7\", 3, false, NaN]]"
    static let expected: [Double] = [41, 52000.5, 1, 1, -1.25, .nan, 7, 2, 0, .nan]
    static let records =
        "[{\(F.row)}, {\"age\": null, \"income\": \"7\", \"region\": 3, \"owner\": false, \"a/b~c\": NaN}]"

    static func decode(_ body: String, maxRows: Int = 1000) throws(RequestProblem) -> DecodedRows {
        try F.decoder(maxRows: maxRows).decodeMLflow(Array(body.utf8))
    }

    static func problem(_ body: String, maxRows: Int = 1000, sourceLocation: SourceLocation = #_sourceLocation) -> RequestProblem? {
        F.problem({ () throws(RequestProblem) in try decode(body, maxRows: maxRows) }, sourceLocation: sourceLocation)
    }

    static func csv(_ body: String, maxRows: Int = 1000) throws(RequestProblem) -> DecodedRows {
        try F.decoder(maxRows: maxRows).decodeMLflowCSV(Array(body.utf8))
    }

    static func csvProblem(_ body: String, maxRows: Int = 1000, sourceLocation: SourceLocation = #_sourceLocation) -> RequestProblem? {
        F.problem({ () throws(RequestProblem) in try csv(body, maxRows: maxRows) }, sourceLocation: sourceLocation)
    }

    @Test("every layout of MLflow's protocol decodes to the same rows")
    func layouts() throws {
        let bodies = [
            "{\"dataframe_split\": {\"columns\": \(Self.columns), \"data\": \(Self.lists)}}",
            "{\"dataframe_split\": {\"index\": [0, 1], \"columns\": \(Self.columns), \"data\": \(Self.lists)}}",
            "{\"dataframe_split\": {\"data\": \(Self.lists), \"columns\": \(Self.columns), \"index\": [\"a\", \"b\"]}}",
            "{\"dataframe_split\": {\"data\": \(Self.lists)}}",  // no columns: model order
            "{\"dataframe_split\": {\"columns\": [\"owner\", \"a/b~c\", \"age\", \"income\", \"region\"], \"data\": [[\"true\", -1.25, 41, 52000.5, \"south\"], [false, NaN, null, \"7\", 3]]}}",
            "{\"dataframe_records\": \(Self.records)}",
            "{\"instances\": \(Self.records)}",
            "{\"inputs\": \(Self.records), \"params\": {\"threshold\": 0.5, \"nested\": [1, {\"a\": null}]}}",
            "{\"params\": {}, \"instances\": \(Self.lists)}",
            "{\"inputs\": \(Self.lists)}",
            "{\"inputs\": {\"age\": [41, null], \"income\": [52000.5, \"7\"], \"region\": [\"south\", 3], \"owner\": [\"true\", false], \"a/b~c\": [-1.25, NaN]}}",
            "{\"instances\": {\"region\": [\"south\", 3], \"age\": [41, null], \"income\": [52000.5, \"7\"], \"owner\": [\"true\", false], \"a/b~c\": [-1.25, NaN]}}",
        ]
        for body in bodies {
            let rows = try Self.decode(body)
            #expect(rows.rows == 2, "\(body)")
            #expect(F.same(rows.features, Self.expected), "\(body): \(rows.features)")
        }
    }

    @Test("a bare list is refused with a note that MLflow 2.0 changed the protocol")
    func bareList() throws {
        let problem = try #require(Self.problem(Self.records))
        #expect(problem.kind == .invalidRequest && problem.status == 400 && problem.pointer == "")
        #expect(problem.detail.contains("MLflow 2.0") && problem.detail.contains("dataframe_split")
            && problem.detail.contains("dataframe_records") && problem.detail.contains("instances")
            && problem.detail.contains("inputs"))
    }

    @Test("none, two, or an unknown top-level key is refused, naming them")
    func keys() throws {
        let none = try #require(Self.problem("{\"params\": {}}"))
        #expect(none.kind == .invalidRequest && none.detail.contains("dataframe_split"))
        let two = try #require(Self.problem("{\"instances\": \(Self.records), \"inputs\": \(Self.records)}"))
        #expect(two.kind == .invalidRequest && two.field == "inputs" && two.pointer == "/inputs")
        #expect(two.detail.contains("`instances`") && two.detail.contains("`inputs`"))
        let unknown = try #require(Self.problem("{\"dataframe_records\": \(Self.records), \"columns\": []}"))
        #expect(unknown.kind == .invalidRequest && unknown.field == "columns" && unknown.pointer == "/columns")
        let params = try #require(Self.problem("{\"dataframe_records\": \(Self.records), \"params\": [1]}"))
        #expect(params.kind == .invalidRequest && params.field == "params")
        let split = try #require(Self.problem("{\"dataframe_split\": {\"data\": \(Self.lists), \"dtypes\": {}}}"))
        #expect(split.kind == .invalidRequest && split.field == "dtypes" && split.pointer == "/dataframe_split/dtypes")
        let noData = try #require(Self.problem("{\"dataframe_split\": {\"columns\": \(Self.columns)}}"))
        #expect(noData.kind == .invalidRequest && noData.field == "data")
    }

    @Test("problems point into the layout they were found in")
    func pointers() throws {
        let split = try #require(Self.problem("{\"dataframe_split\": {\"columns\": \(Self.columns), \"data\": [[1, \"x\", \"north\", true, 0]]}}"))
        #expect(split.kind == .wrongType && split.field == "income" && split.row == 0 && split.pointer == "/dataframe_split/data/0/1")
        let positional = try #require(Self.problem("{\"dataframe_split\": {\"data\": [[1, 2, \"north\"]]}}"))
        #expect(positional.kind == .invalidRequest && positional.row == 0 && positional.pointer == "/dataframe_split/data/0")
        #expect(positional.detail.contains("model order"))
        let records = try #require(Self.problem("{\"dataframe_records\": [{\(F.row)}, {\(F.row(with: "age", "Infinity"))}]}"))
        #expect(records.kind == .nonFinite && records.row == 1 && records.pointer == "/dataframe_records/1/age")
        let instances = try #require(Self.problem("{\"instances\": [[41, 52000.5, \"south\", \"true\", {}]]}"))
        #expect(instances.kind == .wrongType && instances.field == "a/b~c" && instances.pointer == "/instances/0/4")
        let columnar = try #require(Self.problem("{\"inputs\": {\"age\": [1, 2], \"income\": [1, \"z\"], \"region\": [\"a\", \"b\"], \"owner\": [1, 2], \"a/b~c\": [1, 2]}}"))
        #expect(columnar.kind == .wrongType && columnar.field == "income" && columnar.row == 1 && columnar.pointer == "/inputs/income/1")
        let splitColumns = try #require(Self.problem("{\"dataframe_split\": {\"columns\": [\"age\", \"income\", \"region\", \"owner\", \"a/b~c\", \"default\"], \"data\": []}}"))
        #expect(splitColumns.kind == .unknownFeature && splitColumns.field == "default" && splitColumns.pointer == "/dataframe_split/columns/5")
    }

    @Test("columnar instances: every feature, every list the same length")
    func columnar() throws {
        let short = try #require(Self.problem("{\"inputs\": {\"age\": [1, 2], \"income\": [1], \"region\": [\"a\", \"b\"], \"owner\": [1, 2], \"a/b~c\": [1, 2]}}"))
        #expect(short.kind == .invalidRequest && short.field == "income" && short.pointer == "/inputs/income")
        let long = try #require(Self.problem("{\"inputs\": {\"age\": [1], \"income\": [1, 2]}}"))
        #expect(long.kind == .invalidRequest && long.field == "income" && long.pointer == "/inputs/income/1")
        let missing = try #require(Self.problem("{\"inputs\": {\"age\": [1], \"incme\": [1], \"region\": [\"a\"], \"owner\": [1], \"a/b~c\": [1]}}"))
        #expect(missing.kind == .missingFeature && missing.field == "income" && missing.row == nil && missing.pointer == "/inputs")
        #expect(missing.detail.contains("`incme`"))
        let scalar = try #require(Self.problem("{\"inputs\": {\"age\": 1}}"))
        #expect(scalar.kind == .invalidRequest && scalar.field == "age" && scalar.pointer == "/inputs/age")
        let empty = try #require(Self.problem("{\"inputs\": {\"age\": [], \"income\": [], \"region\": [], \"owner\": [], \"a/b~c\": []}}"))
        #expect(empty.kind == .invalidRequest && empty.detail.contains("no rows"))
    }

    @Test("instances of mixed forms, and plain values for a many-feature model, are refused")
    func instanceForms() throws {
        let mixed = try #require(Self.problem("{\"instances\": [{\(F.row)}, [41, 52000.5, \"south\", \"true\", 0]]}"))
        #expect(mixed.kind == .invalidRequest && mixed.row == 1 && mixed.pointer == "/instances/1")
        let plain = try #require(Self.problem("{\"instances\": [1, 2]}"))
        #expect(plain.kind == .invalidRequest && plain.row == 0)
        let one = PredictionBodyDecoder(schema: try FeatureSchema(features: [Feature(name: "x", kind: .numeric)]), maxRows: 10)
        let rows = try one.decodeMLflow(Array("{\"instances\": [1, 2.5, null]}".utf8))
        #expect(rows.rows == 3 && rows.features[0] == 1 && rows.features[1] == 2.5 && rows.features[2].isNaN)
    }

    @Test("zero rows and too many rows, in every layout")
    func rowCounts() throws {
        for body in ["{\"dataframe_records\": []}", "{\"instances\": []}", "{\"dataframe_split\": {\"data\": []}}"] {
            let problem = try #require(Self.problem(body))
            #expect(problem.kind == .invalidRequest && problem.detail.contains("no rows"), "\(body)")
        }
        for body in ["{\"dataframe_records\": \(Self.records)}", "{\"instances\": \(Self.lists)}",
                     "{\"dataframe_split\": {\"data\": \(Self.lists)}}",
                     "{\"inputs\": {\"age\": [41, null], \"income\": [52000.5, \"7\"]}}"] {
            let problem = try #require(Self.problem(body, maxRows: 1))
            #expect(problem.status == 413 && problem.kind == .tooManyRows, "\(body)")
        }
    }

    // MARK: CSV

    @Test("CSV: a header, quoted fields, CRLF, empty fields missing; the same rows as JSON")
    func csvRows() throws {
        let body = "age,income,region,owner,a/b~c\r\n41,52000.5,south,true,-1.25\r\n,7,3,false,NaN\r\n"
        let rows = try Self.csv(body)
        #expect(rows.rows == 2 && F.same(rows.features, Self.expected))
        let quoted = "\u{FEFF}owner,\"region\",age,\"income\",\"a/b~c\"\n\"true\",\"south\",41,\"52000.5\",-1.25\n\n\"false\",3,\"\",7,NaN"
        #expect(F.same(try Self.csv(quoted).features, Self.expected))
        let text = "age,income,region,owner,a/b~c\n1,2,\"so, \"\"uth\"\"\",\"tr\nue\",3\n"
        let unseen = try Self.csv(text)
        #expect(unseen.unseen == [UnseenLevel(row: 0, feature: 2, value: "so, \"uth\""), UnseenLevel(row: 0, feature: 3, value: "tr\nue")])
    }

    @Test("CSV problems name the row, the column and the line")
    func csvProblems() throws {
        let header = "age,income,region,owner,a/b~c\n"
        let wrong = try #require(Self.csvProblem(header + "1,2,north,true,0\n1,12k,north,true,0\n"))
        #expect(wrong.kind == .wrongType && wrong.field == "income" && wrong.row == 1 && wrong.detail.contains("line 3"))
        let infinite = try #require(Self.csvProblem(header + "inf,2,north,true,0\n"))
        #expect(infinite.kind == .nonFinite && infinite.field == "age" && infinite.row == 0)
        let ragged = try #require(Self.csvProblem(header + "1,2,north,true\n"))
        #expect(ragged.kind == .invalidRequest && ragged.row == 0)
        let long = try #require(Self.csvProblem(header + "1,2,north,true,0,9\n"))
        #expect(long.kind == .invalidRequest && long.row == 0)
        let unknown = try #require(Self.csvProblem("age,income,region,owner,a/b~c,default\n1,2,north,true,0,1\n"))
        #expect(unknown.kind == .unknownFeature && unknown.field == "default")
        let missing = try #require(Self.csvProblem("age,incme,region,owner,a/b~c\n1,2,north,true,0\n"))
        #expect(missing.kind == .missingFeature && missing.field == "income" && missing.detail.contains("`incme`"))
        let twice = try #require(Self.csvProblem("age,age,income,region,owner,a/b~c\n1,1,2,north,true,0\n"))
        #expect(twice.kind == .invalidRequest && twice.field == "age")
        let none = try #require(Self.csvProblem(header))
        #expect(none.kind == .invalidRequest && none.detail.contains("no rows"))
        let tooMany = try #require(Self.csvProblem(header + "1,2,north,true,0\n1,2,north,true,0\n\"", maxRows: 1))
        #expect(tooMany.status == 413 && tooMany.kind == .tooManyRows)
        for (body, offset) in [(header + "1,2,\"north,true,0\n", 34), (header + "1,2,no\"rth,true,0\n", 36),
                               (header + "1,2,\"north\"x,true,0\n", 41), ("", 0)] {
            let problem = try #require(Self.csvProblem(body))
            #expect(problem.kind == .malformedBody && problem.detail.hasSuffix("at byte \(offset)"), "\(problem.detail)")
        }
        let badUTF8 = F.problem { () throws(RequestProblem) in
            try F.decoder().decodeMLflowCSV(Array(header.utf8) + [0x31, 0x2C, 0xC3, 0x28] + Array(",north,true,0\n".utf8))
        }
        #expect(badUTF8?.kind == .malformedBody)
    }
}
