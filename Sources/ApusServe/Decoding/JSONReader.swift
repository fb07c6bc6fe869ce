/// A pull parser over the bytes of one JSON document (RFC 8259), for the prediction
/// decoders: the caller asks for the structure it expects (an object, its next key, a
/// string, a number) and the reader checks the bytes as it goes, without building a tree
/// or a `String` per token.
///
/// Every read is bounds-checked against `count`; any byte sequence yields either a value
/// or a ``RequestProblem/malformed(_:offset:)`` with the byte offset, never a trap.
/// Containers nest at most ``maxDepth`` deep, so a body of a million `[` cannot exhaust
/// the stack of ``skipValue()``.
struct JSONReader {
    /// How deeply objects and arrays may nest.
    static let maxDepth = 64

    /// The body's first byte; valid for `count` bytes while the caller's buffer lives.
    let base: UnsafePointer<UInt8>
    /// The body's length in bytes.
    let count: Int
    /// The offset of the next unread byte.
    var offset: Int
    /// How many objects and arrays are open.
    var depth = 0

    /// A reader over `body`, which must stay alive and unchanged while the reader is used;
    /// `nil` for an empty body. A UTF-8 byte order mark is skipped.
    init?(_ body: UnsafeRawBufferPointer) {
        guard let address = body.baseAddress, body.count > 0 else { return nil }
        base = address.assumingMemoryBound(to: UInt8.self)
        count = body.count
        offset = count >= 3 && base[0] == 0xEF && base[1] == 0xBB && base[2] == 0xBF ? 3 : 0
    }

    // MARK: Bytes and errors

    /// Skips JSON whitespace (space, tab, line feed, carriage return).
    @inline(__always)
    mutating func skipWhitespace() {
        while offset < count {
            let byte = base[offset]
            guard byte == 0x20 || byte == 0x0A || byte == 0x0D || byte == 0x09 else { return }
            offset &+= 1
        }
    }

    /// The next byte after whitespace, not consumed; `nil` at the end of the body.
    @inline(__always)
    mutating func peek() -> UInt8? {
        skipWhitespace()
        return offset < count ? base[offset] : nil
    }

    /// A malformed-body problem at `offset`.
    func malformed(_ detail: String, at offset: Int) -> RequestProblem {
        .malformed("Malformed JSON: \(detail)", offset: offset)
    }

    /// "expected `what`, found ..." at the current offset.
    func unexpected(_ what: String) -> RequestProblem {
        guard offset < count else { return malformed("expected \(what), but the body ends", at: offset) }
        return malformed("expected \(what), found \(Self.describe(byte: base[offset]))", at: offset)
    }

    /// `'x'` for printable ASCII, `byte 0xNN` otherwise.
    static func describe(byte: UInt8) -> String {
        if byte >= 0x21 && byte < 0x7F { return "'\(Character(Unicode.Scalar(byte)))'" }
        let hex = String(byte, radix: 16, uppercase: true)
        return "byte 0x\(hex.count == 1 ? "0" + hex : hex)"
    }

    /// Consumes `byte` (after whitespace) or throws "expected `what`".
    @inline(__always)
    mutating func expect(_ byte: UInt8, _ what: @autoclosure () -> String) throws(RequestProblem) {
        skipWhitespace()
        guard offset < count, base[offset] == byte else { throw unexpected(what()) }
        offset &+= 1
    }

    /// Checks that only whitespace follows the document.
    mutating func expectEnd() throws(RequestProblem) {
        skipWhitespace()
        guard offset == count else {
            throw malformed("unexpected \(Self.describe(byte: base[offset])) after the end of the JSON value", at: offset)
        }
    }

    // MARK: Containers

    /// Consumes `{` and opens an object; read its members with ``nextKey(after:)``.
    mutating func beginObject() throws(RequestProblem) {
        try expect(0x7B, "'{'")
        try enter()
    }

    /// Consumes `[` and opens an array; read its elements with ``hasElement(after:)``.
    mutating func beginArray() throws(RequestProblem) {
        try expect(0x5B, "'['")
        try enter()
    }

    @inline(__always)
    private mutating func enter() throws(RequestProblem) {
        depth &+= 1
        if depth > Self.maxDepth {
            throw malformed("objects and arrays nest more than \(Self.maxDepth) deep", at: offset &- 1)
        }
    }

    /// The next member's key of the open object, with the `:` after it consumed; `nil`
    /// when the object closes (its `}` consumed). `members` is how many were read so far.
    @inline(__always)
    mutating func nextKey(after members: Int) throws(RequestProblem) -> JSONString? {
        skipWhitespace()
        guard offset < count else { throw unexpected(members == 0 ? "a key or '}'" : "',' or '}'") }
        let byte = base[offset]
        if byte == 0x7D {
            offset &+= 1
            depth &-= 1
            return nil
        }
        if members > 0 {
            guard byte == 0x2C else { throw unexpected("',' or '}'") }
            offset &+= 1
            skipWhitespace()
            guard offset < count, base[offset] == 0x22 else { throw unexpected("a key in quotes") }
        } else if byte != 0x22 {
            throw unexpected("a key in quotes or '}'")
        }
        let key = try readString()
        try expect(0x3A, "':' after the key")
        return key
    }

