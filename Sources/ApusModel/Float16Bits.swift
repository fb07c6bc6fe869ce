/// IEEE 754 binary16 (half-precision) values held as their 16 bits, for platforms and
/// files where `Float16` is not available (it is missing on macOS for Intel).
public enum Float16Bits {
    /// The exact value of the binary16 number whose bits are `bits`: subnormals included,
    /// ±infinity for the infinities, and NaN for every NaN pattern.
    ///
    /// A normal half becomes a double by moving its fields: the 5-bit exponent (bias 15)
    /// into the 11-bit one (bias 1023) and the 10-bit fraction to the top of the 52-bit one.
    @inline(__always)
    public static func value(_ bits: UInt16) -> Double {
        let sign = UInt64(bits & 0x8000) << 48
        let exponent = UInt64(bits >> 10 & 0x1F), fraction = UInt64(bits & 0x3FF)
        if exponent == 0 {
            // Zero or subnormal: fraction × 2^−24, which a double holds exactly.
            return Double(bitPattern: (Double(fraction) * 0x1p-24).bitPattern | sign)
        }
        if exponent == 31 { return fraction == 0 ? Double(bitPattern: Double.infinity.bitPattern | sign) : .nan }
        return Double(bitPattern: sign | (exponent + 1008) << 52 | fraction << 42)
    }
}
