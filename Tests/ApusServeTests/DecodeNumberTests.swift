import ApusModel
import Testing
@testable import ApusServe

@Suite("Decoding numbers from bytes")
struct DecodeNumberTests {
    /// The number `text` reads as, by the decoder's scanner; nil if it is not a JSON number
    /// filling the whole text.
    static func scan(_ text: String) -> Double? {
        let bytes = Array(text.utf8)
        return bytes.withUnsafeBufferPointer { buffer -> Double? in
            guard let base = buffer.baseAddress else { return nil }
            guard case .value(let value, let end) = DecimalNumber.scan(base, from: 0, limit: bytes.count),
                  end == bytes.count else { return nil }
            return value
        }
    }

    static func expectExact(_ text: String, sourceLocation: SourceLocation = #_sourceLocation) {
        guard let expected = Double(text) else {
            Issue.record("Double(\(text)) is nil", sourceLocation: sourceLocation)
            return
        }
        let scanned = scan(text)
        #expect(scanned?.bitPattern == expected.bitPattern, "\(text): \(String(describing: scanned)) != \(expected)",
                sourceLocation: sourceLocation)
    }

    @Test("edge cases read bit for bit as Double(String) reads them")
    func edgeCases() {
        let cases = [
            "0", "-0", "0.0", "-0.0", "0e0", "0.1", "0.2", "0.3", "1", "-1", "10", "1e0", "1E+2", "1e-2", "123.456",
            "9007199254740992", "9007199254740993", "9007199254740994", "9007199254740995",
            "18446744073709551615", "18446744073709551616", "99999999999999999999",
            "123456789012345678901234567890", "1.7976931348623157e308", "1.7976931348623158e308",
            "1.7976931348623159e308", "1e308", "1e309", "1e999", "-1e999", "1e400", "2.2250738585072011e-308",
            "2.2250738585072014e-308", "4.9406564584124654e-324", "5e-324", "2.4703282292062327e-324",
            "2.4703282292062328e-324", "1e-400", "1e-324", "3e-324", "0.30000000000000004", "0.1000000000000000055511151231257827",
            "1.00000000000000011102230246251565404236316680908203125", "1.00000000000000011102230246251565404236316680908203124",
            "1.00000000000000011102230246251565404236316680908203126", "8.98846567431158e307", "4.35e-7", "12e30",
            "123456789e22", "9007199254740993e22", "1e22", "1e23", "1e-22", "1e-23", "12345678901234567e-5",
            "0.000000000000000000000000000000000000000000000001", "100000000000000000000000e-50",
            "1e-99999999999999999999", "1e99999999999999999999", "0e99999999999999999999",
            "7.2057594037927933e16", "3.0517578125e-05", "2.225073858507201136057409796709131975934819546351645648e-308",
        ]
        for text in cases { Self.expectExact(text) }
        #expect(Self.scan("-0")?.sign == .minus)
        #expect(Self.scan("-0.0e5")?.sign == .minus)
        #expect(Self.scan("1e999") == .infinity)
    }

    @Test("800 significant digits and more: the sticky digit keeps the rounding right")
    func longMantissas() {
        // Halfway between 1 and its successor, then more digits deciding the rounding.
        let halfway = "1.00000000000000011102230246251565404236316680908203125"
        Self.expectExact(halfway + String(repeating: "0", count: 900))
        Self.expectExact(halfway + String(repeating: "0", count: 900) + "1")
        Self.expectExact("0." + String(repeating: "0", count: 300) + "2470328229206232720882538" + String(repeating: "9", count: 900))
        Self.expectExact(String(repeating: "9", count: 1000))
        Self.expectExact(String(repeating: "1", count: 1000) + "e-1000")
        Self.expectExact("2.4703282292062327208828439643411068618252990130716238221279284125033775363510437593264991818081799618989828234772285886546332835517796989819938739800539093906315035659515570226392290858392449105184435931802849936536152500319370457678249219365623669863658480757001585769269903706311928279558551332927834338409351978015531246597263579574622766465272827220056374006485499977096599470454020828166226237857393450736339007967761930577506740176324673600968951340535537458516661134223766678604162159680461914467291840300530057530849048765391711386591646239524912623653881879636239373280423891018672348497668235089863388587925628302755995657524455507255189313690836254779186948667994968324049705821028513185451396213837722826145437693412532098591327667236328125e-324")
    }

    @Test("random doubles, printed shortest and at 17 digits, read back bit for bit")
    func randomDoubles() {
        var random = SplitMix64(seed: 7)
        for index in 0..<20_000 {
            let value: Double
            switch index % 4 {
            case 0: value = Double(bitPattern: random.next())  // anything, subnormals included
            case 1: value = Double.random(in: -1e6...1e6, using: &random)
            case 2: value = Double(Int64.random(in: -1_000_000_000...1_000_000_000, using: &random)) / 1000
            default: value = Double(bitPattern: random.next() & 0x000F_FFFF_FFFF_FFFF)  // subnormal
            }
            guard value.isFinite else { continue }
            Self.expectExact("\(value)")
            // 17 significant digits: what printf("%.17g") writes.
            var text = String(Int.random(in: 1...9, using: &random)) + "."
            for _ in 0..<16 { text += String(Int.random(in: 0...9, using: &random)) }
            Self.expectExact(text + "e\(Int.random(in: -324...308, using: &random))")
        }
    }

    @Test("random decimal text (up to 30 digits, exponents up to ±330) reads as Double(String) does")
    func randomDecimals() {
        var random = SplitMix64(seed: 11)
        for _ in 0..<20_000 {
            let integerDigits = Int.random(in: 1...20, using: &random)
            var text = Bool.random(using: &random) ? "-" : ""
            text += String(Int.random(in: 1...9, using: &random))
            for _ in 1..<integerDigits { text += String(Int.random(in: 0...9, using: &random)) }
            if Bool.random(using: &random) {
                text += "."
                for _ in 0..<Int.random(in: 1...12, using: &random) { text += String(Int.random(in: 0...9, using: &random)) }
            }
            if Bool.random(using: &random) { text += "e\(Int.random(in: -330...310, using: &random))" }
            Self.expectExact(text)
        }
    }

    @Test("text that is not a JSON number is refused where it goes wrong")
    func invalidNumbers() {
        for text in ["01", "-", "-a", "1.", ".5", "+1", "1e", "1e+", "1.e5", "-01", "00", "1.5e-"] {
            #expect(Self.scan(text) == nil, "\(text)")
        }
    }

    @Test("numbers in a body decode to the bits Double(String) gives")
    func numbersInBodies() throws {
        var random = SplitMix64(seed: 3)
        var values: [String] = ["0.1", "-0.0", "5e-324", "1.7976931348623157e308", "123456789012345678901234567890",
                                "2.2250738585072011e-308", "17.000000000000004"]
        for _ in 0..<200 { values.append("\(Double(bitPattern: random.next() & 0x7FEF_FFFF_FFFF_FFFF))") }
        let rows = values.map { "{\(DecodeFixtures.row(with: "income", $0))}" }.joined(separator: ",")
        let decoded = try DecodeFixtures.decoder().decodeApus(Array("{\"rows\": [\(rows)]}".utf8))
        for (index, text) in values.enumerated() {
            #expect(decoded.features[index * 5 + 1].bitPattern == Double(text)!.bitPattern, "\(text)")
        }
    }
}
