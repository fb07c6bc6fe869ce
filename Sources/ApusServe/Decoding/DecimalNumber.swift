#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// JSON numbers read from their bytes into the nearest `Double` (round half to even), bit
/// for bit what `Double(String)` gives for the same text.
///
/// Most numbers in a request (up to 15 significant digits, small exponents) take Clinger's
/// fast path: a decimal mantissa below 2^53 and a power of ten up to 10^22 are both exact
/// doubles, so one multiplication or division by it is correctly rounded. The rest (17-digit
/// values, subnormals, huge exponents) go to the C library's correctly rounded `strtod` on
/// a copy in a stack buffer, rewritten as `DIGITSeEXP` so that no locale's radix character
/// matters and at most 800 significant digits (plus one sticky digit) are handed over.
enum DecimalNumber {
    /// What ``scan(_:from:limit:)`` found.
    enum Scan {
        /// A number ending before `end`; infinite if too large for a Double.
        case value(Double, end: Int)
        /// Not a JSON number: the offset of the first wrong byte and what was wrong.
        case invalid(at: Int, detail: String)
    }

    /// 10^`exponent` for `exponent` in 0...22, all exact doubles (a switch compiles to a
    /// constant table, without a lazily initialized global).
    @inline(__always)
    private static func power(_ exponent: Int) -> Double {
        switch exponent {
        case 0: 1e0
        case 1: 1e1
        case 2: 1e2
        case 3: 1e3
        case 4: 1e4
        case 5: 1e5
        case 6: 1e6
        case 7: 1e7
        case 8: 1e8
        case 9: 1e9
        case 10: 1e10
        case 11: 1e11
        case 12: 1e12
        case 13: 1e13
        case 14: 1e14
        case 15: 1e15
        case 16: 1e16
        case 17: 1e17
        case 18: 1e18
        case 19: 1e19
        case 20: 1e20
        case 21: 1e21
        default: 1e22
        }
    }

    /// Reads the JSON number (`-? (0 | [1-9][0-9]*) (. [0-9]+)? ([eE] [+-]? [0-9]+)?`)
    /// starting at `start`, looking no further than `limit`.
    @inline(__always)
    static func scan(_ base: UnsafePointer<UInt8>, from start: Int, limit: Int) -> Scan {
        var index = start
        let negative = index < limit && base[index] == 0x2D
        if negative { index &+= 1 }
        guard index < limit, base[index] &- 0x30 < 10 else {
            return .invalid(at: index, detail: "invalid number: expected a digit")
        }
        var mantissa: UInt64 = 0
        var digits = 0  // significant digits in `mantissa`
        var exponent = 0  // the power of ten `mantissa` is scaled by
        var truncated = false  // digits beyond the 19th were dropped
        if base[index] == 0x30 {
            index &+= 1
            if index < limit, base[index] &- 0x30 < 10 {
                return .invalid(at: index &- 1, detail: "invalid number: leading zero")
            }
        } else {
            while index < limit {
                let digit = base[index] &- 0x30
                guard digit < 10 else { break }
                if digits < 19 {
                    mantissa = mantissa &* 10 &+ UInt64(digit)
                    digits &+= 1
                } else {
                    exponent &+= 1
                    if digit != 0 { truncated = true }
                }
                index &+= 1
            }
        }
        if index < limit, base[index] == 0x2E {
            index &+= 1
            guard index < limit, base[index] &- 0x30 < 10 else {
                return .invalid(at: index, detail: "invalid number: expected a digit after '.'")
            }
            while index < limit {
                let digit = base[index] &- 0x30
                guard digit < 10 else { break }
                if digits < 19 {
                    if mantissa != 0 || digit != 0 {
                        mantissa = mantissa &* 10 &+ UInt64(digit)
                        digits &+= 1
                    }
                    exponent &-= 1
                } else if digit != 0 {
                    truncated = true
                }
                index &+= 1
            }
        }
        if index < limit, base[index] | 0x20 == 0x65 {
            index &+= 1
            var exponentNegative = false
            if index < limit, base[index] == 0x2D || base[index] == 0x2B {
                exponentNegative = base[index] == 0x2D
                index &+= 1
            }
            guard index < limit, base[index] &- 0x30 < 10 else {
                return .invalid(at: index, detail: "invalid number: expected a digit in the exponent")
            }
            var explicit = 0
            while index < limit {
                let digit = base[index] &- 0x30
                guard digit < 10 else { break }
                if explicit < 100_000_000 { explicit = explicit &* 10 &+ Int(digit) }
                index &+= 1
            }
            exponent &+= exponentNegative ? -explicit : explicit
        }
        if mantissa == 0 && !truncated { return .value(negative ? -0.0 : 0.0, end: index) }
        if !truncated && mantissa <= 1 << 53 {
            if exponent >= 0 && exponent <= 22 {
                let value = Double(mantissa) * power(exponent)
                return .value(negative ? -value : value, end: index)
            }
            if exponent < 0 && exponent >= -22 {
                let value = Double(mantissa) / power(-exponent)
                return .value(negative ? -value : value, end: index)
            }
            if exponent > 22 && exponent <= 22 + 15 {
                // 12e30: 12·10^8 is still an exact integer below 2^53, then one multiply.
                let (scaled, overflow) = mantissa.multipliedReportingOverflow(by: UInt64(power(exponent - 22)))
                if !overflow && scaled <= 1 << 53 {
                    let value = Double(scaled) * 1e22
                    return .value(negative ? -value : value, end: index)
                }
            }
        }
        return .value(slowPath(base, from: start, end: index), end: index)
    }

