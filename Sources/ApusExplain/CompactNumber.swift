/// Numbers written for people: rounded to a number of significant digits, without float
/// noise or a trailing `.0`, the same text on every platform.
///
/// The digits come from Swift's shortest round-tripping text of the `Double` and are rounded
/// half up as decimal digits (no floating-point arithmetic), so `0.30000000000000004` is
/// `0.3` and `4.0` is `4`. Plain notation from 1e-6 up to (not including) 1e15, scientific
/// outside it (`1.5e20`, `2.5e-7`).
public enum CompactNumber {
    /// `value` with at most `significantDigits` significant digits (at least 1).
    ///
    /// NaN is `NaN`; infinities are `infinity` and `-infinity`; zero (either sign) is `0`.
    public static func format(_ value: Double, significantDigits: Int) -> String {
        if value.isNaN { return "NaN" }
        if value.isInfinite { return value < 0 ? "-infinity" : "infinity" }
        if value == 0 { return "0" }
        var (digits, point) = decimalDigits(of: value.magnitude)
        round(&digits, point: &point, to: max(1, significantDigits))
        while digits.count > 1, digits.last == 0 { digits.removeLast() }
        let text = render(digits, point: point)
        return value < 0 ? "-" + text : text
    }

    /// The shortest decimal digits of a positive finite `value` (no leading zeros) and the
    /// position of the decimal point: value = 0.d₁d₂d₃… × 10^point.
    private static func decimalDigits(of value: Double) -> (digits: [UInt8], point: Int) {
        var text = Substring(value.description)
        var exponent = 0
        if let e = text.firstIndex(where: { $0 == "e" || $0 == "E" }) {
            exponent = Int(text[text.index(after: e)...]) ?? 0
            text = text[..<e]
        }
        let whole = text.prefix { $0 != "." }
        let fraction = text.dropFirst(whole.count + 1)
        var digits = (whole + fraction).utf8.map { $0 &- UInt8(ascii: "0") }
        var point = whole.count + exponent
        while digits.count > 1, digits.first == 0 {
            digits.removeFirst()
            point -= 1
        }
        return (digits, point)
    }

    /// Rounds `digits` half up to `count` significant digits, moving `point` on a carry out
    /// of the first digit (9.99 → 10.0).
    private static func round(_ digits: inout [UInt8], point: inout Int, to count: Int) {
        guard digits.count > count else { return }
        let roundsUp = digits[count] >= 5
        digits.removeSubrange(count...)
        guard roundsUp else { return }
        var index = count - 1
        while index >= 0 {
            if digits[index] < 9 {
                digits[index] += 1
                return
            }
            digits[index] = 0
            index -= 1
        }
        digits.insert(1, at: 0)
        digits.removeLast()
        point += 1
    }

    private static func render(_ digits: [UInt8], point: Int) -> String {
        let text = String(decoding: digits.map { $0 &+ UInt8(ascii: "0") }, as: UTF8.self)
        let exponent = point - 1
        if exponent < -6 || exponent >= 15 {
            let mantissa = digits.count == 1 ? text : "\(text.prefix(1)).\(text.dropFirst())"
            return "\(mantissa)e\(exponent)"
        }
        if point <= 0 { return "0." + String(repeating: "0", count: -point) + text }
        if point >= digits.count { return text + String(repeating: "0", count: point - digits.count) }
        return "\(text.prefix(point)).\(text.dropFirst(point))"
    }
}
