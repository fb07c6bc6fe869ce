/// Maps byte strings to dense codes in order of first insertion (an open-addressing hash
/// table over one byte arena). Used to dictionary-encode categorical fields without
/// creating a `String` per field.
final class LevelInterner: @unchecked Sendable {
    // Only the thread that owns the interner touches it, so dynamic exclusivity checks
    // (which cost more than the lookup itself) are turned off.
    @exclusivity(unchecked) private(set) var arena: [UInt8] = []
    @exclusivity(unchecked) private(set) var starts: [Int] = []
    @exclusivity(unchecked) private(set) var lengths: [Int] = []
    /// The row (1-based, in the file) where each level was first seen.
    @exclusivity(unchecked) private(set) var firstRows: [Int] = []
    @exclusivity(unchecked) private var hashes: [UInt64] = []
    @exclusivity(unchecked) private var slots: [Int32]
    @exclusivity(unchecked) private var mask: Int

    init() {
        slots = Array(repeating: -1, count: 64)
        mask = 63
        arena.reserveCapacity(1024)
    }

    /// Number of distinct levels.
    var count: Int { starts.count }

    @inline(__always)
    private static func hash(_ base: UnsafePointer<UInt8>, _ count: Int) -> UInt64 {
        var h: UInt64 = 0xCBF2_9CE4_8422_2325
        var i = 0
        while i &+ 8 <= count {
            let word = UnsafeRawPointer(base + i).loadUnaligned(as: UInt64.self)
            h = (h ^ word) &* 0x0000_0100_0000_01B3
            h ^= h >> 29
            i &+= 8
        }
        while i < count {
            h = (h ^ UInt64(base[i])) &* 0x0000_0100_0000_01B3
            i &+= 1
        }
        h ^= UInt64(count)
        h = (h ^ (h >> 31)) &* 0x9E37_79B9_7F4A_7C15
        return h ^ (h >> 32)
    }

    /// The code of `base[0..<count]`, inserting it if new (first seen at `row`).
    @inline(__always)
    func code(of base: UnsafePointer<UInt8>, count: Int, row: Int) -> UInt32 {
        let h = Self.hash(base, count)
        var slot = Int(truncatingIfNeeded: h) & mask
        while true {
            let entry = Int(slots[slot])
            if entry < 0 { break }
            if hashes[entry] == h && lengths[entry] == count && equals(entry, base, count) {
                return UInt32(entry)
            }
            slot = (slot &+ 1) & mask
        }
        let entry = starts.count
        starts.append(arena.count)
        lengths.append(count)
        hashes.append(h)
        firstRows.append(row)
        arena.append(contentsOf: UnsafeBufferPointer(start: base, count: count))
        slots[slot] = Int32(entry)
        if (entry + 1) * 2 > slots.count { grow() }
        return UInt32(entry)
    }

    @inline(__always)
    private func equals(_ entry: Int, _ base: UnsafePointer<UInt8>, _ count: Int) -> Bool {
        arena.withUnsafeBufferPointer { memory in
            let start = starts[entry]
            for k in 0..<count where memory[start + k] != base[k] { return false }
            return true
        }
    }

    private func grow() {
        let size = slots.count * 2
        slots = Array(repeating: -1, count: size)
        mask = size - 1
        for entry in 0..<starts.count {
            var slot = Int(truncatingIfNeeded: hashes[entry]) & mask
            while slots[slot] >= 0 { slot = (slot + 1) & mask }
            slots[slot] = Int32(entry)
        }
    }

    /// Calls `body` with the bytes of level `code`.
    func withLevel<R>(_ code: Int, _ body: (UnsafeBufferPointer<UInt8>) throws -> R) rethrows -> R {
        try arena.withUnsafeBufferPointer { memory in
            try body(UnsafeBufferPointer(rebasing: memory[starts[code]..<(starts[code] + lengths[code])]))
        }
    }
}