    /// Converts the valid JSON number in `start..<end` with `strtod`.
    private static func slowPath(_ base: UnsafePointer<UInt8>, from start: Int, end: Int) -> Double {
        // 1 sign + 801 digits + 'e' + sign + 11 exponent digits + NUL
        withUnsafeTemporaryAllocation(of: CChar.self, capacity: 832) { buffer in
            var length = 0
            var index = start
            if base[index] == 0x2D {
                buffer[length] = 0x2D
                length &+= 1
                index &+= 1
            }
            var kept = 0  // significant digits written
            var dropped = 0  // significant digits beyond the 800th
            var sticky = false  // a non-zero digit was dropped
            var fractionDigits = 0
            var inFraction = false
            var explicit = 0
            while index < end {
                let byte = base[index]
                if byte == 0x2E {
                    inFraction = true
                } else if byte | 0x20 == 0x65 {
                    index &+= 1
                    var exponentNegative = false
                    if base[index] == 0x2D || base[index] == 0x2B {
                        exponentNegative = base[index] == 0x2D
                        index &+= 1
                    }
                    while index < end {
                        if explicit < 100_000_000 { explicit = explicit &* 10 &+ Int(base[index] &- 0x30) }
                        index &+= 1
                    }
                    if exponentNegative { explicit = -explicit }
                    break
                } else {
                    if inFraction { fractionDigits &+= 1 }
                    if kept == 0 && byte == 0x30 {
                        // a leading zero: no significant digit yet
                    } else if kept < 800 {
                        buffer[length] = CChar(bitPattern: byte)
                        length &+= 1
                        kept &+= 1
                    } else {
                        dropped &+= 1
                        if byte != 0x30 { sticky = true }
                    }
                }
                index &+= 1
            }
            if kept == 0 { return base[start] == 0x2D ? -0.0 : 0.0 }
            if sticky {
                buffer[length] = 0x31
                length &+= 1
                dropped &-= 1
            }
            var exponent = explicit &- fractionDigits &+ dropped
            exponent = min(max(exponent, -999_999_999), 999_999_999)
            buffer[length] = 0x65
            length &+= 1
            if exponent < 0 {
                buffer[length] = 0x2D
                length &+= 1
                exponent = -exponent
            }
            let firstDigit = length
            repeat {
                buffer[length] = CChar(0x30 + exponent % 10)
                length &+= 1
                exponent /= 10
            } while exponent > 0
            var low = firstDigit, high = length - 1
            while low < high {
                buffer.swapAt(low, high)
                low &+= 1
                high &-= 1
            }
            buffer[length] = 0
            return strtod(buffer.baseAddress!, nil)
        }
    }
}
