import ApusModel
import Testing
@testable import ApusServe

/// Truncated and corrupted bodies in every format: the decoders answer each with rows or a
/// client problem (4xx), never a crash, a precondition failure or a 500 — refusing unknown
/// fields or ignoring them.
@Suite("Decoding corrupted bodies")
struct DecodeFuzzTests {
    typealias F = DecodeFixtures

    enum Format: CaseIterable { case apus, mlflow, csv, kserve }

    static let bodies: [(Format, String)] = [
        (.apus, "{\"rows\": [{\(F.row)}, {\(F.row(with: "region", "\"caf\\u00e9\""))}], \"explain\": true}"),
        (.apus, "{\"data\": [[1, \"2.5\", \"north\", true, null], [NaN, -0.0, 3, \"false\", 1e-7]], \"columns\": [\"age\", \"income\", \"region\", \"owner\", \"a/b~c\"]}"),
        (.mlflow, "{\"dataframe_split\": {\"index\": [0], \"columns\": [\"age\", \"income\", \"region\", \"owner\", \"a/b~c\"], \"data\": [[1, 2, \"south\", \"true\", 3]]}, \"params\": {\"k\": [1, {\"x\": \"\\n\"}]}}"),
        (.mlflow, "{\"instances\": {\"age\": [1, 2], \"income\": [3, 4], \"region\": [\"north\", \"south\"], \"owner\": [true, false], \"a/b~c\": [5, 6]}}"),
        (.mlflow, "{\"inputs\": [[1, 2, \"north\", \"true\", 3], [4, 5, \"south\", \"false\", 6]]}"),
        (.csv, "age,income,region,owner,a/b~c\r\n1,2,\"so\"\"uth\",true,3\n4,,north,false,\"1e3\"\n"),
        (.kserve, "{\"id\": \"x\", \"inputs\": [{\"name\": \"age\", \"shape\": [2], \"datatype\": \"INT64\", \"data\": [1, 2]}, {\"data\": [[1.5], [2]], \"name\": \"income\", \"shape\": [2, 1], \"datatype\": \"FP32\"}, {\"name\": \"region\", \"shape\": [2], \"datatype\": \"BYTES\", \"data\": [\"north\", \"3\"]}, {\"name\": \"owner\", \"shape\": [2], \"datatype\": \"BOOL\", \"data\": [true, false]}, {\"name\": \"a/b~c\", \"shape\": [2], \"datatype\": \"FP64\", \"data\": [1, null]}], \"outputs\": [{\"name\": \"p\"}]}"),
        (.kserve, "{\"inputs\": [{\"name\": \"x\", \"shape\": [2, 5], \"datatype\": \"FP64\", \"data\": [[1, 2, 3, 1, 5], [6, 7, 3, 0, 9]]}]}"),
    ]

    /// Bodies with fields the model does not read (of every kind of value): they decode
    /// when ignoring unknown fields, and are refused otherwise.
    static let bodiesWithExtraFields: [(Format, String)] = [
        (.apus, "{\"rows\": [{\"id\": \"r-1\", \(F.row), \"meta\": {\"a\": [1, {\"b\": null}]}}, {\"tags\": [\"x\", [true, 2.5e-3]], \(F.row(with: "region", "\"caf\\u00e9\""))}]}"),
        (.apus, "{\"data\": [[\"r-1\", 1, \"2.5\", \"north\", true, null, {\"k\": []}], [7, NaN, -0.0, 3, \"false\", 1e-7, [1, \"\\n\"]]], \"columns\": [\"id\", \"age\", \"income\", \"region\", \"owner\", \"a/b~c\", \"extra\"]}"),
        (.mlflow, "{\"dataframe_split\": {\"columns\": [\"age\", \"target\", \"income\", \"region\", \"owner\", \"a/b~c\"], \"data\": [[1, {\"y\": 1}, 2, \"south\", \"true\", 3]]}}"),
        (.mlflow, "{\"inputs\": {\"age\": [1, 2], \"id\": {\"nested\": [1, 2]}, \"income\": [3, 4], \"region\": [\"north\", \"south\"], \"owner\": [true, false], \"a/b~c\": [5, 6], \"date\": [\"2024-01-01\", null]}}"),
        (.csv, "id,age,income,region,\"da,te\",owner,a/b~c\r\n\"x\"\"1\",1,2,\"so\"\"uth\",\"2024,1\",true,3\n,4,,north,,false,\"1e3\"\n"),
        (.kserve, "{\"inputs\": [{\"name\": \"id\", \"shape\": [9, 9, 9], \"datatype\": \"FP16\", \"data\": {\"any\": [1]}}, {\"name\": \"age\", \"shape\": [2], \"datatype\": \"INT64\", \"data\": [1, 2]}, {\"data\": [[1.5], [2]], \"name\": \"income\", \"shape\": [2, 1], \"datatype\": \"FP32\"}, {\"name\": \"region\", \"shape\": [2], \"datatype\": \"BYTES\", \"data\": [\"north\", \"3\"]}, {\"name\": \"owner\", \"shape\": [2], \"datatype\": \"BOOL\", \"data\": [true, false]}, {\"name\": \"a/b~c\", \"shape\": [2], \"datatype\": \"FP64\", \"data\": [1, null]}]}"),
        (.kserve, "{\"inputs\": [{\"name\": \"row_id\", \"shape\": [2], \"datatype\": \"BYTES\", \"data\": [\"a\", \"b\"]}, {\"name\": \"x\", \"shape\": [2, 5], \"datatype\": \"FP64\", \"data\": [[1, 2, 3, 1, 5], [6, 7, 3, 0, 9]]}, {\"name\": \"y\", \"shape\": [2, 5], \"datatype\": \"FP64\", \"data\": []}]}"),
    ]

    static func bodies(_ policy: UnknownFieldPolicy) -> [(Format, String)] {
        policy == .ignore ? bodies + bodiesWithExtraFields : bodies
    }

    /// Decodes a copy of `body` in an allocation of exactly its size, so that a read past
    /// its end is caught by the address sanitizer (`swift test --sanitize=address`).
    static func decode(_ format: Format, _ body: [UInt8], maxRows: Int,
                       unknownFields: UnknownFieldPolicy = .refuse) -> Result<DecodedRows, RequestProblem> {
        let decoder = F.decoder(maxRows: maxRows, unknownFields: unknownFields)
        let copy = UnsafeMutableRawBufferPointer.allocate(byteCount: body.count, alignment: 1)
        defer { copy.deallocate() }
        copy.copyBytes(from: body)
        let bytes = UnsafeRawBufferPointer(copy)
        return Result { () throws(RequestProblem) in
            switch format {
            case .apus: try decoder.decodeApus(bytes)
            case .mlflow: try decoder.decodeMLflow(bytes)
            case .csv: try decoder.decodeMLflowCSV(bytes)
            case .kserve: try decoder.decodeKServe(bytes)
            }
        }
    }

    /// Rows of the right size, or a client problem with its offset inside the body.
    static func check(_ format: Format, _ body: [UInt8], maxRows: Int = 1000, unknownFields: UnknownFieldPolicy = .refuse) {
        switch decode(format, body, maxRows: maxRows, unknownFields: unknownFields) {
        case .success(let rows):
            #expect(rows.rows >= 1 && rows.rows <= maxRows && rows.features.count == rows.rows * F.schema.count,
                    "\(format): \(String(decoding: body, as: UTF8.self))")
            #expect(rows.ignoredFields.count <= DecodedRows.ignoredFieldsLimit)
            if unknownFields == .refuse { #expect(rows.ignoredFields.isEmpty) }
        case .failure(let problem):
            #expect(problem.status == 400 || problem.status == 413, "\(problem)")
            #expect(!problem.detail.isEmpty && !problem.title.isEmpty)
            if problem.kind == .malformedBody, let range = problem.detail.ranges(of: "at byte ").last,
               let offset = Int(problem.detail[range.upperBound...]) {
                #expect(offset >= 0 && offset <= body.count, "\(problem)")
            }
        }
    }

    @Test("the sample bodies decode; those with extra fields only when ignoring them")
    func samplesDecode() {
        for policy in [UnknownFieldPolicy.refuse, .ignore] {
            for (format, body) in Self.bodies(policy) {
                if case .failure(let problem) = Self.decode(format, Array(body.utf8), maxRows: 1000, unknownFields: policy) {
                    Issue.record("\(format), \(policy): \(problem)")
                }
            }
        }
        for (format, body) in Self.bodiesWithExtraFields {
            switch Self.decode(format, Array(body.utf8), maxRows: 1000) {
            case .success: Issue.record("\(format): decoded extra fields under .refuse: \(body)")
            case .failure(let problem): #expect(problem.kind == .unknownFeature || problem.kind == .invalidRequest, "\(problem)")
            }
        }
    }

    @Test("every truncation of every sample body", arguments: [UnknownFieldPolicy.refuse, .ignore])
    func truncations(_ policy: UnknownFieldPolicy) {
        for (format, body) in Self.bodies + Self.bodiesWithExtraFields {
            let bytes = Array(body.utf8)
            for length in 0...bytes.count { Self.check(format, Array(bytes[..<length]), unknownFields: policy) }
        }
    }

    @Test("random byte flips, insertions and deletions", arguments: [UnknownFieldPolicy.refuse, .ignore])
    func corruptions(_ policy: UnknownFieldPolicy) {
        var random = SplitMix64(seed: policy == .refuse ? 42 : 43)
        let interesting: [UInt8] = Array("{}[]\",:\\-+.eE0129 \n\tntfNI".utf8) + [0x00, 0x1F, 0x80, 0xBF, 0xC3, 0xE2, 0xED, 0xF0, 0xF4, 0xFF]
        for _ in 0..<2_500 {
            for (format, body) in Self.bodies(policy) {
                var bytes = Array(body.utf8)
                for _ in 0..<Int.random(in: 1...4, using: &random) {
                    let position = Int.random(in: 0..<bytes.count, using: &random)
                    let byte = Bool.random(using: &random) ? interesting.randomElement(using: &random)! : UInt8.random(in: 0...255, using: &random)
                    switch Int.random(in: 0..<4, using: &random) {
                    case 0: bytes[position] ^= 1 << UInt8.random(in: 0..<8, using: &random)
                    case 1: bytes[position] = byte
                    case 2: bytes.insert(byte, at: position)
                    default: if bytes.count > 1 { bytes.remove(at: position) }
                    }
                }
                Self.check(format, bytes, maxRows: Int.random(in: 1...3, using: &random), unknownFields: policy)
            }
        }
    }

    @Test("bodies of a single repeated byte, and every format given another format's body",
          arguments: [UnknownFieldPolicy.refuse, .ignore])
    func oddBodies(_ policy: UnknownFieldPolicy) {
        for byte in Array("[{\"\\0-,:tN ".utf8) + [0x80, 0xFF] {
            for format in Format.allCases { Self.check(format, [UInt8](repeating: byte, count: 10_000), unknownFields: policy) }
        }
        for (_, body) in Self.bodies + Self.bodiesWithExtraFields {
            for format in Format.allCases { Self.check(format, Array(body.utf8), unknownFields: policy) }
        }
    }
}
