import ApusModel
import Testing
@testable import ApusServe

@Suite("Decoding KServe V2 (Open Inference Protocol) bodies")
struct DecodeKServeTests {
    typealias F = DecodeFixtures

    static let expected: [Double] = [41, 52000.5, 1, 1, -1.25, 30, 7, 2, 0, .nan]

    static func tensor(_ name: String, _ datatype: String, _ data: String, shape: String = "[2]") -> String {
        "{\"name\": \(F.quoted(name)), \"shape\": \(shape), \"datatype\": \"\(datatype)\", \"data\": \(data)}"
    }

    /// One tensor per feature.
    static let perFeature = [
        tensor("age", "INT64", "[41, 30]"),
        tensor("income", "FP64", "[52000.5, 7]"),
        tensor("region", "BYTES", "[\"south\", \"3\"]"),
        tensor("owner", "BOOL", "[true, false]"),
        tensor("a/b~c", "FP32", "[-1.25, null]"),
    ]

    static func decode(_ body: String, maxRows: Int = 1000) throws(RequestProblem) -> DecodedRows {
        try F.decoder(maxRows: maxRows).decodeKServe(Array(body.utf8))
    }

    static func problem(_ body: String, maxRows: Int = 1000, sourceLocation: SourceLocation = #_sourceLocation) -> RequestProblem? {
        F.problem({ () throws(RequestProblem) in try decode(body, maxRows: maxRows) }, sourceLocation: sourceLocation)
    }

    static func inputs(_ tensors: [String]) -> String { "{\"inputs\": [\(tensors.joined(separator: ", "))]}" }

    @Test("one tensor per feature: any order, [N] or [N, 1], flat or nested, each datatype")
    func perFeatureTensors() throws {
        let rows = try Self.decode(Self.inputs(Self.perFeature))
        #expect(rows.rows == 2 && F.same(rows.features, Self.expected))
        #expect(rows.id == nil && rows.requestedOutputs == nil)
        let shuffled = [
            "{\"datatype\": \"FP32\", \"data\": [[-1.25], [NaN]], \"name\": \"a/b~c\", \"shape\": [2, 1]}",  // data before shape
            Self.tensor("owner", "BYTES", "[\"true\", \"false\"]", shape: "[2, 1]"),
            Self.tensor("region", "BYTES", "[\"south\", 3]"),
            Self.tensor("income", "BYTES", "[\"52000.5\", \"7\"]"),
            Self.tensor("age", "UINT8", "[[41], [30]]", shape: "[2, 1]"),
        ]
        let body = "{\"id\": \"req-7\", \"parameters\": {\"content_type\": \"pd\"}, \"inputs\": [\(shuffled.joined(separator: ","))], \"outputs\": [{\"name\": \"probability\", \"parameters\": {\"binary_data\": false}}, {\"name\": \"label\"}]}"
        // BYTES for region must be strings: the bare 3 is refused; use "3".
        let problem = try #require(Self.problem(body))
        #expect(problem.kind == .wrongType && problem.field == "region" && problem.pointer == "/inputs/2/data/1")
        let fixed = body.replacing("[\"south\", 3]", with: "[\"south\", \"3\"]")
        let decoded = try Self.decode(fixed)
        #expect(F.same(decoded.features, Self.expected))
        #expect(decoded.id == "req-7" && decoded.requestedOutputs == ["probability", "label"])
    }

    @Test("one [N, F] tensor, flat or nested, features in model order; categorical features by number")
    func matrixTensor() throws {
        let flat = Self.tensor("input-0", "FP32", "[41, 52000.5, 3, 1, -1.25, 30, 7, 3, 0, NaN]", shape: "[2, 5]")
        let rows = try Self.decode(Self.inputs([flat]))
        // Categorical features take numbers looked up as level text: 3 is level "3" (code 2); 1 is unseen.
        #expect(rows.rows == 2 && F.same(rows.features, [41, 52000.5, 2, -1, -1.25, 30, 7, 2, -1, .nan]))
        #expect(rows.unseen == [UnseenLevel(row: 0, feature: 3, value: "1"), UnseenLevel(row: 1, feature: 3, value: "0")])
        let nested = Self.tensor("x", "FP64", "[[41, 52000.5, 3, 1, -1.25], [30, 7, 3, 0, null]]", shape: "[2, 5]")
        #expect(F.same(try Self.decode(Self.inputs([nested])).features, rows.features))
        let ints = Self.tensor("x", "INT32", "[[41, 52000, 3, 1, -1], [30, 7, 3, 0, 2]]", shape: "[2, 5]")
        #expect(try Self.decode(Self.inputs([ints])).features == [41, 52000, 2, -1, -1, 30, 7, 2, -1, 2])
        let value = try #require(Self.problem(Self.inputs([Self.tensor("x", "FP32", "[41, 52000.5, 3, 1, -1.25, 30, \"7\", 3, 0, 1]", shape: "[2, 5]")])))
        #expect(value.kind == .wrongType && value.field == "income" && value.row == 1 && value.pointer == "/inputs/0/data/6")
        let nestedValue = try #require(Self.problem(Self.inputs([Self.tensor("x", "FP64", "[[1, 2, 3, 4, 5], [1, Infinity, 3, 4, 5]]", shape: "[2, 5]")])))
        #expect(nestedValue.kind == .nonFinite && nestedValue.field == "income" && nestedValue.pointer == "/inputs/0/data/1/1")
        let bytes = try #require(Self.problem(Self.inputs([Self.tensor("x", "BYTES", "[\"1\", \"2\", \"3\", \"4\", \"5\"]", shape: "[1, 5]")])))
        #expect(bytes.kind == .invalidRequest && bytes.field == "x")
        let second = try #require(Self.problem(Self.inputs([flat, Self.perFeature[0]])))
        #expect(second.kind == .invalidRequest && second.pointer == "/inputs/1")
        let afterFeature = try #require(Self.problem(Self.inputs([Self.perFeature[0], flat])))
        #expect(afterFeature.kind == .invalidRequest && afterFeature.field == "input-0")
    }

