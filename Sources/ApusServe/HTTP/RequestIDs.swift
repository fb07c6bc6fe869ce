import HTTPTypes

/// Request ids: the client's `X-Request-Id` when it is a sensible token, else 32 random hex
/// digits. The id is echoed in the `X-Request-Id` response header, in every answer's body,
/// in the logs and in the prediction log, where `POST /v1/feedback` finds it.
enum RequestIDs {
    static let header = HTTPField.Name("X-Request-Id")!

    /// The id for a request carrying `supplied` (the header's value, if any).
    static func id(supplied: String?) -> String {
        if let supplied, (1...128).contains(supplied.utf8.count),
           supplied.utf8.allSatisfy({ isTokenByte($0) }) {
            return supplied
        }
        var generator = SystemRandomNumberGenerator()
        let high = generator.next() as UInt64, low = generator.next() as UInt64
        return hex(high) + hex(low)
    }

    private static func isTokenByte(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "0")...UInt8(ascii: "9"),
             UInt8(ascii: "-"), UInt8(ascii: "_"), UInt8(ascii: "."), UInt8(ascii: ":"):
            return true
        default:
            return false
        }
    }

    private static func hex(_ value: UInt64) -> String {
        let text = String(value, radix: 16)
        return String(repeating: "0", count: 16 - text.count) + text
    }
}
