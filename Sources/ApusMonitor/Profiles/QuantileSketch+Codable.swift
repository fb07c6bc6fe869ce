/// The sketch is stored as k, the count, the exact minimum and maximum (absent when empty), the
/// compaction counter (so merging a decoded sketch continues the same coin sequence) and the items
/// of each level. Decoding checks that the levels' weights add up to the count and that the items
/// are finite and, above level 0, sorted.
extension QuantileSketch: Codable {
    enum CodingKeys: String, CodingKey { case k, count, min, max, compactions, levels }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(k, forKey: .k)
        try container.encode(count, forKey: .count)
        if count > 0 {
            try container.encode(low, forKey: .min)
            try container.encode(high, forKey: .max)
        }
        try container.encode(compactions, forKey: .compactions)
        try container.encode(levels, forKey: .levels)
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        let k = try container.decode(Int.self, forKey: .k)
        do { self = try QuantileSketch(k: k) } catch {
            throw DecodingError.dataCorruptedError(forKey: .k, in: container, debugDescription: error.description)
        }
        count = try container.decode(Int.self, forKey: .count)
        compactions = try container.decode(UInt64.self, forKey: .compactions)
        levels = try container.decode([[Double]].self, forKey: .levels)
        func corrupt(_ message: String) -> DecodingError {
            DecodingError.dataCorruptedError(forKey: .levels, in: container, debugDescription: message)
        }
        guard !levels.isEmpty && levels.count < 62 else { throw corrupt("a sketch has 1 to 61 levels, not \(levels.count)") }
        var weight = 0
        retained = 0
        for (h, level) in levels.enumerated() {
            for (index, value) in level.enumerated() {
                guard value.isFinite else { throw corrupt("level \(h) item \(index) is \(value)") }
                if h > 0 && index > 0 && level[index - 1] > value { throw corrupt("level \(h) is not sorted at item \(index)") }
            }
            let (product, overflow) = level.count.multipliedReportingOverflow(by: 1 << h)
            guard !overflow else { throw corrupt("level \(h) weighs more than Int.max") }
            let (sum, overflowed) = weight.addingReportingOverflow(product)
            guard !overflowed else { throw corrupt("the levels weigh more than Int.max") }
            weight = sum
            retained += level.count
        }
        guard count >= 0 && weight == count else {
            throw corrupt("the levels weigh \(weight) but the count is \(count)")
        }
        if count > 0 {
            low = try container.decode(Double.self, forKey: .min)
            high = try container.decode(Double.self, forKey: .max)
            guard low.isFinite && high.isFinite && low <= high else { throw corrupt("min \(low) and max \(high) are not a range") }
        }
        updateCapacities()
    }
}
