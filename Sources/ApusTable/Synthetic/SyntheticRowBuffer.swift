/// CSV bytes under construction: each value is appended with a trailing comma, and
/// `endRow()` turns the last comma into the line end.
///
/// Numbers are formatted here from integers, without `Double.description` or Foundation,
/// so the text depends only on the value and the number of decimals.
struct SyntheticRowBuffer {
    var bytes: [UInt8] = []

    init(capacity: Int) {
        bytes.reserveCapacity(capacity)
    }

    private static let comma = UInt8(ascii: ",")
    private static let powersOfTen: [Int64] = [1, 10, 100, 1_000, 10_000, 100_000, 1_000_000]

    /// The header line. Names are written as given (scenario names need no quoting).
    mutating func header(_ names: [String]) {
        for name in names {
            bytes.append(contentsOf: name.utf8)
            bytes.append(Self.comma)
        }
        endRow()
    }

    /// A categorical level or other fixed text.
    mutating func text(_ value: StaticString) {
        value.withUTF8Buffer { bytes.append(contentsOf: $0) }
        bytes.append(Self.comma)
    }

    /// `true` or `false`.
    mutating func boolean(_ value: Bool) {
        text(value ? "true" : "false")
    }

    /// An empty field: a missing value.
    mutating func missing() {
        bytes.append(Self.comma)
    }

    /// A whole number.
    mutating func integer(_ value: Int) {
        if value < 0 { bytes.append(UInt8(ascii: "-")) }
        digits(UInt64(value.magnitude), width: 1)
        bytes.append(Self.comma)
    }

    /// `value` rounded half away from zero to `decimals` places (0 to 6), as
    /// `NumberFormatting.formatFixed` writes it; no minus sign when it rounds to zero.
    /// - Precondition: `abs(value) * 10^decimals` is below 2^53.
    mutating func fixed(_ value: Double, decimals: Int) {
        let scale = Self.powersOfTen[decimals]
        let scaled = (value * Double(scale)).rounded()
        precondition(abs(scaled) < 9.007_199_254_740_992e15, "value out of range for fixed formatting")
        let units = Int64(scaled)
        if units < 0 { bytes.append(UInt8(ascii: "-")) }
        let magnitude = units.magnitude
        digits(magnitude / UInt64(scale), width: 1)
        if decimals > 0 {
            bytes.append(UInt8(ascii: "."))
            digits(magnitude % UInt64(scale), width: decimals)
        }
        bytes.append(Self.comma)
    }

    /// The date `day` days after 1970-01-01 as `YYYY-MM-DD`.
    mutating func date(day: Int) {
        appendDate(day)
        bytes.append(Self.comma)
    }

    /// `second` seconds into the day `day` days after 1970-01-01, as `YYYY-MM-DDTHH:MM:SS`.
    mutating func dateTime(day: Int, second: Int) {
        appendDate(day)
        bytes.append(UInt8(ascii: "T"))
        digits(UInt64(second / 3600), width: 2)
        bytes.append(UInt8(ascii: ":"))
        digits(UInt64(second / 60 % 60), width: 2)
        bytes.append(UInt8(ascii: ":"))
        digits(UInt64(second % 60), width: 2)
        bytes.append(Self.comma)
    }

    /// Ends the row: the trailing comma becomes '\n'.
    mutating func endRow() {
        bytes[bytes.count - 1] = UInt8(ascii: "\n")
    }

    private mutating func appendDate(_ day: Int) {
        let (year, month, dayOfMonth) = TimestampParsing.civilFromDays(day)
        digits(UInt64(year), width: 4)
        bytes.append(UInt8(ascii: "-"))
        digits(UInt64(month), width: 2)
        bytes.append(UInt8(ascii: "-"))
        digits(UInt64(dayOfMonth), width: 2)
    }

    /// The decimal digits of `value`, left-padded with zeros to at least `width`.
    private mutating func digits(_ value: UInt64, width: Int) {
        let start = bytes.count
        var rest = value
        repeat {
            bytes.append(UInt8(truncatingIfNeeded: rest % 10) &+ 48)
            rest /= 10
        } while rest > 0
        while bytes.count - start < width { bytes.append(48) }
        var low = start
        var high = bytes.count - 1
        while low < high {
            bytes.swapAt(low, high)
            low += 1
            high -= 1
        }
    }
}

extension SyntheticRowBuffer {
    /// Days since 1970-01-01 for a calendar date (proleptic Gregorian).
    static func day(_ year: Int, _ month: Int, _ day: Int) -> Int {
        TimestampParsing.daysFromCivil(year: year, month: month, day: day)
    }

    /// The day of the week of `day` days after 1970-01-01: 0 is Monday, 6 is Sunday.
    static func weekday(_ day: Int) -> Int {
        ((day + 3) % 7 + 7) % 7
    }
}
