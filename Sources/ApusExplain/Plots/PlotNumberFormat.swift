#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#elseif canImport(Musl)
import Musl
#endif

/// How plots write numbers: compactly (three significant digits), with thousands separators
/// from 10,000 up, a true minus sign, and the same text for the same number everywhere.
public enum PlotNumberFormat {
    /// `value` to `digits` significant digits: 0.0123, 1.5, 52,000, 1.23e9, −0.42.
    public static func compact(_ value: Double, significantDigits digits: Int = 3) -> String {
        guard value.isFinite else { return value.isNaN ? "missing" : (value > 0 ? "∞" : "−∞") }
        if value == 0 { return "0" }
        let digits = max(1, min(digits, 15))
        let exponent = Int(floor(log10(abs(value))))
        if exponent >= 12 || exponent < -4 {
            let mantissa = value / pow(10, Double(exponent))
            var text = trimmed(fixed(mantissa, decimals: digits - 1))
            var shown = exponent
            if text.hasPrefix("10") || text.hasPrefix("−10") {  // 9.996 rounds up
                text = trimmed(fixed(mantissa / 10, decimals: digits - 1))
                shown += 1
            }
            return "\(text)e\(shown)"
        }
        guard exponent >= digits else { return trimmed(fixed(value, decimals: digits - 1 - exponent)) }
        let unit = pow(10, Double(exponent - digits + 1))
        return fixed((value / unit).rounded() * unit, decimals: 0)
    }

    /// A feature's value as a row states it: whole from 1,000 up (52,345), else four
    /// significant digits (0.3945, 11).
    public static func value(_ value: Double) -> String {
        abs(value) >= 1000 && abs(value) < 1e12 ? fixed(value, decimals: 0) : compact(value, significantDigits: 4)
    }

    /// `value` with a sign always shown: +0.42, −0.13.
    public static func signed(_ value: Double, significantDigits digits: Int = 3) -> String {
        let text = compact(value, significantDigits: digits)
        return value > 0 || (value == 0 && !text.hasPrefix("−")) ? "+" + text : text
    }

    /// `value` with exactly `decimals` decimals and thousands separators from 10,000 up.
    public static func fixed(_ value: Double, decimals: Int) -> String {
        guard value.isFinite else { return compact(value) }
        let decimals = max(0, min(decimals, 15))
        let scale = pow(10, Double(decimals))
        let scaled = (abs(value) * scale).rounded()
        guard scaled < 9e15 else { return compact(value) }
        let digits = String(UInt64(scaled))
        let padded = String(repeating: "0", count: max(0, decimals + 1 - digits.count)) + digits
        let integerPart = String(padded.dropLast(decimals))
        let fraction = String(padded.suffix(decimals))
        let grouped = integerPart.count >= 5 ? group(integerPart) : integerPart
        let sign = value < 0 && scaled > 0 ? "−" : ""
        return sign + grouped + (decimals > 0 ? "." + fraction : "")
    }

    /// A tick label: `value` with the decimals `step` needs (trailing zeros dropped).
    static func tick(_ value: Double, step: Double) -> String {
        guard step > 0, step.isFinite, abs(value) < 1e12, step >= 1e-6 else { return compact(value) }
        var decimals = 0
        while decimals < 8 {
            let scaled = step * pow(10, Double(decimals))
            if abs(scaled - scaled.rounded()) <= 1e-6 * scaled { break }
            decimals += 1
        }
        return trimmed(fixed(value, decimals: decimals))
    }

    private static func group(_ digits: String) -> String {
        var out = ""
        for (index, character) in digits.enumerated() {
            if index > 0 && (digits.count - index) % 3 == 0 { out += "," }
            out.append(character)
        }
        return out
    }

    /// `text` without trailing zeros after its decimal point (and without the point then).
    static func trimmed(_ text: String) -> String {
        guard text.contains(".") else { return text }
        var out = Substring(text)
        while out.last == "0" { out = out.dropLast() }
        if out.last == "." { out = out.dropLast() }
        return out == "−0" ? "0" : String(out)
    }
}
