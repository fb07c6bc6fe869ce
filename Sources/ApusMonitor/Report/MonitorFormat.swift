#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#elseif canImport(Musl)
import Musl
#endif

/// How the monitor's HTML report writes texts and numbers: every text escaped, numbers to four
/// significant digits (scientific below 1e-4, so p-values stay legible), thousands separators
/// from 10,000 up, a true minus sign, and "–" for anything absent or null.
enum MonitorFormat {
    /// What a null or absent value prints as.
    static let missing = "–"

    /// `text` safe inside HTML or SVG text and attribute values: `&`, `<`, `>`, `"` and `'`
    /// escaped, tabs and newlines made spaces, other control characters dropped.
    static func escape(_ text: String) -> String {
        var out = ""
        out.reserveCapacity(text.utf8.count)
        for scalar in text.unicodeScalars {
            switch scalar {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "'": out += "&#39;"
            case "\t", "\n", "\r": out += " "
            default:
                let value = scalar.value
                if value < 0x20 || value == 0x7F || (0xFFFE...0xFFFF).contains(value) { continue }
                out.unicodeScalars.append(scalar)
            }
        }
        return out
    }

    /// A JSON value as the report shows it: integers whole, numbers to four significant
    /// digits, strings escaped, booleans as yes/no, null or absent as "–".
    static func value(_ json: ReportJSON?) -> String {
        switch json {
        case .integer(let value)?: return fixed(Double(value), decimals: 0)
        case .number(let value)?: return number(value)
        case .string(let value)?: return escape(value)
        case .bool(let value)?: return value ? "yes" : "no"
        default: return missing
        }
    }

    /// A share (0.05) as a percentage ("5%"), or "–".
    static func percent(_ json: ReportJSON?) -> String {
        guard let share = json?.double, share.isFinite else { return missing }
        return number(share * 100, significantDigits: 3) + "%"
    }

    /// `value` to `digits` significant digits: 0.00263, 1.5, 52,000, 1.2e-30, −0.42.
    static func number(_ value: Double?, significantDigits digits: Int = 4) -> String {
        guard let value else { return missing }
        guard value.isFinite else { return value.isNaN ? missing : (value > 0 ? "∞" : "−∞") }
        if value == 0 { return "0" }
        let digits = max(1, min(digits, 15))
        let exponent = Int(floor(log10(abs(value))))
        if exponent < -4 || exponent >= 12 { return scientific(value, exponent: exponent, digits: digits) }
        return trimmed(fixed(value, decimals: max(0, digits - 1 - exponent)))
    }

    /// `value` as mantissa and exponent: 1.2e-30.
    private static func scientific(_ value: Double, exponent: Int, digits: Int) -> String {
        var exponent = exponent
        var mantissa = trimmed(fixed(value / pow(10, Double(exponent)), decimals: digits - 1))
        if mantissa.hasPrefix("10") || mantissa.hasPrefix("−10") {  // 9.9996 rounds up
            exponent += 1
            mantissa = trimmed(fixed(value / pow(10, Double(exponent)), decimals: digits - 1))
        }
        return "\(mantissa)e\(exponent)"
    }

    /// `value` with exactly `decimals` decimals and thousands separators from 10,000 up.
    static func fixed(_ value: Double, decimals: Int) -> String {
        guard value.isFinite else { return number(value) }
        let decimals = max(0, min(decimals, 15))
        let scaled = (abs(value) * pow(10, Double(decimals))).rounded()
        guard scaled < 9e15 else { return scientific(value, exponent: Int(floor(log10(abs(value)))), digits: 4) }
        let digits = String(UInt64(scaled))
        let padded = String(repeating: "0", count: max(0, decimals + 1 - digits.count)) + digits
        let integerPart = String(padded.dropLast(decimals))
        let fraction = String(padded.suffix(decimals))
        let sign = value < 0 && scaled > 0 ? "−" : ""
        return sign + (integerPart.count >= 5 ? grouped(integerPart) : integerPart) + (decimals > 0 ? "." + fraction : "")
    }

    private static func grouped(_ digits: String) -> String {
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

    /// The width `text` takes at font size `size`, roughly (0.6 em a character, which errs
    /// wide for the usual sans serifs): no font metrics exist when the page is written.
    static func width(of text: String, size: Double) -> Double {
        Double(text.count) * size * 0.6
    }

    /// `text`, or its start with an ellipsis, at most `maxCharacters` characters long.
    static func shortened(_ text: String, to maxCharacters: Int) -> String {
        guard text.count > maxCharacters, maxCharacters > 1 else { return text }
        return String(text.prefix(maxCharacters - 1)) + "…"
    }
}
