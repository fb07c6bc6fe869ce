#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Conversions of one field's bytes into a value. All are correctly rounded or exact.
enum FieldParsing {
    /// 10^exponent for 0...22 (all exact in a `Double`). A switch of constants compiles to
    /// a table in read-only memory: no lazy initialisation or bounds check per call.
    @inline(__always)
    private static func powerOfTen(_ exponent: Int) -> Double {
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

    /// Reads digits, an optional `.` and more digits from `i` on: the digits as one integer
    /// (wrapping past 19 digits; callers check `digits`), how many there were, and the
    /// power of ten the integer is to be scaled by (minus the fraction's length).
    @inline(__always)
    private static func scanDecimal(_ base: UnsafePointer<UInt8>, _ i: inout Int, _ end: Int)
        -> (mantissa: UInt64, digits: Int, exponent: Int) {
        var mantissa: UInt64 = 0
        let integerStart = i
        while i < end {
            let d = base[i] &- 48
            if d > 9 { break }
            mantissa = mantissa &* 10 &+ UInt64(d)
            i &+= 1
        }
        var digits = i &- integerStart
        var exponent = 0
        if i < end && base[i] == 46 {
            i &+= 1
            let fractionStart = i
            while i < end {
                let d = base[i] &- 48
                if d > 9 { break }
                mantissa = mantissa &* 10 &+ UInt64(d)
                i &+= 1
            }
            exponent = fractionStart &- i
            digits &+= i &- fractionStart
        }
        return (mantissa, digits, exponent)
    }

    /// The `Double` written in `bytes[start..<end]` (decimal, optional sign, fraction and
    /// exponent, or `inf`/`infinity`), or `nil`. Surrounding spaces and tabs are ignored.
    ///
    /// The common case (at most 19 digits, a value that is exact in a `Double` times a
    /// power of ten up to 22) is computed with one correctly rounded operation; anything
    /// else goes to `strtod`, so every result is correctly rounded.
    @inline(__always)
    static func parseDouble(_ base: UnsafePointer<UInt8>, _ start: Int, _ end: Int) -> Double? {
        var i = start, n = end
        while i < n && (base[i] == 32 || base[i] == 9) { i &+= 1 }
        while n > i && (base[n &- 1] == 32 || base[n &- 1] == 9) { n &-= 1 }
        guard i < n else { return nil }
        let first = i
        var negative = false
        if base[i] == 45 { negative = true; i &+= 1 } else if base[i] == 43 { i &+= 1 }
        let (mantissa, digits, scale) = scanDecimal(base, &i, n)
        var exponent = scale
        guard digits > 0 else { return parseSpecial(base, first, n) }
        if i < n && (base[i] == 101 || base[i] == 69) {
            i &+= 1
            var exponentNegative = false
            if i < n && base[i] == 45 { exponentNegative = true; i &+= 1 } else if i < n && base[i] == 43 { i &+= 1 }
            var written = 0
            let exponentStart = i
            while i < n {
                let d = base[i] &- 48
                if d > 9 { break }
                if written < 100_000 { written = written &* 10 &+ Int(d) }
                i &+= 1
            }
            guard i > exponentStart else { return nil }
            exponent &+= exponentNegative ? -written : written
        }
        guard i == n else { return nil }
        // More than 19 digits may have overflowed the mantissa: let strtod round them.
        guard digits <= 19 else { return slowParse(base, first, n) }
        if mantissa == 0 { return negative ? -0.0 : 0.0 }
        if mantissa <= (1 << 53) && exponent >= -22 && exponent <= 22 {
            var value = Double(mantissa)
            if exponent >= 0 { value *= powerOfTen(exponent) } else { value /= powerOfTen(-exponent) }
            return negative ? -value : value
        }
        return slowParse(base, first, n)
    }

    /// The plain decimal number (optional `-`, digits, optional fraction, at most 19
    /// digits, no exponent) that starts a field at `p` and ends at the delimiter, a line
    /// end or `end`, parsed in the same pass that finds the field's end. Returns the value
    /// and the offset where the field ends, or `nil` for anything else (quotes, spaces,
    /// exponents, long numbers, missing tokens, text), which the general path then reads.
    @inline(__always)
    static func parsePlainNumberField(_ base: UnsafePointer<UInt8>, _ p: Int, _ end: Int, delimiter: UInt8) -> (value: Double, stop: Int)? {
        var i = p
        let negative = i < end && base[i] == 45
        if negative { i &+= 1 }
        let (mantissa, digits, exponent) = scanDecimal(base, &i, end)
        guard digits > 0 && digits <= 19 && exponent >= -22 && mantissa <= (1 << 53) else { return nil }
        if i < end {
            let byte = base[i]
            guard byte == delimiter || byte == 10 || byte == 13 else { return nil }
        }
        var value = Double(mantissa)
        if exponent < 0 { value /= powerOfTen(-exponent) }
        if negative { value = -value }
        return (value, i)
    }

    /// `strtod` on a NUL-terminated copy: exact for every decimal input.
    private static func slowParse(_ base: UnsafePointer<UInt8>, _ start: Int, _ end: Int) -> Double? {
        let length = end - start
        return withUnsafeTemporaryAllocation(of: CChar.self, capacity: length + 1) { buffer in
            for k in 0..<length { buffer[k] = CChar(bitPattern: base[start + k]) }
            buffer[length] = 0
            var endPointer: UnsafeMutablePointer<CChar>?
            let value = strtod(buffer.baseAddress!, &endPointer)
            guard let endPointer, endPointer - buffer.baseAddress! == length else { return nil }
            return value
        }
    }

    /// `inf`, `infinity` (any case, optional sign).
    private static func parseSpecial(_ base: UnsafePointer<UInt8>, _ start: Int, _ end: Int) -> Double? {
        var i = start
        var negative = false
        if i < end && (base[i] == 45 || base[i] == 43) { negative = base[i] == 45; i += 1 }
        let length = end - i
        guard length == 3 || length == 8 else { return nil }
        for (offset, letter) in "infinity".utf8.prefix(length).enumerated() where base[i + offset] | 0x20 != letter {
            return nil
        }
        return negative ? -.infinity : .infinity
    }

    /// `true`/`false` in any case; with `lenient`, also `t`/`f`, `yes`/`no`, `y`/`n`, `1`/`0`.
    @inline(__always)
    static func parseBoolean(_ base: UnsafePointer<UInt8>, _ start: Int, _ end: Int, lenient: Bool) -> Bool? {
        var i = start, n = end
        while i < n && (base[i] == 32 || base[i] == 9) { i += 1 }
        while n > i && (base[n - 1] == 32 || base[n - 1] == 9) { n -= 1 }
        let length = n - i
        guard length >= 1 && length <= 5 else { return nil }
        var word: UInt64 = 0
        for k in 0..<length { word = word << 8 | UInt64(base[i + k] | 0x20) }
        switch word {
        case 0x74_72_75_65: return true                  // true
        case 0x66_61_6C_73_65: return false              // false
        case 0x74 where lenient, 0x79 where lenient: return true     // t, y
        case 0x66 where lenient, 0x6E where lenient: return false    // f, n
        case 0x79_65_73 where lenient: return true       // yes
        case 0x6E_6F where lenient: return false         // no
        case 0x31 where lenient: return true             // 1 (| 0x20 leaves digits as they are)
        case 0x30 where lenient: return false            // 0
        default: return nil
        }
    }

    /// A timestamp: ISO-8601 text, or a number taken as seconds since 1970 when
    /// `allowEpochSeconds`.
    @inline(__always)
    static func parseTimestamp(_ base: UnsafePointer<UInt8>, _ start: Int, _ end: Int, allowEpochSeconds: Bool) -> Double? {
        var i = start, n = end
        while i < n && (base[i] == 32 || base[i] == 9) { i += 1 }
        while n > i && (base[n - 1] == 32 || base[n - 1] == 9) { n -= 1 }
        if n - i >= 10 && base[i + 4] == 45 {
            return TimestampParsing.parse(UnsafeBufferPointer(start: base + i, count: n - i))
                .flatMap { TimestampParsing.validSeconds.contains($0) ? $0 : nil }
        }
        guard allowEpochSeconds, let seconds = parseDouble(base, i, n) else { return nil }
        return TimestampParsing.validSeconds.contains(seconds) ? seconds : nil
    }
}