    /// Whether another element of the open array follows (its `,` consumed); `false` when
    /// the array closes (its `]` consumed). `elements` is how many were read so far.
    @inline(__always)
    mutating func hasElement(after elements: Int) throws(RequestProblem) -> Bool {
        skipWhitespace()
        guard offset < count else { throw unexpected(elements == 0 ? "a value or ']'" : "',' or ']'") }
        let byte = base[offset]
        if byte == 0x5D {
            offset &+= 1
            depth &-= 1
            return false
        }
        if elements > 0 {
            guard byte == 0x2C else { throw unexpected("',' or ']'") }
            offset &+= 1
            skipWhitespace()
            if offset < count && base[offset] == 0x5D { throw malformed("a comma before ']'", at: offset) }
        }
        return true
    }

    // MARK: Scalars

    /// The kinds of value a JSON position can hold, as its first byte tells.
    enum ValueKind: Equatable {
        case object, array, string, number, literal, invalid
    }

    /// What kind of value comes next (after whitespace), without consuming it.
    mutating func peekKind() -> ValueKind {
        guard let byte = peek() else { return .invalid }
        switch byte {
        case 0x7B: return .object
        case 0x5B: return .array
        case 0x22: return .string
        case 0x2D:
            // `-Infinity` starts like a number.
            return offset &+ 1 < count && base[offset &+ 1] == 0x49 ? .literal : .number
        case 0x30...0x39: return .number
        case 0x74, 0x66, 0x6E, 0x4E, 0x49: return .literal
        default: return .invalid
        }
    }

    /// The bare words a value position may hold: JSON's three and the three Python's
    /// `json.dumps` writes for non-finite floats.
    enum Literal: Equatable {
        case `true`, `false`, null, nan, infinity, negativeInfinity
    }

    /// Reads one of the bare words at the current position (after whitespace).
    mutating func readLiteral() throws(RequestProblem) -> Literal {
        skipWhitespace()
        let start = offset
        guard start < count else { throw unexpected("a value") }
        let (word, literal): (StaticString, Literal)
        switch base[start] {
        case 0x74: (word, literal) = ("true", .true)
        case 0x66: (word, literal) = ("false", .false)
        case 0x6E: (word, literal) = ("null", .null)
        case 0x4E: (word, literal) = ("NaN", .nan)
        case 0x49: (word, literal) = ("Infinity", .infinity)
        case 0x2D: (word, literal) = ("-Infinity", .negativeInfinity)
        default: throw unexpected("a value")
        }
        let length = word.utf8CodeUnitCount
        let bytes = word.utf8Start
        var index = 0
        while index < length {
            guard start &+ index < count, base[start &+ index] == bytes[index] else {
                offset = start &+ index
                throw malformed("invalid literal (expected `\(word)`)", at: offset)
            }
            index &+= 1
        }
        offset = start &+ length
        if offset < count, Self.isWordByte(base[offset]) {
            throw malformed("invalid literal (expected `\(word)`)", at: offset)
        }
        return literal
    }

    /// Letters and digits: a byte that cannot directly follow a literal or number.
    @inline(__always)
    static func isWordByte(_ byte: UInt8) -> Bool {
        (byte >= 0x30 && byte <= 0x39) || (byte | 0x20 >= 0x61 && byte | 0x20 <= 0x7A) || byte == 0x2E || byte == 0x2D
            || byte == 0x2B || byte == 0x5F
    }

    /// Reads a JSON number (after whitespace). A number too large for a Double is
    /// infinite; the caller decides whether that is allowed.
    @inline(__always)
    mutating func readNumber() throws(RequestProblem) -> Double {
        skipWhitespace()
        switch DecimalNumber.scan(base, from: offset, limit: count) {
        case .value(let value, let end):
            if end < count, Self.isWordByte(base[end]) {
                throw malformed("invalid number", at: end)
            }
            offset = end
            return value
        case .invalid(let at, let detail):
            throw malformed(detail, at: at)
        }
    }

    /// Reads a JSON number that must be a non-negative integer below `limit` (array
    /// shapes, for instance); `nil` if it is a number but not such an integer.
    mutating func readCount(below limit: Int) throws(RequestProblem) -> Int? {
        let value = try readNumber()
        guard value >= 0, value < Double(limit), value == value.rounded(.towardZero) else { return nil }
        return Int(value)
    }

    /// Skips one value of any kind, checking its syntax.
    mutating func skipValue() throws(RequestProblem) {
        switch peekKind() {
        case .object:
            try beginObject()
            var members = 0
            while try nextKey(after: members) != nil {
                try skipValue()
                members &+= 1
            }
        case .array:
            try beginArray()
            var elements = 0
            while try hasElement(after: elements) {
                try skipValue()
                elements &+= 1
            }
        case .string:
            _ = try readString()
        case .number:
            _ = try readNumber()
        case .literal:
            _ = try readLiteral()
        case .invalid:
            throw unexpected("a value")
        }
    }

    /// The text of the bytes from `start` to the current offset, shortened for messages.
    func text(from start: Int, limit: Int = 40) -> String {
        let end = min(offset, count)
        guard start < end else { return "" }
        let length = min(end - start, limit)
        let text = String(decoding: UnsafeBufferPointer(start: base + start, count: length), as: UTF8.self)
        return end - start > limit ? text + "…" : text
    }
}
