/// Text forms of numbers for CSV output and reports.
public enum NumberFormatting {
    /// The shortest text that reads back as exactly `value`: integers without a
    /// fraction (`42`, `-0`), other values in Swift's shortest round-trip form (`0.1`, `1e-05`).
    public static func shortest(_ value: Double) -> String {
        if value.isNaN { return "NaN" }
        if value.isInfinite { return value < 0 ? "-inf" : "inf" }
        if value == value.rounded(), abs(value) < 9.007_199_254_740_992e15 {
            if value == 0 { return value.sign == .minus ? "-0" : "0" }
            return String(Int64(value))
        }
        return value.description
    }

    /// `value` with at most `digits` significant digits, for human-readable tables.
    public static func significant(_ value: Double, digits: Int = 6) -> String {
        if value.isNaN { return "" }
        if value.isInfinite { return value < 0 ? "-inf" : "inf" }
        if value == value.rounded(), abs(value) < 1e15 { return formatCount(Int(value)) }
        let magnitude = abs(value)
        if magnitude >= 1e-4 && magnitude < 1e15 {
            let decimals = max(0, digits - 1 - Int((magnitude.isZero ? 0 : _log10(magnitude)).rounded(.down)))
            var text = formatFixed(value, decimals: decimals)
            if text.contains(".") {
                while text.hasSuffix("0") { text.removeLast() }
                if text.hasSuffix(".") { text.removeLast() }
            }
            return text
        }
        return value.description
    }

    /// `value` rounded to `decimals` places, without exponent.
    public static func formatFixed(_ value: Double, decimals: Int) -> String {
        let scale = _pow10(decimals)
        let scaled = (abs(value) * scale).rounded()
        guard scaled < 9e18 else { return value.description }
        let integer = UInt64(scaled)
        let power = UInt64(scale)
        var text = String(integer / power)
        if decimals > 0 {
            let fraction = String(integer % power)
            text += "." + String(repeating: "0", count: decimals - fraction.count) + fraction
        }
        return (value < 0 && integer != 0 ? "-" : "") + text
    }
}

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
func _log10(_ x: Double) -> Double { log10(x) }
func _pow10(_ n: Int) -> Double { var r = 1.0; for _ in 0..<n { r *= 10 }; return r }
