/// The element type of a generated C table.
enum CType: Equatable {
    case uint8, uint16, uint32, int8, int16, int32, float
    /// The export's split union (a float threshold or a level-set index), named `<prefix>_split`.
    case split

    /// The smallest unsigned type that holds `0...largest`.
    static func unsigned(holding largest: Int) -> CType {
        largest <= 0xFF ? .uint8 : largest <= 0xFFFF ? .uint16 : .uint32
    }

    /// The smallest signed type that holds `smallest...largest`.
    static func signed(holding smallest: Int, _ largest: Int) -> CType {
        if smallest >= -128, largest <= 127 { return .int8 }
        return smallest >= -32768 && largest <= 32767 ? .int16 : .int32
    }

    /// The type's name in C.
    func name(prefix: String) -> String {
        switch self {
        case .uint8: "uint8_t"
        case .uint16: "uint16_t"
        case .uint32: "uint32_t"
        case .int8: "int8_t"
        case .int16: "int16_t"
        case .int32: "int32_t"
        case .float: "float"
        case .split: "\(prefix)_split"
        }
    }

    /// Bytes per element (assuming a 32-bit `float`, as on every target C99 runs on in practice).
    var size: Int {
        switch self {
        case .uint8, .int8: 1
        case .uint16, .int16: 2
        case .uint32, .int32, .float, .split: 4
        }
    }

    /// A C literal of this type for `value`.
    func literal(_ value: Int) -> String {
        switch self {
        case .uint8, .uint16, .uint32: "\(value)u"
        default: "\(value)"
        }
    }
}

/// One `static const` table of the generated source: its name after the prefix, its
/// element type, and its elements as C literals.
struct CArray {
    let name: String
    let type: CType
    let elements: [String]

    /// An integer table; `type` must hold every value.
    init(_ name: String, _ type: CType, integers: [Int]) {
        self.name = name
        self.type = type
        self.elements = integers.map(type.literal)
    }

    /// A table of literals already written.
    init(_ name: String, _ type: CType, literals: [String]) {
        self.name = name
        self.type = type
        self.elements = literals
    }

    /// The bytes the table occupies.
    var byteCount: Int { type.size * elements.count }

    /// The table's C definition, wrapped at about 100 columns.
    func definition(prefix: String) -> String {
        var text = "static const \(type.name(prefix: prefix)) \(prefix)_\(name)[\(elements.count)] = {\n"
        var line = "   "
        for element in elements {
            if line.count + element.count + 2 > 100 {
                text += line + "\n"
                line = "   "
            }
            line += " \(element),"
        }
        return text + line + "\n};\n"
    }
}

/// C literals for the numbers the tables hold.
enum CLiteral {
    /// A `float` literal that reads back as exactly `value` (shortest round-trip digits).
    static func float(_ value: Float) -> String {
        if value.isInfinite { return value < 0 ? "-INFINITY" : "INFINITY" }
        var digits = value.description
        // Swift writes "5.0" and "1e-05"; C needs a point or an exponent before the suffix.
        if !digits.contains("."), !digits.contains("e") { digits += ".0" }
        return digits + "f"
    }

    /// A 32-bit word in hexadecimal.
    static func word(_ value: UInt32) -> String {
        let hex = String(value, radix: 16)
        return "0x" + String(repeating: "0", count: 8 - hex.count) + hex + "u"
    }

    /// Text to show inside a `/* */` comment, in double quotes: backslashes, quotes and
    /// control characters escaped, and nothing that could end the comment, open a nested
    /// one (`-Wcomment`) or form a trigraph.
    static func quotedInComment(_ text: String) -> String {
        var result = "\""
        var previous: Unicode.Scalar = " "
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\\": result += "\\\\"
            case "\"": result += "\\\""
            case "\n": result += "\\n"
            case "\t": result += "\\t"
            case "/" where previous == "*": result += "\\/"
            case "*" where previous == "/": result += "\\*"
            case "?" where previous == "?": result += "\\?"
            case _ where scalar.value < 0x20 || scalar.value == 0x7F:
                let hex = String(scalar.value, radix: 16)
                result += "\\x" + (hex.count < 2 ? "0" : "") + hex
            default:
                result.unicodeScalars.append(scalar)
            }
            previous = scalar
        }
        return result + "\""
    }
}
