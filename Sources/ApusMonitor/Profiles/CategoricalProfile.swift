/// A mergeable summary of one categorical (or boolean) column: the count of each level, levels in
/// the order they were first seen, and the missing count.
public struct CategoricalProfile: Sendable, Equatable, Codable {
    /// The column's name.
    public let name: String
    /// Level names, in first-seen order (a profile made `like` a reference starts with the
    /// reference's levels, some perhaps at 0).
    public private(set) var levels: [String]
    /// Count per level, aligned with `levels`.
    public private(set) var counts: [Int]
    /// Values missing.
    public private(set) var missing: Int

    /// A profile with these levels and counts (aligned, non-negative, levels distinct).
    public init(name: String, levels: [String], counts: [Int], missing: Int = 0) throws(DriftError) {
        guard levels.count == counts.count else {
            throw .mismatchedCategories(reference: levels.count, current: counts.count)
        }
        for (index, value) in counts.enumerated() where value < 0 {
            throw .invalidCount(argument: "\(name) counts", index: index, value: Double(value))
        }
        guard missing >= 0 else { throw .invalidCount(argument: "\(name) missing", index: 0, value: Double(missing)) }
        guard Set(levels).count == levels.count else {
            throw .profileMismatch(column: name, reason: "a level name appears twice")
        }
        self.name = name
        self.levels = levels
        self.counts = counts
        self.missing = missing
    }

    /// Profiles level codes: `codes[i]` indexes `levelNames`, `missingCode` is missing. Levels come
    /// in first-seen order; with `reference`, its levels come first, in its order, then new ones in
    /// first-seen order. Repeated level names are counted together.
    public init(name: String, codes: UnsafeBufferPointer<UInt32>, levelNames: [String],
                missingCode: UInt32 = UInt32.max, like reference: CategoricalProfile? = nil) throws(DriftError) {
        var perCode = [Int](repeating: 0, count: levelNames.count)
        var order = [Int]()
        var missing = 0
        var bad: (row: Int, code: UInt32)?
        perCode.withUnsafeMutableBufferPointer { perCode in
            for (row, code) in codes.enumerated() {
                if code == missingCode { missing += 1; continue }
                let index = Int(code)
                guard index < perCode.count else { bad = (row, code); return }
                if perCode[index] == 0 { order.append(index) }
                perCode[index] += 1
            }
        }
        if let bad { throw .invalidLevelCode(column: name, row: bad.row, code: bad.code, levelCount: levelNames.count) }
        var levels = reference?.levels ?? []
        var counts = [Int](repeating: 0, count: levels.count)
        var position = [String: Int]()
        for (index, level) in levels.enumerated() { position[level] = index }
        for code in order {
            let level = levelNames[code]
            if let index = position[level] {
                counts[index] += perCode[code]
            } else {
                position[level] = levels.count
                levels.append(level)
                counts.append(perCode[code])
            }
        }
        self.name = name
        self.levels = levels
        self.counts = counts
        self.missing = missing
    }

    /// Values present.
    public var count: Int { counts.reduce(0, +) }

    /// Adds the counts of `other` (same column): levels are united, this profile's first, then the
    /// other's new ones in its order.
    public mutating func merge(_ other: CategoricalProfile) throws(DriftError) {
        guard other.name == name else {
            throw .profileMismatch(column: name, reason: "cannot merge the profile of column \(other.name) into it")
        }
        let (levels, mine, theirs) = Self.align(self, other)
        self.levels = levels
        counts = zip(mine, theirs).map { Int($0 + $1) }
        missing += other.missing
    }

    /// The union of both profiles' levels (the first's order, then the second's new levels) and
    /// both count vectors on it (0 where a level is absent).
    static func align(_ a: CategoricalProfile, _ b: CategoricalProfile) -> (levels: [String], a: [Double], b: [Double]) {
        var levels = a.levels
        var position = [String: Int]()
        for (index, level) in levels.enumerated() { position[level] = index }
        var second = [Double](repeating: 0, count: levels.count)
        for (level, value) in zip(b.levels, b.counts) {
            if let index = position[level] {
                second[index] += Double(value)
            } else {
                position[level] = levels.count
                levels.append(level)
                second.append(Double(value))
            }
        }
        var first = a.counts.map(Double.init)
        first += [Double](repeating: 0, count: levels.count - first.count)
        return (levels, first, second)
    }

    /// Decodes and checks: aligned, non-negative counts and distinct levels.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        let name = try container.decode(String.self, forKey: .name)
        do {
            try self.init(name: name, levels: try container.decode([String].self, forKey: .levels),
                          counts: try container.decode([Int].self, forKey: .counts),
                          missing: try container.decode(Int.self, forKey: .missing))
        } catch let error as DriftError {
            throw DecodingError.dataCorruptedError(forKey: .counts, in: container, debugDescription: error.description)
        }
    }
}
