/// A JSON string's place in the body: the bytes between its quotes, checked (valid UTF-8,
/// no control characters, valid escapes) but not unescaped.
struct JSONString {
    /// The offset of the first byte after the opening quote.
    var start: Int
    /// The offset of the closing quote.
    var end: Int
    /// Whether the string holds a backslash escape, so that its raw bytes are not its text.
    var hasEscapes: Bool
}

extension JSONReader {
    /// Reads a string (after whitespace), checking every byte; its text is fetched with
    /// ``withBytes(of:_:)`` or ``string(_:)``.
    @inline(__always)
    mutating func readString() throws(RequestProblem) -> JSONString {
        skipWhitespace()
        guard offset < count, base[offset] == 0x22 else { throw unexpected("a string") }
        let start = offset &+ 1
        var index = start
        var escaped = false
        while true {
            // Eight bytes at a time while none is a quote, a backslash, a control character
            // or non-ASCII.
            while index &+ 8 <= count {
                let word = UnsafeRawPointer(base + index).loadUnaligned(as: UInt64.self)
                let flags = Self.zeroBytes(word ^ 0x2222_2222_2222_2222) | Self.zeroBytes(word ^ 0x5C5C_5C5C_5C5C_5C5C)
                    | ((word &- 0x2020_2020_2020_2020) & ~word) | word & 0x8080_8080_8080_8080
                let special = flags & 0x8080_8080_8080_8080
                if special != 0 {
                    index &+= special.trailingZeroBitCount >> 3
                    break
                }
                index &+= 8
            }
            guard index < count else { throw malformed("unterminated string", at: start &- 1) }
            let byte = base[index]
            if byte == 0x22 { break }
            if byte == 0x5C {
                escaped = true
                index = try validateEscape(at: index)
            } else if byte < 0x20 {
                throw malformed("control character \(Self.describe(byte: byte)) in a string (escape it)", at: index)
            } else if byte >= 0x80 {
                index = try validateUTF8(at: index)
            } else {
                index &+= 1
            }
        }
        offset = index &+ 1
        return JSONString(start: start, end: index, hasEscapes: escaped)
    }

    /// The high bit set in each zero byte of `word`, and perhaps in bytes above a zero byte
    /// (a borrow), never below the first: its lowest set bit finds the first zero byte.
    @inline(__always)
    private static func zeroBytes(_ word: UInt64) -> UInt64 {
        (word &- 0x0101_0101_0101_0101) & ~word & 0x8080_8080_8080_8080
    }

    /// Checks the escape whose backslash is at `index`; returns the offset after it.
    private func validateEscape(at index: Int) throws(RequestProblem) -> Int {
        guard index &+ 1 < count else { throw malformed("unterminated string", at: index) }
        switch base[index &+ 1] {
        case 0x22, 0x5C, 0x2F, 0x62, 0x66, 0x6E, 0x72, 0x74:
            return index &+ 2
        case 0x75:
            guard let unit = hex4(at: index &+ 2) else { throw malformed("invalid \\u escape", at: index) }
            if unit >= 0xD800 && unit <= 0xDBFF {
                guard index &+ 11 < count, base[index &+ 6] == 0x5C, base[index &+ 7] == 0x75,
                      let low = hex4(at: index &+ 8), low >= 0xDC00 && low <= 0xDFFF else {
                    throw malformed("unpaired UTF-16 surrogate in a \\u escape", at: index)
                }
                return index &+ 12
            }
            if unit >= 0xDC00 && unit <= 0xDFFF {
                throw malformed("unpaired UTF-16 surrogate in a \\u escape", at: index)
            }
            return index &+ 6
        default:
            throw malformed("invalid escape \\\(Self.describe(byte: base[index &+ 1]))", at: index)
        }
    }

    /// The value of four hex digits at `index`, or `nil`.
    private func hex4(at index: Int) -> UInt32? {
        guard index &+ 4 <= count else { return nil }
        var value: UInt32 = 0
        for position in index..<(index &+ 4) {
            let byte = base[position]
            let digit: UInt8
            switch byte {
            case 0x30...0x39: digit = byte &- 0x30
            case 0x41...0x46: digit = byte &- 0x37
            case 0x61...0x66: digit = byte &- 0x57
            default: return nil
            }
            value = value << 4 | UInt32(digit)
        }
        return value
    }

    /// Checks the UTF-8 sequence whose lead byte (≥ 0x80) is at `index`; returns the
    /// offset after it.
    private func validateUTF8(at index: Int) throws(RequestProblem) -> Int {
        let length = UTF8Validation.sequenceLength(base, at: index, count: count)
        guard length > 0 else { throw malformed("invalid UTF-8 in a string", at: index) }
        return index &+ length
    }

    /// The string's raw bytes (between the quotes); its text when it has no escapes.
    @inline(__always)
    func rawBytes(of string: JSONString) -> UnsafeBufferPointer<UInt8> {
        UnsafeBufferPointer(start: base + string.start, count: string.end &- string.start)
    }

    /// The string's text as UTF-8, unescaped (a copy only when it has escapes).
    @inline(__always)
    func withBytes<Result>(of string: JSONString, _ body: (UnsafeBufferPointer<UInt8>) -> Result) -> Result {
        if !string.hasEscapes { return body(rawBytes(of: string)) }
        return unescapedBytes(of: string).withUnsafeBufferPointer { body($0) }
    }

    /// The string's text.
    func string(_ string: JSONString) -> String {
        if !string.hasEscapes { return String(decoding: rawBytes(of: string), as: UTF8.self) }
        return String(decoding: unescapedBytes(of: string), as: UTF8.self)
    }

    /// The string's text as UTF-8 with its escapes resolved. The escapes were validated by
    /// ``readString()``.
    func unescapedBytes(of string: JSONString) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(string.end &- string.start)
        var index = string.start
        while index < string.end {
            let byte = base[index]
            guard byte == 0x5C else {
                out.append(byte)
                index &+= 1
                continue
            }
            let kind = base[index &+ 1]
            index &+= 2
            switch kind {
            case 0x62: out.append(0x08)
            case 0x66: out.append(0x0C)
            case 0x6E: out.append(0x0A)
            case 0x72: out.append(0x0D)
            case 0x74: out.append(0x09)
            case 0x75:
                var scalar = hex4(at: index) ?? 0xFFFD
                index &+= 4
                if scalar >= 0xD800 && scalar <= 0xDBFF, let low = hex4(at: index &+ 2) {
                    scalar = 0x10000 + ((scalar - 0xD800) << 10) + (low - 0xDC00)
                    index &+= 6
                }
                let character = Unicode.Scalar(scalar) ?? "\u{FFFD}"
                if let encoded = UTF8.encode(character) { out.append(contentsOf: encoded) }
            default: out.append(kind)  // " \ /
            }
        }
        return out
    }
}
