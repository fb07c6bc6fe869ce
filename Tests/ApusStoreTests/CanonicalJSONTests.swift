import Foundation
import Testing
@testable import ApusStore

@Suite struct CanonicalJSONTests {
    @Test func objectKeysAreSortedByTheirUTF8Bytes() {
        let object = CanonicalJSON.object([
            "b": .integer(1), "a": .integer(2), "B": .integer(3), "_": .integer(4), "aa": .integer(5), "é": .integer(6),
            "\u{FF61}": .integer(7), "\u{1F600}": .integer(8), "": .integer(9),
        ])
        // U+FF61 (EF BD A1) sorts before U+1F600 (F0 9F 98 80) by UTF-8 bytes, after it by UTF-16 units.
        #expect(object.text == "{\"\":9,\"B\":3,\"_\":4,\"a\":2,\"aa\":5,\"b\":1,\"é\":6,\"\u{FF61}\":7,\"\u{1F600}\":8}")
    }

    @Test func theTextDoesNotDependOnInsertionOrder() {
        var first: [String: CanonicalJSON] = [:]
        var second: [String: CanonicalJSON] = [:]
        let keys = (0..<50).map { "key\($0)" }
        for key in keys { first[key] = .string(key) }
        for key in keys.reversed() { second[key] = .string(key) }
        #expect(CanonicalJSON.object(first).text == CanonicalJSON.object(second).text)
        #expect(CanonicalJSON.strings(["x": "1", "y": "2"]).text == "{\"x\":\"1\",\"y\":\"2\"}")
    }

    @Test func stringsEscapeQuotesBackslashesAndControlCharacters() {
        #expect(CanonicalJSON.string("say \"hi\"").text == #""say \"hi\"""#)
        #expect(CanonicalJSON.string(#"C:\path"#).text == #""C:\\path""#)
        #expect(CanonicalJSON.string("a\nb\rc\td").text == #""a\nb\rc\td""#)
        #expect(CanonicalJSON.string("\u{0}\u{1}\u{8}\u{C}\u{1B}\u{1F}").text == #""\u0000\u0001\u0008\u000c\u001b\u001f""#)
        // DEL, `/`, non-ASCII and astral characters are written as they are.
        #expect(CanonicalJSON.string("\u{7F}/é\u{1F600}\u{2028}").text == "\"\u{7F}/é\u{1F600}\u{2028}\"")
        #expect(CanonicalJSON.string("").text == "\"\"")
    }

    @Test func escapedStringsReadBackAsTheSameScalars() throws {
        var text = ""
        for value in 0..<0x80 { text.unicodeScalars.append(Unicode.Scalar(value)!) }
        text += "é\u{301}\u{1F600}"
        let json = CanonicalJSON.array([.string(text)]).text
        let decoded = try JSONDecoder().decode([String].self, from: Data(json.utf8))
        #expect(decoded.count == 1)
        #expect(Array(decoded[0].unicodeScalars) == Array(text.unicodeScalars))
        #expect(!json.unicodeScalars.contains { $0.value < 0x20 })
    }

    @Test func numbersAreWrittenShortestWithIntegralValuesAsIntegers() {
        let cases: [(Double, String)] = [
            (0, "0"), (-0.0, "0"), (1, "1"), (-42, "-42"), (0.5, "0.5"), (0.1, "0.1"), (-2.25, "-2.25"),
            (1.0 / 3.0, "0.3333333333333333"), (123_456_789_012_345, "123456789012345"),
            // From 1e15 on, Swift's own description (still valid JSON, and the same every time).
            (1e15, "1000000000000000.0"), (1e16, "1e+16"), (1e-7, "1e-07"), (.nan, "null"), (.infinity, "null"), (-.infinity, "null"),
        ]
        for (value, text) in cases {
            #expect(CanonicalJSON.number(value).text == text, "\(value)")
        }
        #expect(CanonicalJSON.integer(Int64.min).text == "-9223372036854775808")
        #expect(CanonicalJSON.integer(Int64.max).text == "9223372036854775807")
    }

    @Test func everyNumberReadsBackAsTheSameDouble() throws {
        for value in [0.1, 1.0 / 3.0, 123_456.789, 1e15, 1e300, .leastNonzeroMagnitude, -2.5e-10, 0.000_001, 9_007_199_254_740_992] {
            let json = CanonicalJSON.array([.number(value)]).text
            let decoded = try #require(try JSONSerialization.jsonObject(with: Data(json.utf8)) as? [NSNumber])
            #expect(decoded.first?.doubleValue == value, "\(json)")
        }
    }

    @Test func otherValuesAndNesting() {
        #expect(CanonicalJSON.bool(true).text == "true" && CanonicalJSON.bool(false).text == "false")
        #expect(CanonicalJSON.null.text == "null")
        #expect(CanonicalJSON.array([]).text == "[]" && CanonicalJSON.object([:]).text == "{}")
        let nested = CanonicalJSON.object([
            "z": .array([.integer(1), .string("two"), .null, .object(["b": .bool(true), "a": .number(2.5)])]),
            "a": .object([:]),
        ])
        #expect(nested.text == #"{"a":{},"z":[1,"two",null,{"a":2.5,"b":true}]}"#)
    }

    @Test func anAuditEventsCanonicalTextCoversEveryHashedField() {
        var event = AuditEvent(sequence: 3, time: "2026-01-02T03:04:05.678Z", actor: "ann", event: "alias_moved",
                               model: "churn", runID: nil, details: ["version": "2", "alias": "champion"],
                               previousHash: String(repeating: "0", count: 64), hash: "", signature: nil, publicKey: nil)
        #expect(event.canonicalText == #"{"actor":"ann","details":{"alias":"champion","version":"2"},"event":"alias_moved","model":"churn","run_id":null,"seq":3,"time":"2026-01-02T03:04:05.678Z"}"#)
        let text = event.canonicalText
        // The signature, key and hashes are not part of it (they are checked separately).
        event.signature = "sig"
        event.publicKey = "key"
        event.hash = "h"
        #expect(event.canonicalText == text)
        event.runID = "abc"
        #expect(event.canonicalText.contains(#""run_id":"abc""#))
    }
}
