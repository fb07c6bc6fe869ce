import ApusModel
import Testing
@testable import ApusServe

/// `UnknownFieldPolicy.ignore`: in every format, a field the model does not read is skipped
/// (whatever its value), the rows are exactly those of the body without it, and
/// `ignoredFields` names it; missing features are still refused. `.refuse` (the default)
/// refuses the same bodies.
@Suite("Decoding with unknown fields ignored")
struct DecodeIgnoreTests {
    typealias F = DecodeFixtures

    enum Format { case apus, mlflow, csv, kserve }

    static let ignoring = F.decoder(unknownFields: .ignore)
    static let refusing = F.decoder()

    static func decode(_ format: Format, _ body: String, with decoder: PredictionBodyDecoder) throws(RequestProblem) -> DecodedRows {
        let bytes = Array(body.utf8)
        switch format {
        case .apus: return try decoder.decodeApus(bytes)
        case .mlflow: return try decoder.decodeMLflow(bytes)
        case .csv: return try decoder.decodeMLflowCSV(bytes)
        case .kserve: return try decoder.decodeKServe(bytes)
        }
    }

    /// `body` (with extra fields) is refused as `unknown_feature` naming `refusedField` by
    /// default, and, ignoring, decodes to exactly what `plain` (the body without them)
    /// decodes to, with `ignored` listed.
    static func expectIgnored(_ format: Format, _ body: String, same plain: String, ignored: [String],
                              refusedField: String? = nil, refusedAs kind: RequestProblem.Kind = .unknownFeature,
                              sourceLocation: SourceLocation = #_sourceLocation) throws {
        let expected = try decode(format, plain, with: refusing)
        #expect(expected.ignoredFields.isEmpty, sourceLocation: sourceLocation)
        let rows = try decode(format, body, with: ignoring)
        #expect(rows.rows == expected.rows, "\(body)", sourceLocation: sourceLocation)
        #expect(F.same(rows.features, expected.features), "\(body): \(rows.features) vs \(expected.features)",
                sourceLocation: sourceLocation)
        #expect(rows.unseen == expected.unseen && rows.explain == expected.explain && rows.id == expected.id
            && rows.requestedOutputs == expected.requestedOutputs, sourceLocation: sourceLocation)
        #expect(rows.ignoredFields == ignored, "\(body)", sourceLocation: sourceLocation)
        // The body without extra fields decodes the same way when ignoring, listing nothing.
        let plainIgnoring = try decode(format, plain, with: ignoring)
        #expect(F.same(plainIgnoring.features, expected.features) && plainIgnoring.ignoredFields.isEmpty,
                sourceLocation: sourceLocation)
        let problem = F.problem({ () throws(RequestProblem) in try decode(format, body, with: refusing) },
                                sourceLocation: sourceLocation)
        #expect(problem?.kind == kind && problem?.status == 400, "\(String(describing: problem))",
                sourceLocation: sourceLocation)
        if let refusedField { #expect(problem?.field == refusedField, sourceLocation: sourceLocation) }
    }

    /// The problem `body` gets when ignoring.
    static func problem(_ format: Format, _ body: String, sourceLocation: SourceLocation = #_sourceLocation) -> RequestProblem? {
        F.problem({ () throws(RequestProblem) in try decode(format, body, with: ignoring) }, sourceLocation: sourceLocation)
    }

    static let columns = "\"age\", \"income\", \"region\", \"owner\", \"a/b~c\""
    static let lists = "[[41, 52000.5, \"south\", \"true\", -1.25], [null, \"7\", \"unseen\", false, NaN]]"

    @Test("the policy defaults to refuse, which lists nothing")
    func defaultPolicy() throws {
        let decoder = PredictionBodyDecoder(schema: F.schema, maxRows: 10)
        #expect(decoder.unknownFields == .refuse)
        #expect(Self.ignoring.unknownFields == .ignore)
        #expect(try decoder.decodeApus(Array("{\"rows\": [{\(F.row)}]}".utf8)).ignoredFields.isEmpty)
        #expect(DecodedRows(features: [], rows: 0).ignoredFields.isEmpty)
    }

    // MARK: Apus

    @Test("Apus rows: extra keys anywhere in a record, of any type, are skipped and listed in first-seen order")
    func apusRows() throws {
        let plain = "{\"rows\": [{\(F.row)}, {\(F.row(with: "region", "\"unseen\""))}], \"explain\": true}"
        try Self.expectIgnored(
            .apus, "{\"rows\": [{\"id\": 17, \(F.row)}, {\(F.row(with: "region", "\"unseen\"")), \"id\": \"a-18\"}], \"explain\": true}",
            same: plain, ignored: ["id"], refusedField: "id")
        // Nested objects and lists, null, booleans, escapes in the key; different keys in different rows.
        let body = """
            {"rows": [{"id": {"a": [1, {"b": null}], "c": "d"}, \(F.row), "target": [1, [2, [3]], {}]},
                      {"date": "2024-01-01", \(F.row(with: "region", "\"unseen\"")), "target": null, "t\\u00e9": true}],
             "explain": true}
            """
        try Self.expectIgnored(.apus, body, same: plain, ignored: ["id", "target", "date", "té"], refusedField: "id")
    }

    @Test("Apus columns and data: an extra column's values are skipped in every row, whatever their type")
    func apusColumns() throws {
        let plain = "{\"columns\": [\(Self.columns)], \"data\": \(Self.lists)}"
        let data = "[[\"r-1\", 41, 52000.5, \"south\", \"true\", -1.25, {\"y\": [1]}], [[1, 2], null, \"7\", \"unseen\", false, NaN, 0]]"
        let body = "{\"columns\": [\"id\", \(Self.columns), \"target\"], \"data\": \(data)}"
        try Self.expectIgnored(.apus, body, same: plain, ignored: ["id", "target"], refusedField: "id")
        // Data before the columns (read once the columns are known).
        let reordered = "{\"data\": \(data), \"columns\": [\"id\", \(Self.columns), \"target\"]}"
        try Self.expectIgnored(.apus, reordered, same: plain, ignored: ["id", "target"])
        // Columns in another order, the extra one in the middle.
        let middle = "{\"columns\": [\"owner\", \"age\", \"date\", \"income\", \"region\", \"a/b~c\"], \"data\": [[\"true\", 41, {}, 52000.5, \"south\", -1.25], [false, null, \"2024\", \"7\", \"unseen\", NaN]]}"
        try Self.expectIgnored(.apus, middle, same: plain, ignored: ["date"])
    }

    @Test("Apus columns and data: each data row still holds one value per column name")
    func apusRowLength() throws {
        let columns = "[\"id\", \(Self.columns)]"
        let short = try #require(Self.problem(.apus, "{\"columns\": \(columns), \"data\": [[1, 2, 3, 4, 5]]}"))
        #expect(short.kind == .invalidRequest && short.row == 0 && short.pointer == "/data/0")
        let long = try #require(Self.problem(.apus, "{\"columns\": \(columns), \"data\": [[1, 41, 52000.5, \"south\", \"true\", -1.25, 9]]}"))
        #expect(long.kind == .invalidRequest && long.row == 0 && long.pointer == "/data/0/6")
        // A feature's value is still checked; its pointer counts the ignored column.
        let value = try #require(Self.problem(.apus, "{\"columns\": \(columns), \"data\": [[{}, 41, \"x\", \"south\", \"true\", -1.25]]}"))
        #expect(value.kind == .wrongType && value.field == "income" && value.pointer == "/data/0/2")
    }

    // MARK: MLflow

    @Test("MLflow: extra columns in dataframe_split, records, instances and columnar inputs are skipped")
    func mlflow() throws {
        let records = "[{\(F.row)}, {\(F.row(with: "region", "\"unseen\""))}]"
        let extraRecords = "[{\(F.row), \"id\": [1, {\"a\": 2}]}, {\"id\": {}, \"target\": 1, \(F.row(with: "region", "\"unseen\""))}]"
        let split = "{\"dataframe_split\": {\"columns\": [\(Self.columns)], \"data\": [[41, 52000.5, \"south\", \"true\", -1.25], [41, 52000.5, \"south\", \"true\", -1.25]]}}"
        try Self.expectIgnored(
            .mlflow,
            "{\"dataframe_split\": {\"index\": [0, 1], \"columns\": [\"target\", \(Self.columns)], \"data\": [[{\"p\": 1}, 41, 52000.5, \"south\", \"true\", -1.25], [[0], 41, 52000.5, \"south\", \"true\", -1.25]]}}",
            same: split, ignored: ["target"], refusedField: "target")
        try Self.expectIgnored(
            .mlflow,
            "{\"dataframe_split\": {\"data\": [[41, 52000.5, \"south\", \"true\", -1.25, \"x\"], [41, 52000.5, \"south\", \"true\", -1.25, null]], \"columns\": [\(Self.columns), \"date\"]}}",
            same: split, ignored: ["date"])
        for member in ["dataframe_records", "instances", "inputs"] {
            try Self.expectIgnored(.mlflow, "{\"\(member)\": \(extraRecords)}", same: "{\"\(member)\": \(records)}",
                                   ignored: ["id", "target"], refusedField: "id")
        }
        // Columnar: an extra member is skipped whole, a list of another length or not a list at all.
        let columnar = "{\"age\": [41, null], \"income\": [52000.5, \"7\"], \"region\": [\"south\", 3], \"owner\": [\"true\", false], \"a/b~c\": [-1.25, NaN]}"
        let extraColumnar = "{\"id\": [1, 2, 3], \"age\": [41, null], \"income\": [52000.5, \"7\"], \"meta\": {\"a\": [1]}, \"region\": [\"south\", 3], \"owner\": [\"true\", false], \"a/b~c\": [-1.25, NaN], \"flag\": true}"
        for member in ["instances", "inputs"] {
            try Self.expectIgnored(.mlflow, "{\"\(member)\": \(extraColumnar)}", same: "{\"\(member)\": \(columnar)}",
                                   ignored: ["id", "meta", "flag"], refusedField: "id")
        }
    }

    @Test("MLflow's own members are not fields: an unknown top-level or dataframe_split member is still refused")
    func mlflowMembers() throws {
        let top = try #require(Self.problem(.mlflow, "{\"dataframe_records\": [{\(F.row)}], \"id\": 1}"))
        #expect(top.kind == .invalidRequest && top.field == "id")
        let split = try #require(Self.problem(.mlflow, "{\"dataframe_split\": {\"data\": [], \"dtypes\": {}}}"))
        #expect(split.kind == .invalidRequest && split.field == "dtypes")
        let apus = try #require(Self.problem(.apus, "{\"rows\": [{\(F.row)}], \"id\": 1}"))
        #expect(apus.kind == .invalidRequest && apus.field == "id")
    }

    // MARK: CSV

    @Test("CSV: extra header columns are skipped, their fields still read as CSV")
    func csv() throws {
        let plain = "age,income,region,owner,a/b~c\n41,52000.5,south,true,-1.25\n,7,unseen,false,\n"
        let body = "id,age,income,\"da,te\",region,owner,a/b~c,target\r\n\"x,\"\"1\"\"\",41,52000.5,\"2024,01\",south,true,-1.25,\"{\"\"a\"\": 1}\"\r\n,,7,,unseen,false,,\"multi\nline\"\r\n"
        try Self.expectIgnored(.csv, body, same: plain, ignored: ["id", "da,te", "target"], refusedField: "id")
        // The row length is still the header's, and an ignored field must still be well-formed.
        let short = try #require(Self.problem(.csv, "id,age,income,region,owner,a/b~c\n1,2,3,4,5\n"))
        #expect(short.kind == .invalidRequest && short.row == 0)
        let quote = try #require(Self.problem(.csv, "id,age,income,region,owner,a/b~c\nx\"y,41,52000.5,south,true,-1.25\n"))
        #expect(quote.kind == .malformedBody)
        let value = try #require(Self.problem(.csv, "id,age,income,region,owner,a/b~c\nx,41,12k,south,true,-1.25\n"))
        #expect(value.kind == .wrongType && value.field == "income" && value.row == 0)
    }

    // MARK: KServe

    static func tensor(_ name: String, _ datatype: String, _ data: String, shape: String = "[2]") -> String {
        "{\"name\": \(F.quoted(name)), \"shape\": \(shape), \"datatype\": \"\(datatype)\", \"data\": \(data)}"
    }

    static let perFeature = [
        tensor("age", "INT64", "[41, 30]"),
        tensor("income", "FP64", "[52000.5, 7]"),
        tensor("region", "BYTES", "[\"south\", \"unseen\"]"),
        tensor("owner", "BOOL", "[true, false]"),
        tensor("a/b~c", "FP32", "[-1.25, null]"),
    ]

    static func inputs(_ tensors: [String], extra: String = "") -> String {
        "{\"id\": \"req-1\", \"inputs\": [\(tensors.joined(separator: ", "))]\(extra)}"
    }

    @Test("KServe: an input named as no feature is skipped whole, whatever its datatype, shape and data")
    func kservePerFeature() throws {
        let plain = Self.inputs(Self.perFeature, extra: ", \"outputs\": [{\"name\": \"predict\"}]")
        var tensors = Self.perFeature
        tensors.insert(Self.tensor("row_id", "BYTES", "[\"a\", \"b\"]"), at: 0)
        tensors.insert(Self.tensor("target", "FP16", "{\"not\": [\"a\", \"list\"]}", shape: "[7, 3, 2]"), at: 3)  // shape disagrees with N
        tensors.append("{\"data\": [[1, 2, 3, 4, 5], [1, 2, 3, 4, 5]], \"shape\": [2, 5], \"datatype\": \"FP32\", \"name\": \"embedding\"}")
        tensors.append(Self.tensor("row_id", "INT8", "[]", shape: "[0]"))  // listed once
        // (Refused by default for its FP16 tensor, before its name is looked at.)
        try Self.expectIgnored(.kserve, Self.inputs(tensors, extra: ", \"outputs\": [{\"name\": \"predict\"}]"), same: plain,
                               ignored: ["row_id", "target", "embedding"], refusedAs: .invalidRequest)
        // Refused by default as an unknown feature (the extra tensors well-formed for it).
        try Self.expectIgnored(.kserve, Self.inputs(Self.perFeature + [Self.tensor("incomes", "FP64", "[1, 2]")]),
                               same: Self.inputs(Self.perFeature), ignored: ["incomes"], refusedField: "incomes")
    }

    @Test("KServe: an ignored input must still be a well-formed tensor")
    func kserveWellFormed() throws {
        for (tensor, field) in [("{\"name\": \"id\", \"shape\": [2], \"datatype\": \"BYTES\"}", "data"),
                                ("{\"name\": \"id\", \"datatype\": \"BYTES\", \"data\": [1]}", "shape"),
                                ("{\"name\": \"id\", \"shape\": [2], \"data\": [1]}", "datatype"),
                                ("{\"name\": \"id\", \"shape\": [2], \"datatype\": \"BYTES\", \"data\": [], \"contents\": 1}", "contents"),
                                ("{\"name\": \"id\", \"shape\": 2, \"datatype\": \"BYTES\", \"data\": []}", "shape"),
                                ("{\"name\": 7, \"shape\": [2], \"datatype\": \"BYTES\", \"data\": []}", "name")] {
            let problem = try #require(Self.problem(.kserve, Self.inputs(Self.perFeature + [tensor])), "\(tensor)")
            #expect(problem.kind == .invalidRequest && problem.field == field, "\(tensor): \(problem)")
        }
        let malformed = try #require(Self.problem(.kserve, Self.inputs(Self.perFeature + [Self.tensor("id", "BYTES", "[1, }")])))
        #expect(malformed.kind == .malformedBody)
    }

    @Test("KServe: the [N, F] tensor with ignored inputs before or after it; a feature's tensor with it is still refused")
    func kserveMatrix() throws {
        let matrix = Self.tensor("input-0", "FP64", "[[41, 52000.5, 3, 1, -1.25], [30, 7, 3, 0, null]]", shape: "[2, 5]")
        let plain = Self.inputs([matrix])
        // (Refused by default: the [N, F] tensor must be the only input.)
        try Self.expectIgnored(.kserve, Self.inputs([Self.tensor("row_id", "BYTES", "[\"a\", \"b\"]"), matrix]), same: plain,
                               ignored: ["row_id"], refusedAs: .invalidRequest)
        let after = Self.inputs([matrix, Self.tensor("row_id", "BYTES", "[\"a\", \"b\"]"),
                                 Self.tensor("second", "FP64", "[]", shape: "[2, 5]")])
        let rows = try Self.decode(.kserve, after, with: Self.ignoring)
        #expect(F.same(rows.features, try Self.decode(.kserve, plain, with: Self.refusing).features))
        #expect(rows.ignoredFields == ["row_id", "second"])
        // A BYTES [N, F] tensor cannot be the features: it is ignored.
        let bytes = Self.tensor("names", "BYTES", "[\"a\", \"b\", \"c\", \"d\", \"e\", \"f\", \"g\", \"h\", \"i\", \"j\"]", shape: "[2, 5]")
        try Self.expectIgnored(.kserve, Self.inputs([bytes] + Self.perFeature), same: Self.inputs(Self.perFeature),
                               ignored: ["names"], refusedAs: .invalidRequest)
        let mixed = try #require(Self.problem(.kserve, Self.inputs([matrix, Self.perFeature[0]])))
        #expect(mixed.kind == .invalidRequest && mixed.field == "age" && mixed.pointer == "/inputs/1")
        // After a feature's tensor, an [N, F] tensor named as no feature is just another ignored input.
        let late = try #require(Self.problem(.kserve, Self.inputs([Self.tensor("id", "BYTES", "[\"a\", \"b\"]"),
                                                                     Self.perFeature[0], matrix])))
        #expect(late.kind == .missingFeature && late.field == "income")
        let named = try Self.decode(.kserve, Self.inputs(Self.perFeature + [matrix]), with: Self.ignoring)
        #expect(named.ignoredFields == ["input-0"])
    }

    // MARK: Missing features

    @Test("a missing feature is still refused in every format, with an ignored field offered as its misspelling")
    func missingFeatures() throws {
        let rows = try #require(Self.problem(.apus, "{\"rows\": [{\"age\": 1, \"incme\": 2, \"region\": \"north\", \"owner\": \"true\", \"a/b~c\": 0}]}"))
        #expect(rows.kind == .missingFeature && rows.field == "income" && rows.row == 0 && rows.detail.contains("`incme`"))
        let columns = try #require(Self.problem(.apus, "{\"columns\": [\"age\", \"incme\", \"region\", \"owner\", \"a/b~c\"], \"data\": [[1, 2, \"north\", true, 0]]}"))
        #expect(columns.kind == .missingFeature && columns.field == "income" && columns.pointer == "/columns" && columns.detail.contains("`incme`"))
        let split = try #require(Self.problem(.mlflow, "{\"dataframe_split\": {\"columns\": [\"age\", \"id\"], \"data\": [[1, 2]]}}"))
        #expect(split.kind == .missingFeature && split.field == "income")
        let records = try #require(Self.problem(.mlflow, "{\"dataframe_records\": [{\(F.row)}, {\"id\": 1}]}"))
        #expect(records.kind == .missingFeature && records.row == 1 && records.field == "age")
        let columnar = try #require(Self.problem(.mlflow, "{\"inputs\": {\"age\": [1], \"incme\": [1], \"region\": [\"a\"], \"owner\": [1], \"a/b~c\": [1]}}"))
        #expect(columnar.kind == .missingFeature && columnar.field == "income" && columnar.detail.contains("`incme`"))
        let csv = try #require(Self.problem(.csv, "id,age,incme,region,owner,a/b~c\n1,2,3,north,true,0\n"))
        #expect(csv.kind == .missingFeature && csv.field == "income" && csv.detail.contains("`incme`"))
        var tensors = Self.perFeature
        tensors[1] = Self.tensor("incme", "FP64", "[1, 2]")
        let kserve = try #require(Self.problem(.kserve, Self.inputs(tensors)))
        #expect(kserve.kind == .missingFeature && kserve.field == "income" && kserve.detail.contains("`incme`"))
        // Every input ignored: the features are missing (not "no rows").
        let none = try #require(Self.problem(.kserve, Self.inputs([Self.tensor("agee", "INT64", "[1, 2]")])))
        #expect(none.kind == .missingFeature && none.field == "age" && none.pointer == "/inputs" && none.detail.contains("`agee`"))
    }

    // MARK: Limits and syntax

    @Test("a repeated key or column is refused, ignored or not")
    func repeatedKeys() throws {
        let row = try #require(Self.problem(.apus, "{\"rows\": [{\(F.row), \"id\": 1, \"id\": 2}]}"))
        #expect(row.kind == .invalidRequest && row.field == "id" && row.pointer == "/rows/0/id")
        let columns = try #require(Self.problem(.apus, "{\"columns\": [\"id\", \(Self.columns), \"id\"], \"data\": [[1, 1, 2, \"north\", true, 0, 1]]}"))
        #expect(columns.kind == .invalidRequest && columns.field == "id" && columns.pointer == "/columns/6")
        let csv = try #require(Self.problem(.csv, "id,age,income,region,owner,a/b~c,id\n1,2,3,north,true,0,1\n"))
        #expect(csv.kind == .invalidRequest && csv.field == "id")
        let columnar = try #require(Self.problem(.mlflow, "{\"inputs\": {\"id\": 1, \"id\": 2, \"age\": [1]}}"))
        #expect(columnar.kind == .invalidRequest && columnar.field == "id")
        // The same extra key in every row is not a repeat.
        let body = "{\"rows\": [" + Array(repeating: "{\"id\": 1, \(F.row)}", count: 3).joined(separator: ", ") + "]}"
        let rows = try Self.ignoring.decodeApus(Array(body.utf8))
        #expect(rows.rows == 3 && rows.ignoredFields == ["id"])
    }

    @Test("malformed JSON inside an ignored value is still malformed, at its byte")
    func malformedIgnoredValue() throws {
        let body = "{\"rows\": [{\(F.row), \"id\": [1, {\"a\" 2}]}]}"
        let problem = try #require(Self.problem(.apus, body))
        #expect(problem.kind == .malformedBody && problem.detail.hasSuffix("at byte \(body.utf8.count - 6)"), "\(problem.detail)")
        let deep = "{\"rows\": [{\(F.row), \"id\": " + String(repeating: "[", count: 100_000) + "}]}"
        #expect(Self.problem(.apus, deep)?.kind == .malformedBody)
        let columns = try #require(Self.problem(.apus, "{\"columns\": [\"id\", \(Self.columns)], \"data\": [[tru, 1, 2, \"north\", true, 0]]}"))
        #expect(columns.kind == .malformedBody)
    }

    @Test("ignoredFields lists at most 16 names, and a row of 100,000 stray keys decodes")
    func manyIgnoredFields() throws {
        let stray = (0..<100_000).map { "\"k\($0)\": [\($0)]" }.joined(separator: ", ")
        let rows = try Self.ignoring.decodeApus(Array("{\"rows\": [{\(F.row), \(stray)}, {\"k99999\": 0, \(F.row)}]}".utf8))
        #expect(rows.rows == 2 && F.same(rows.features, F.rowFeatures + F.rowFeatures))
        #expect(rows.ignoredFields == (0..<16).map { "k\($0)" })
        let header = (0..<40).map { "x\($0)" }.joined(separator: ",") + ",age,income,region,owner,a/b~c\n"
        let line = Array(repeating: "", count: 40).joined(separator: ",") + ",41,52000.5,south,true,-1.25\n"
        let csv = try Self.ignoring.decodeMLflowCSV(Array((header + line).utf8))
        #expect(csv.features == F.rowFeatures && csv.ignoredFields == (0..<16).map { "x\($0)" })
        let long = String(repeating: "x", count: 100_000)
        let clipped = try Self.ignoring.decodeApus(Array("{\"rows\": [{\(F.row), \"\(long)\": 1}]}".utf8))
        #expect(clipped.ignoredFields.count == 1 && clipped.ignoredFields[0].utf8.count < 300)
    }

    @Test("random records with random extra keys decode to the records without them")
    func randomExtraKeys() throws {
        var random = SplitMix64(seed: 7)
        let extraValues = ["1", "-2.5e3", "\"text\"", "null", "true", "NaN", "Infinity", "{}", "[]", "{\"a\": [1, {\"b\": \"c\"}]}",
                           "[[[]], {\"x\": null}]", "\"\\u00e9\\n\""]
        for _ in 0..<50 {
            let records = (0..<Int.random(in: 1...10, using: &random)).map { _ in DecodeApusTests.randomRecord(&random) }
            var ignored: [String] = []  // in the order the body lists them
            var plainRows: [String] = []
            let withExtras = records.map { record -> String in
                var members: [(json: String, extra: String?)] = F.schema.features.map {
                    ("\(F.quoted($0.name)): \(record.values[$0.name]!)", nil)
                }
                for _ in 0..<Int.random(in: 0...3, using: &random) {
                    let name = ["id", "target", "date", "note", "nested"].randomElement(using: &random)!
                    if members.contains(where: { $0.extra == name }) { continue }
                    members.insert(("\"\(name)\": \(extraValues.randomElement(using: &random)!)", name),
                                   at: Int.random(in: 0...members.count, using: &random))
                }
                for case let name? in members.map(\.extra) where !ignored.contains(name) { ignored.append(name) }
                plainRows.append("{" + members.filter { $0.extra == nil }.map(\.json).joined(separator: ", ") + "}")
                return "{" + members.map(\.json).joined(separator: ", ") + "}"
            }
            let plain = "{\"rows\": [\(plainRows.joined(separator: ","))]}"
            let body = "{\"rows\": [\(withExtras.joined(separator: ","))]}"
            if ignored.isEmpty {
                #expect(try Self.decode(.apus, body, with: Self.ignoring).ignoredFields.isEmpty)
            } else {
                try Self.expectIgnored(.apus, body, same: plain, ignored: ignored)
            }
        }
    }
}
