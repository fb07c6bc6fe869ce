import ApusModel
import Testing
@testable import ApusServe

/// Truncated and corrupted bodies in every format: the decoders answer each with rows or a
/// client problem (4xx), never a crash, a precondition failure or a 500.
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

    /// Decodes a copy of `body` in an allocation of exactly its size, so that a read past
    /// its end is caught by the address sanitizer (`swift test --sanitize=address`).
    static func decode(_ format: Format, _ body: [UInt8], maxRows: Int) -> Result<DecodedRows, RequestProblem> {
        let decoder = F.decoder(maxRows: maxRows)
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
    static func check(_ format: Format, _ body: [UInt8], maxRows: Int = 1000) {
        switch decode(format, body, maxRows: maxRows) {
        case .success(let rows):
            #expect(rows.rows >= 1 && rows.rows <= maxRows && rows.features.count == rows.rows * F.schema.count,
                    "\(format): \(String(decoding: body, as: UTF8.self))")
        case .failure(let problem):
            #expect(problem.status == 400 || problem.status == 413, "\(problem)")
            #expect(!problem.detail.isEmpty && !problem.title.isEmpty)
            if problem.kind == .malformedBody, let range = problem.detail.ranges(of: "at byte ").last,
               let offset = Int(problem.detail[range.upperBound...]) {
                #expect(offset >= 0 && offset <= body.count, "\(problem)")
            }
        }
    }

    @Test("the sample bodies decode")
    func samplesDecode() {
        for (format, body) in Self.bodies {
            if case .failure(let problem) = Self.decode(format, Array(body.utf8), maxRows: 1000) {
                Issue.record("\(format): \(problem)")
            }
        }
    }

    @Test("every truncation of every sample body")
    func truncations() {
        for (format, body) in Self.bodies {
            let bytes = Array(body.utf8)
            for length in 0...bytes.count { Self.check(format, Array(bytes[..<length])) }
        }
    }

    @Test("random byte flips, insertions and deletions")
    func corruptions() {
        var random = SplitMix64(seed: 42)
        let interesting: [UInt8] = Array("{}[]\",:\\-+.eE0129 \n\tntfNI".utf8) + [0x00, 0x1F, 0x80, 0xBF, 0xC3, 0xE2, 0xED, 0xF0, 0xF4, 0xFF]
        for _ in 0..<2_500 {
            for (format, body) in Self.bodies {
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
                Self.check(format, bytes, maxRows: Int.random(in: 1...3, using: &random))
            }
        }
    }

    @Test("bodies of a single repeated byte, and every format given another format's body")
    func oddBodies() {
        for byte in Array("[{\"\\0-,:tN ".utf8) + [0x80, 0xFF] {
            for format in Format.allCases { Self.check(format, [UInt8](repeating: byte, count: 10_000)) }
        }
        for (_, body) in Self.bodies {
            for format in Format.allCases { Self.check(format, Array(body.utf8)) }
        }
    }
}
