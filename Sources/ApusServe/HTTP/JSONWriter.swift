/// Writes JSON straight into bytes: the responses on the prediction path are built with it,
/// without Codable. Non-finite numbers are written as `null` (JSON has no NaN).
struct JSONWriter {
    private(set) var bytes: [UInt8] = []

    init(capacity: Int = 256) { bytes.reserveCapacity(capacity) }

    mutating func raw(_ text: StaticString) {
        text.withUTF8Buffer { bytes.append(contentsOf: $0) }
    }

    mutating func byte(_ byte: UInt8) { bytes.append(byte) }

    /// `"key":`, with the key escaped.
    mutating func key(_ key: String) {
        string(key)
        bytes.append(UInt8(ascii: ":"))
    }

    /// A JSON string, escaped.
    mutating func string(_ text: String) {
        bytes.append(UInt8(ascii: "\""))
        for byte in text.utf8 {
            switch byte {
            case UInt8(ascii: "\""): bytes.append(UInt8(ascii: "\\")); bytes.append(byte)
            case UInt8(ascii: "\\"): bytes.append(UInt8(ascii: "\\")); bytes.append(byte)
            case 0x0A: bytes.append(UInt8(ascii: "\\")); bytes.append(UInt8(ascii: "n"))
            case 0x0D: bytes.append(UInt8(ascii: "\\")); bytes.append(UInt8(ascii: "r"))
            case 0x09: bytes.append(UInt8(ascii: "\\")); bytes.append(UInt8(ascii: "t"))
            case 0..<0x20:
                let hex: [UInt8] = Array("0123456789abcdef".utf8)
                bytes.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "u"), 0x30, 0x30, hex[Int(byte >> 4)], hex[Int(byte & 15)]])
            default: bytes.append(byte)
            }
        }
        bytes.append(UInt8(ascii: "\""))
    }

    /// A number in its shortest round-tripping form, `null` when not finite.
    mutating func number(_ value: Double) {
        guard value.isFinite else { raw("null"); return }
        if value == value.rounded(), abs(value) < 1e15 {
            integer(Int(value))
        } else {
            bytes.append(contentsOf: value.description.utf8)
        }
    }

    mutating func integer(_ value: Int) {
        bytes.append(contentsOf: String(value).utf8)
    }

    mutating func bool(_ value: Bool) { value ? raw("true") : raw("false") }

    /// `"key":"value"` with a comma before it unless it is first.
    mutating func member(_ key: String, _ value: String, first: Bool = false) {
        if !first { byte(UInt8(ascii: ",")) }
        self.key(key)
        string(value)
    }

    /// `"key":number` with a comma before it unless it is first.
    mutating func member(_ key: String, _ value: Int, first: Bool = false) {
        if !first { byte(UInt8(ascii: ",")) }
        self.key(key)
        integer(value)
    }

    /// A JSON array of numbers.
    mutating func numbers<C: Collection>(_ values: C) where C.Element == Double {
        byte(UInt8(ascii: "["))
        var first = true
        for value in values {
            if !first { byte(UInt8(ascii: ",")) }
            first = false
            number(value)
        }
        byte(UInt8(ascii: "]"))
    }

    /// A JSON array of strings.
    mutating func strings<C: Collection>(_ values: C) where C.Element == String {
        byte(UInt8(ascii: "["))
        var first = true
        for value in values {
            if !first { byte(UInt8(ascii: ",")) }
            first = false
            string(value)
        }
        byte(UInt8(ascii: "]"))
    }
}
