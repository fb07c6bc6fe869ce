import ApusModel
import Testing
@testable import ApusServe

/// The schema, bodies and checks the decoder tests share.
enum DecodeFixtures {
    /// `age`, `income` (numeric), `region` (levels north, south, "3", café), `owner` (levels
    /// false, true), `a/b~c` (numeric; its name needs escaping in a JSON pointer).
    static let schema = try! FeatureSchema(features: [
        Feature(name: "age", kind: .numeric),
        Feature(name: "income", kind: .numeric),
        Feature(name: "region", kind: .categorical, levels: ["north", "south", "3", "café"]),
        Feature(name: "owner", kind: .categorical, levels: ["false", "true"]),
        Feature(name: "a/b~c", kind: .numeric),
    ])

    static func decoder(maxRows: Int = 1000, unknownFields: UnknownFieldPolicy = .refuse) -> PredictionBodyDecoder {
        PredictionBodyDecoder(schema: schema, maxRows: maxRows, unknownFields: unknownFields)
    }

    /// One valid row as a JSON object's members.
    static let row = #""age": 41, "income": 52000.5, "region": "south", "owner": "true", "a/b~c": -1.25"#
    /// That row encoded.
    static let rowFeatures: [Double] = [41, 52000.5, 1, 1, -1.25]

    /// The problem `decode` throws; records an issue if it succeeds.
    static func problem(_ decode: () throws(RequestProblem) -> DecodedRows,
                        sourceLocation: SourceLocation = #_sourceLocation) -> RequestProblem? {
        do {
            let rows = try decode()
            Issue.record("expected a problem, decoded \(rows.rows) rows", sourceLocation: sourceLocation)
            return nil
        } catch {
            return error
        }
    }

    /// The problem decoding `body` in Apus's format throws.
    static func apusProblem(_ body: String, maxRows: Int = 1000,
                            sourceLocation: SourceLocation = #_sourceLocation) -> RequestProblem? {
        let decoder = decoder(maxRows: maxRows)
        return problem({ () throws(RequestProblem) in try decoder.decodeApus(Array(body.utf8)) },
                       sourceLocation: sourceLocation)
    }

    /// The problem decoding `body` in Apus's format throws.
    static func apusProblem(bytes body: [UInt8], sourceLocation: SourceLocation = #_sourceLocation) -> RequestProblem? {
        let decoder = decoder()
        return problem({ () throws(RequestProblem) in try decoder.decodeApus(body) }, sourceLocation: sourceLocation)
    }

    /// Decodes a one-row Apus body whose row is `{members}`.
    static func apusRow(_ members: String) throws(RequestProblem) -> [Double] {
        try decoder().decodeApus(Array("{\"rows\": [{\(members)}]}".utf8)).features
    }

    /// `row` with `feature`'s value replaced by the JSON `value`.
    static func row(with feature: String, _ value: String) -> String {
        var values = ["age": "41", "income": "52000.5", "region": "\"south\"", "owner": "\"true\"", "a/b~c": "-1.25"]
        values[feature] = value
        return ["age", "income", "region", "owner", "a/b~c"].map { "\"\($0)\": \(values[$0]!)" }.joined(separator: ", ")
    }

    /// Whether two matrices hold the same doubles bit for bit (any NaN equals any NaN).
    static func same(_ a: [Double], _ b: [Double]) -> Bool {
        a.count == b.count && zip(a, b).allSatisfy { $0.bitPattern == $1.bitPattern || ($0.isNaN && $1.isNaN) }
    }

    /// JSON text for a string.
    static func quoted(_ text: String) -> String {
        var out = "\""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            default:
                if scalar.value < 0x20 {
                    let hex = String(scalar.value, radix: 16)
                    out += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
                } else {
                    out.unicodeScalars.append(scalar)
                }
            }
        }
        return out + "\""
    }
}

/// A small deterministic generator (SplitMix64) for the randomized tests.
struct SplitMix64: RandomNumberGenerator {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
