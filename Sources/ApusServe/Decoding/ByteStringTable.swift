/// A fixed set of strings (feature names; every categorical feature's levels) looked up
/// by their UTF-8 bytes, so that a key or value read from a body is matched without making
/// a `String`.
///
/// Each entry belongs to a group (the feature, for levels) and carries a value (the level's
/// code); a lookup names the group. Open addressing over a power-of-two table, FNV-1a
/// hashes, each hit confirmed by comparing bytes. Byte equality is stricter than
/// `String`'s canonical equivalence; callers fall back to ``FeatureSchema``'s own lookup on
/// a miss.
struct ByteStringTable: Sendable {
    /// All entries' bytes, one after another.
    private let bytes: [UInt8]
    /// Where entry `i` starts in `bytes`; `starts[count]` is the end of the last.
    private let starts: [Int]
    private let groups: [Int]
    private let values: [Int]
    /// Slot to entry index, −1 for an empty slot.
    private let slots: [Int32]
    private let mask: Int

    /// A table of `entries`; an entry repeating an earlier one's group and string is
    /// ignored.
    init(_ entries: [(group: Int, string: String, value: Int)]) {
        var bytes: [UInt8] = [], starts: [Int] = [0]
        for entry in entries {
            bytes.append(contentsOf: entry.string.utf8)
            starts.append(bytes.count)
        }
        var capacity = 4
        while capacity < entries.count * 2 { capacity <<= 1 }
        var slots = [Int32](repeating: -1, count: capacity)
        let mask = capacity - 1
        bytes.withUnsafeBufferPointer { all in
            for (index, entry) in entries.enumerated() {
                let string = UnsafeBufferPointer(rebasing: all[starts[index]..<starts[index + 1]])
                var slot = Self.slot(string, group: entry.group, mask: mask)
                var duplicate = false
                while slots[slot] >= 0 {
                    let other = Int(slots[slot])
                    if entries[other].group == entry.group && all[starts[other]..<starts[other + 1]].elementsEqual(string) {
                        duplicate = true
                        break
                    }
                    slot = (slot + 1) & mask
                }
                if !duplicate { slots[slot] = Int32(index) }
            }
        }
        self.bytes = bytes
        self.starts = starts
        self.groups = entries.map(\.group)
        self.values = entries.map(\.value)
        self.slots = slots
        self.mask = mask
    }

    /// A table of `strings` in group 0, each valued by its index.
    init(_ strings: [String]) {
        self.init(strings.enumerated().map { (0, $0.element, $0.offset) })
    }

    /// The first slot to probe: a multiplicative hash of the length, the first and last
    /// eight bytes (or all of a shorter key) and the group.
    @inline(__always)
    private static func slot(_ key: UnsafeBufferPointer<UInt8>, group: Int, mask: Int) -> Int {
        let length = key.count
        var hash = UInt64(truncatingIfNeeded: length) &* 0x9E37_79B9_7F4A_7C15 ^ UInt64(truncatingIfNeeded: group)
        if let base = key.baseAddress {
            let raw = UnsafeRawPointer(base)
            if length >= 8 {
                hash ^= raw.loadUnaligned(as: UInt64.self)
                hash = (hash ^ (hash >> 32)) &* 0xD6E8_FEB8_6659_FD93
                hash ^= raw.loadUnaligned(fromByteOffset: length &- 8, as: UInt64.self)
            } else {
                var word: UInt64 = 0
                for index in 0..<length { word |= UInt64(base[index]) &<< (index &* 8) }
                hash ^= word
            }
        }
        hash = (hash ^ (hash >> 32)) &* 0xD6E8_FEB8_6659_FD93
        hash ^= hash >> 32
        return Int(truncatingIfNeeded: hash) & mask
    }

    /// Whether entry `index`'s string is exactly `key`.
    @inline(__always)
    func matches(_ index: Int, _ key: UnsafeBufferPointer<UInt8>) -> Bool {
        let start = starts[index]
        let length = starts[index + 1] &- start
        guard length == key.count else { return false }
        if length == 0 { return true }
        return bytes.withUnsafeBufferPointer { all in
            Self.equal(all.baseAddress.unsafelyUnwrapped + start, key.baseAddress, length)
        }
    }

    /// Whether `length` (> 0) bytes at `a` and `b` are equal (no call to `memcmp` for the
    /// short strings names and levels are).
    @inline(__always)
    private static func equal(_ a: UnsafePointer<UInt8>, _ b: UnsafePointer<UInt8>?, _ length: Int) -> Bool {
        guard let b else { return false }
        let left = UnsafeRawPointer(a), right = UnsafeRawPointer(b)
        if length >= 8 {
            var offset = 0
            while offset &+ 8 < length {
                if left.loadUnaligned(fromByteOffset: offset, as: UInt64.self)
                    != right.loadUnaligned(fromByteOffset: offset, as: UInt64.self) { return false }
                offset &+= 8
            }
            // The last eight bytes, overlapping the previous word if need be.
            return left.loadUnaligned(fromByteOffset: length &- 8, as: UInt64.self)
                == right.loadUnaligned(fromByteOffset: length &- 8, as: UInt64.self)
        }
        if length >= 4 {
            return left.loadUnaligned(as: UInt32.self) == right.loadUnaligned(as: UInt32.self)
                && left.loadUnaligned(fromByteOffset: length &- 4, as: UInt32.self)
                == right.loadUnaligned(fromByteOffset: length &- 4, as: UInt32.self)
        }
        var offset = 0
        while offset < length {
            if a[offset] != b[offset] { return false }
            offset &+= 1
        }
        return true
    }

    /// The value of the entry of `group` whose bytes are `key`, or −1.
    @inline(__always)
    func value(of key: UnsafeBufferPointer<UInt8>, group: Int = 0) -> Int {
        var slot = Self.slot(key, group: group, mask: mask)
        while true {
            let candidate = Int(slots[slot])
            if candidate < 0 { return -1 }
            if groups[candidate] == group && matches(candidate, key) { return values[candidate] }
            slot = (slot &+ 1) & mask
        }
    }

    /// The value of the entry of `group` spelled `key`, or −1.
    func value(of key: String, group: Int = 0) -> Int {
        var key = key
        return key.withUTF8 { value(of: $0, group: group) }
    }
}
