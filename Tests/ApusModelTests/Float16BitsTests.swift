import Testing
import ApusModel

/// ``Float16Bits`` decodes every one of the 65,536 binary16 patterns exactly.
@Suite("Float16 bits")
struct Float16BitsTests {
    /// The value of `bits` from the definition: (−1)^s × 2^(e−15) × (1 + f/1024), or
    /// 2^−14 × f/1024 for subnormals.
    static func reference(_ bits: UInt16) -> Double {
        let sign = bits & 0x8000 != 0 ? -1.0 : 1.0
        let exponent = Int(bits >> 10 & 0x1F), fraction = Double(bits & 0x3FF)
        switch exponent {
        case 0: return sign * fraction * 0x1p-24
        case 31: return fraction == 0 ? sign * .infinity : .nan
        default: return sign * (1 + fraction / 1024) * Double(sign: .plus, exponent: exponent - 15, significand: 1)
        }
    }

    @Test func everyPatternDecodesByDefinition() {
        var mismatches = 0
        for bits in 0...UInt16.max {
            let value = Float16Bits.value(bits), expected = Self.reference(bits)
            if expected.isNaN ? !value.isNaN : value.bitPattern != expected.bitPattern { mismatches += 1 }
        }
        #expect(mismatches == 0)
        #expect(Float16Bits.value(0x3C00) == 1 && Float16Bits.value(0xC000) == -2 && Float16Bits.value(0x7BFF) == 65504)
        #expect(Float16Bits.value(0x0001) == 0x1p-24 && Float16Bits.value(0x8000).sign == .minus)
    }

    #if arch(x86_64) || arch(arm64)
    @Test func everyPatternIsTheStandardLibrarysFloat16() {
        var mismatches = 0
        for bits in 0...UInt16.max {
            let expected = Double(Float16(bitPattern: bits)), value = Float16Bits.value(bits)
            if expected.isNaN ? !value.isNaN : value.bitPattern != expected.bitPattern { mismatches += 1 }
        }
        #expect(mismatches == 0)
    }
    #endif
}
