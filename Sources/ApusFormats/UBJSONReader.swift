import Foundation

/// Reads Universal Binary JSON (UBJSON, draft 12), the binary form of XGBoost's model file
/// (`save_model("model.ubj")`), into the values `JSONSerialization` gives for the same
/// document: dictionaries, arrays, strings, and numbers as `NSNumber`.
///
/// Big-endian numbers; containers may declare a count (`#`) and an element type (`$`). Every
/// read is bounds-checked, nesting is limited, and a declared count must fit in the bytes
/// left, so a damaged or hostile file gives an error, never a crash or a huge allocation.
struct UBJSONReader {
    private let bytes: [UInt8]
    private var offset = 0
    private var depth = 0
    static let maximumDepth = 128

    /// The document in `bytes`.
    ///
    /// - Throws: ``ImportError`` naming the byte offset and what is wrong there.
    static func value(of bytes: [UInt8]) throws(ImportError) -> Any {
        var reader = UBJSONReader(bytes: bytes)
        let value = try reader.value()
        guard reader.offset == bytes.count else {
            throw ImportError("UBJSON: \(bytes.count - reader.offset) bytes follow the document at byte \(reader.offset)")
        }
        return value
    }

    private init(bytes: [UInt8]) { self.bytes = bytes }

    private func failure(_ what: String) -> ImportError { ImportError("UBJSON at byte \(offset): \(what)") }

    private mutating func byte() throws(ImportError) -> UInt8 {
        guard offset < bytes.count else { throw failure("the file ends early (truncated)") }
        defer { offset += 1 }
        return bytes[offset]
    }

    /// `count` big-endian bytes as an unsigned integer.
    private mutating func bigEndian(_ count: Int) throws(ImportError) -> UInt64 {
        guard count <= bytes.count - offset else { throw failure("the file ends early (truncated)") }
        var value: UInt64 = 0
        for index in offset..<offset + count { value = value << 8 | UInt64(bytes[index]) }
        offset += count
        return value
    }

    private mutating func value() throws(ImportError) -> Any {
        var marker = try byte()
        while marker == UInt8(ascii: "N") { marker = try byte() }
        return try value(marker: marker)
    }

    private mutating func value(marker: UInt8) throws(ImportError) -> Any {
        switch marker {
        case UInt8(ascii: "Z"): return NSNull()
        case UInt8(ascii: "T"): return true
        case UInt8(ascii: "F"): return false
        case UInt8(ascii: "i"), UInt8(ascii: "U"), UInt8(ascii: "I"), UInt8(ascii: "l"), UInt8(ascii: "L"):
            return NSNumber(value: try integer(marker: marker))
        case UInt8(ascii: "d"): return NSNumber(value: Float(bitPattern: UInt32(try bigEndian(4))))
        case UInt8(ascii: "D"): return NSNumber(value: Double(bitPattern: try bigEndian(8)))
        case UInt8(ascii: "C"): return String(UnicodeScalar(try byte()))
        case UInt8(ascii: "S"): return try string()
        case UInt8(ascii: "H"):
            let text = try string()
            guard let number = Double(text) else { throw failure("high-precision number `\(text.prefix(40))` is not a number") }
            return NSNumber(value: number)
        case UInt8(ascii: "["): return try container(array: true)
        case UInt8(ascii: "{"): return try container(array: false)
        default: throw failure("unknown marker 0x\(String(marker, radix: 16))")
        }
    }

    private mutating func integer(marker: UInt8) throws(ImportError) -> Int64 {
        switch marker {
        case UInt8(ascii: "i"): return Int64(Int8(bitPattern: try byte()))
        case UInt8(ascii: "U"): return Int64(try byte())
        case UInt8(ascii: "I"): return Int64(Int16(bitPattern: UInt16(try bigEndian(2))))
        case UInt8(ascii: "l"): return Int64(Int32(bitPattern: UInt32(try bigEndian(4))))
        case UInt8(ascii: "L"): return Int64(bitPattern: try bigEndian(8))
        default: throw failure("expected an integer marker, found 0x\(String(marker, radix: 16))")
        }
    }

    /// A length: an integer with its marker, not negative, and at most the bytes left times
    /// `perItem` (items of size 0 still count 1, so counts stay bounded by the file).
    private mutating func length() throws(ImportError) -> Int {
        let value = try integer(marker: try byte())
        guard value >= 0, value <= Int64(bytes.count - offset) else {
            throw failure("length \(value) is negative or beyond the \(bytes.count - offset) bytes left")
        }
        return Int(value)
    }

    private mutating func string() throws(ImportError) -> String {
        let count = try length()
        defer { offset += count }
        return String(decoding: bytes[offset..<offset + count], as: UTF8.self)
    }

    private mutating func container(array: Bool) throws(ImportError) -> Any {
        depth += 1
        defer { depth -= 1 }
        guard depth <= Self.maximumDepth else { throw failure("containers nest deeper than \(Self.maximumDepth)") }
        var type: UInt8?
        var count: Int?
        if offset < bytes.count, bytes[offset] == UInt8(ascii: "$") {
            offset += 1
            type = try byte()
            guard offset < bytes.count, bytes[offset] == UInt8(ascii: "#") else { throw failure("a typed container without a count") }
        }
        if offset < bytes.count, bytes[offset] == UInt8(ascii: "#") {
            offset += 1
            count = try length()
        }
        var items: [Any] = [], object: [String: Any] = [:]
        let end = UInt8(ascii: array ? "]" : "}")
        var index = 0
        while true {
            if let count {
                guard index < count else { break }
            } else {
                guard offset < bytes.count else { throw failure("the file ends inside a container (truncated)") }
                if bytes[offset] == end {
                    offset += 1
                    break
                }
            }
            let key = array ? "" : try string()
            let item: Any
            if let type { item = try value(marker: type) } else { item = try value() }
            if array { items.append(item) } else { object[key] = item }
            index += 1
        }
        return array ? items : object
    }
}