    @Test("datatypes: FP16 and unknown ones are refused naming the tensor; values must fit theirs")
    func datatypes() throws {
        var tensors = Self.perFeature
        tensors[1] = Self.tensor("income", "FP16", "[1, 2]")
        let fp16 = try #require(Self.problem(Self.inputs(tensors)))
        #expect(fp16.kind == .invalidRequest && fp16.field == "income" && fp16.pointer == "/inputs/1/datatype" && fp16.detail.contains("FP16"))
        tensors[1] = Self.tensor("income", "FLOAT", "[1, 2]")
        let unknown = try #require(Self.problem(Self.inputs(tensors)))
        #expect(unknown.kind == .invalidRequest && unknown.field == "income" && unknown.detail.contains("FLOAT"))
        let cases: [(String, String, String)] = [  // datatype, data, the feature at fault
            ("INT8", "[1, 128]", "age"), ("UINT8", "[1, -1]", "age"), ("INT64", "[1, 2.5]", "age"),
            ("UINT16", "[1, 65536]", "age"), ("BOOL", "[true, 1]", "age"), ("INT32", "[1, \"2\"]", "age"),
            ("BYTES", "[\"1\", 2]", "age"), ("FP64", "[1, true]", "age"), ("FP32", "[1, \"x\"]", "age"),
            ("INT16", "[1, NaN]", "age"), ("BYTES", "[\"1\", \"x\"]", "age"),
        ]
        for (datatype, data, feature) in cases {
            var tensors = Self.perFeature
            tensors[0] = Self.tensor("age", datatype, data)
            let problem = try #require(Self.problem(Self.inputs(tensors)), "\(datatype) \(data)")
            #expect(problem.kind == .wrongType && problem.field == feature && problem.row == 1
                && problem.pointer == "/inputs/0/data/1", "\(datatype) \(data): \(problem)")
        }
        var ok = Self.perFeature
        ok[0] = Self.tensor("age", "UINT64", "[0, 18446744073709549568]")
        #expect(try Self.decode(Self.inputs(ok)).features[5] == 18_446_744_073_709_549_568)
        ok[0] = Self.tensor("age", "BYTES", "[\"41\", \"\"]")
        #expect(try Self.decode(Self.inputs(ok)).features[5].isNaN)
    }

    @Test("shapes and data lengths must agree; every feature once; row counts equal")
    func shapes() throws {
        func problemWith(_ index: Int, _ tensor: String) -> RequestProblem? {
            var tensors = Self.perFeature
            tensors[index] = tensor
            return Self.problem(Self.inputs(tensors))
        }
        let short = try #require(problemWith(1, Self.tensor("income", "FP64", "[1]")))
        #expect(short.kind == .invalidRequest && short.field == "income" && short.pointer == "/inputs/1/data")
        let long = try #require(problemWith(1, Self.tensor("income", "FP64", "[1, 2, 3]")))
        #expect(long.kind == .invalidRequest && long.pointer == "/inputs/1/data/2")
        let rows = try #require(problemWith(1, Self.tensor("income", "FP64", "[1, 2, 3]", shape: "[3]")))
        #expect(rows.kind == .invalidRequest && rows.field == "income" && rows.pointer == "/inputs/1/shape/0")
        let wide = try #require(problemWith(1, Self.tensor("income", "FP64", "[1, 2, 3, 4]", shape: "[2, 2]")))
        #expect(wide.kind == .invalidRequest && wide.pointer == "/inputs/1/shape")
        let negative = try #require(problemWith(1, Self.tensor("income", "FP64", "[1, 2]", shape: "[-1]")))
        #expect(negative.kind == .invalidRequest && negative.pointer == "/inputs/1/shape/0")
        let nestedFlat = try #require(problemWith(1, Self.tensor("income", "FP64", "[[1], [2]]")))
        #expect(nestedFlat.kind == .invalidRequest && nestedFlat.pointer == "/inputs/1/data/0")
        let mixed = try #require(problemWith(1, Self.tensor("income", "FP64", "[[1], 2]", shape: "[2, 1]")))
        #expect(mixed.kind == .invalidRequest && mixed.pointer == "/inputs/1/data/1")
        let missing = try #require(Self.problem(Self.inputs(Array(Self.perFeature.dropFirst()))))
        #expect(missing.kind == .missingFeature && missing.field == "age" && missing.pointer == "/inputs")
        let misspelt = try #require(problemWith(0, Self.tensor("agee", "INT64", "[1, 2]")))
        #expect(misspelt.kind == .missingFeature && misspelt.field == "age" && misspelt.detail.contains("`agee`"))
        let extra = try #require(Self.problem(Self.inputs(Self.perFeature + [Self.tensor("incomes", "FP64", "[1, 2]")])))
        #expect(extra.kind == .unknownFeature && extra.field == "incomes" && extra.pointer == "/inputs/5/name")
        #expect(extra.detail.contains("did you mean `income`?"))
        let twice = try #require(Self.problem(Self.inputs(Self.perFeature + [Self.perFeature[0]])))
        #expect(twice.kind == .invalidRequest && twice.field == "age" && twice.pointer == "/inputs/5/name")
        let noName = try #require(problemWith(0, "{\"shape\": [2], \"datatype\": \"INT64\", \"data\": [1, 2]}"))
        #expect(noName.kind == .invalidRequest && noName.field == "name" && noName.pointer == "/inputs/0")
        let noData = try #require(problemWith(0, "{\"name\": \"age\", \"shape\": [2], \"datatype\": \"INT64\"}"))
        #expect(noData.kind == .invalidRequest && noData.field == "data")
        let member = try #require(problemWith(0, "{\"name\": \"age\", \"shape\": [2], \"datatype\": \"INT64\", \"data\": [1, 2], \"contents\": {}}"))
        #expect(member.kind == .invalidRequest && member.field == "contents" && member.pointer == "/inputs/0/contents")
    }

    @Test("the request's shape: inputs required and non-empty, nothing unknown, zero rows invalid, a 413 from the shape")
    func requestShape() throws {
        let noInputs = try #require(Self.problem("{\"id\": \"1\"}"))
        #expect(noInputs.kind == .invalidRequest && noInputs.field == "inputs")
        let empty = try #require(Self.problem("{\"inputs\": []}"))
        #expect(empty.kind == .invalidRequest && empty.field == "inputs")
        let unknown = try #require(Self.problem("{\"inputs\": [], \"model\": \"x\"}"))
        #expect(unknown.kind == .invalidRequest)
        let id = try #require(Self.problem("{\"id\": 7, " + Self.inputs(Self.perFeature).dropFirst()))
        #expect(id.kind == .invalidRequest && id.field == "id" && id.pointer == "/id")
        let outputs = try #require(Self.problem("{\"outputs\": [{\"nam\": \"x\"}], " + Self.inputs(Self.perFeature).dropFirst()))
        #expect(outputs.kind == .invalidRequest && outputs.pointer == "/outputs/0/nam")
        let zero = try #require(Self.problem(Self.inputs(F.schema.features.map {
            Self.tensor($0.name, $0.kind == .numeric ? "FP64" : "BYTES", "[]", shape: "[0]")
        })))
        #expect(zero.kind == .invalidRequest && zero.detail.contains("no rows"))
        // The shape declares the rows: a 413 before any data is read.
        let big = "{\"inputs\": [{\"name\": \"age\", \"shape\": [1000000], \"datatype\": \"FP64\", \"data\": [oops"
        let tooMany = try #require(Self.problem(big, maxRows: 100))
        #expect(tooMany.status == 413 && tooMany.kind == .tooManyRows && tooMany.pointer == "/inputs/0/shape/0")
        let matrix = "{\"inputs\": [{\"name\": \"x\", \"shape\": [101, 5], \"datatype\": \"FP64\", \"data\": []}]}"
        #expect(Self.problem(matrix, maxRows: 100)?.status == 413)
        // Within the limit, but more values than a body this short holds: refused before any allocation.
        let room = try #require(Self.problem(matrix, maxRows: 1_000_000))
        #expect(room.kind == .invalidRequest && room.pointer == "/inputs/0/shape" && room.field == "x")
    }
}
