#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Maps byte strings to dense codes in order of first insertion (an open-addressing hash
/// table over one byte arena). Used to dictionary-encode categorical fields without
/// creating a `String` per field. Only the thread that owns an interner touches it.
final class LevelInterner: @unchecked Sendable {
    private let arena = ColumnBuffer<UInt8>(capacity: 1024)
    private let starts = ColumnBuffer<Int>(capacity: 64)
    private let lengths = ColumnBuffer<Int>(capacity: 64)
    private let hashes = ColumnBuffer<UInt64>(capacity: 64)
    /// Entry index + 1 per slot; 0 is an empty slot.
    @exclusivity(unchecked) private var slots: ColumnBuffer<Int32>
    @exclusivity(unchecked) private var mask: Int

    init() {
        slots = ColumnBuffer(repeating: 0, count: 64)
        mask = 63
    }

    /// Number of distinct levels.
    var count: Int { starts.count }

    @inline(__always)
    private static func hash(_ base: UnsafePointer<UInt8>, _ count: Int) -> UInt64 {
        var h: UInt64 = 0xCBF2_9CE4_8422_2325 ^ UInt64(truncatingIfNeeded: count)
        var i = 0
        while i &+ 8 <= count {
            h = (h ^ UnsafeRawPointer(base + i).loadUnaligned(as: UInt64.self)) &* 0x9E37_79B9_7F4A_7C15
            h ^= h >> 29
            i &+= 8
        }
        var tail: UInt64 = 0
        while i < count {
            tail = tail << 8 | UInt64(base[i])
            i &+= 1
        }
        h = (h ^ tail) &* 0x9E37_79B9_7F4A_7C15
        return h ^ (h >> 32)
    }

    /// The code that `code(of:count:row:)` gives bytes that are not valid UTF-8.
    static let invalidCode = UInt32.max

    /// The code of `base[0..<count]`, inserting it if new, or `invalidCode` for bytes that
    /// are not valid UTF-8 (checked once per new level).
    @inline(__always)
    func code(of base: UnsafePointer<UInt8>, count: Int) -> UInt32 {
        let h = Self.hash(base, count)
        let table = slots.baseAddress
        var slot = Int(truncatingIfNeeded: h) & mask
        while true {
            let stored = Int(table[slot])
            if stored == 0 { break }
            let entry = stored &- 1
            if hashes.baseAddress[entry] == h && lengths.baseAddress[entry] == count
                && (count == 0 || memcmp(arena.baseAddress + starts.baseAddress[entry], base, count) == 0) {
                return UInt32(truncatingIfNeeded: entry)
            }
            slot = (slot &+ 1) & mask
        }
        guard SubrangeParser.isValidUTF8(UnsafeBufferPointer(start: base, count: count)) else { return Self.invalidCode }
        return insert(base, count: count, hash: h, slot: slot)
    }

    private func insert(_ base: UnsafePointer<UInt8>, count: Int, hash: UInt64, slot: Int) -> UInt32 {
        let entry = starts.count
        starts.append(arena.count)
        lengths.append(count)
        hashes.append(hash)
        arena.growIfNeeded(toHold: arena.count + count)
        if count > 0 { (arena.baseAddress + arena.count).update(from: base, count: count) }
        arena.setCount(arena.count + count)
        slots.baseAddress[slot] = Int32(entry + 1)
        if (entry + 1) * 2 > slots.count { grow() }
        return UInt32(entry)
    }

    /// Forgets every level from code `count` on (those of a block parsed from a wrong
    /// guess of where its records start).
    func truncate(to count: Int) {
        guard count < starts.count else { return }
        arena.setCount(count == 0 ? 0 : starts[count])
        starts.setCount(count)
        lengths.setCount(count)
        hashes.setCount(count)
        rebuildSlots(size: slots.count)
    }

    private func grow() {
        rebuildSlots(size: slots.count * 2)
    }

    private func rebuildSlots(size: Int) {
        slots = ColumnBuffer(repeating: 0, count: size)
        mask = size - 1
        for entry in 0..<starts.count {
            var slot = Int(truncatingIfNeeded: hashes[entry]) & mask
            while slots.baseAddress[slot] != 0 { slot = (slot + 1) & mask }
            slots.baseAddress[slot] = Int32(entry + 1)
        }
    }

    /// Calls `body` with the bytes of level `code`.
    func withLevel<R>(_ code: Int, _ body: (UnsafeBufferPointer<UInt8>) throws -> R) rethrows -> R {
        try body(UnsafeBufferPointer(start: arena.baseAddress + starts[code], count: lengths[code]))
    }
}
