/// UTF-8 checking for the decoders' text (JSON strings, CSV fields): a body whose text is
/// not valid UTF-8 is malformed, never silently repaired.
enum UTF8Validation {
    /// The length of the valid UTF-8 sequence whose lead byte (≥ 0x80) is at `index`,
    /// looking no further than `count`; 0 if the sequence is invalid. Overlong forms,
    /// surrogates and code points above U+10FFFF are invalid, as Unicode requires.
    static func sequenceLength(_ base: UnsafePointer<UInt8>, at index: Int, count: Int) -> Int {
        let lead = base[index]
        let length: Int
        var low: UInt8 = 0x80, high: UInt8 = 0xBF  // the allowed range of the second byte
        switch lead {
        case 0xC2...0xDF: length = 2
        case 0xE0: length = 3; low = 0xA0
        case 0xE1...0xEC, 0xEE...0xEF: length = 3
        case 0xED: length = 3; high = 0x9F
        case 0xF0: length = 4; low = 0x90
        case 0xF1...0xF3: length = 4
        case 0xF4: length = 4; high = 0x8F
        default: return 0
        }
        guard index &+ length <= count else { return 0 }
        let second = base[index &+ 1]
        guard second >= low && second <= high else { return 0 }
        var position = index &+ 2
        while position < index &+ length {
            guard base[position] & 0xC0 == 0x80 else { return 0 }
            position &+= 1
        }
        return length
    }
}
