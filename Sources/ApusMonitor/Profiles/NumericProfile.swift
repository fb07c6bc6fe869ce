/// A mergeable summary of one numeric column: counts, exact range, mean and variance, a quantile
/// sketch, and a histogram on edges fixed when the reference was profiled.
///
/// The histogram has `edges.count − 1` bins: the first is [e₀, e₁], the others (eᵢ, eᵢ₊₁]
/// (right-closed, as `rank(of:)` is), plus `underflow` (x < e₀) and `overflow` (x > e_last), which
/// count current values outside the reference's range. With no edges (a reference without values)
/// every value is overflow. NaN and ±∞ are missing.
public struct NumericProfile: Sendable, Equatable, Codable {
    /// The column's name.
    public let name: String
    /// Values present (finite).
    public private(set) var count = 0
    /// Values missing (NaN or ±∞).
    public private(set) var missing = 0
    /// The mean of the present values (0 when there are none).
    public private(set) var mean = 0.0
    /// Σ (x − mean)² over the present values (merged by Chan's formula).
    public private(set) var sumOfSquaredDeviations = 0.0
    /// The histogram's edges, non-decreasing.
    public let edges: [Double]
    /// Counts per bin, `edges.count − 1` of them (none without edges).
    public private(set) var binCounts: [Int]
    /// Values below `edges.first`.
    public private(set) var underflow = 0
    /// Values above `edges.last` (every value when there are no edges).
    public private(set) var overflow = 0
    /// The quantile sketch of the present values.
    public private(set) var sketch: QuantileSketch

    /// An empty profile on `edges` (finite, non-decreasing, none or at least two).
    public init(name: String, edges: [Double], sketchK: Int = QuantileSketch.defaultK) throws(DriftError) {
        try Self.validate(edges: edges, column: name)
        self.name = name
        self.edges = edges
        binCounts = [Int](repeating: 0, count: Swift.max(edges.count - 1, 0))
        sketch = try QuantileSketch(k: sketchK)
    }

    /// Profiles `values` (NaN and ±∞ missing) on `edges`.
    public init(name: String, values: UnsafeBufferPointer<Double>, edges: [Double],
                sketchK: Int = QuantileSketch.defaultK) throws(DriftError) {
        try self.init(name: name, edges: edges, sketchK: sketchK)
        add(values)
    }

    /// Profiles `values` (NaN and ±∞ missing) on `edges`.
    public init(name: String, values: [Double], edges: [Double], sketchK: Int = QuantileSketch.defaultK) throws(DriftError) {
        try self.init(name: name, edges: edges, sketchK: sketchK)
        values.withUnsafeBufferPointer { add($0) }
    }

    /// The smallest present value, or NaN.
    public var min: Double { sketch.min }
    /// The largest present value, or NaN.
    public var max: Double { sketch.max }
    /// The population variance (ddof = 0) of the present values, NaN when there are none.
    public var variance: Double { count == 0 ? .nan : sumOfSquaredDeviations / Double(count) }
    /// The population standard deviation, NaN when there are none.
    public var standardDeviation: Double { variance.squareRoot() }

    /// The histogram as one count vector: underflow, the bins, overflow (what PSI and JS compare).
    public var histogram: [Double] {
        [Double(underflow)] + binCounts.map(Double.init) + [Double(overflow)]
    }

    /// Adds the values of `other`, which must profile the same column on the same edges.
    public mutating func merge(_ other: NumericProfile) throws(DriftError) {
        guard other.name == name else {
            throw .profileMismatch(column: name, reason: "cannot merge the profile of column \(other.name) into it")
        }
        guard other.edges == edges else {
            throw .profileMismatch(column: name, reason: "the histogram edges differ (\(edges.count) against \(other.edges.count) edges, or their values)")
        }
        (count, mean, sumOfSquaredDeviations) = Self.chan(
            (count, mean, sumOfSquaredDeviations), (other.count, other.mean, other.sumOfSquaredDeviations))
        missing += other.missing
        underflow += other.underflow
        overflow += other.overflow
        for index in binCounts.indices { binCounts[index] += other.binCounts[index] }
        sketch.merge(other.sketch)
    }

    /// Chan, Golub & LeVeque's pairwise update of (count, mean, Σ squared deviations).
    static func chan(_ a: (Int, Double, Double), _ b: (Int, Double, Double)) -> (Int, Double, Double) {
        if b.0 == 0 { return a }
        if a.0 == 0 { return b }
        let n = a.0 + b.0
        let delta = b.1 - a.1
        let mean = a.1 + delta * Double(b.0) / Double(n)
        let m2 = a.2 + b.2 + delta * delta * Double(a.0) * Double(b.0) / Double(n)
        return (n, mean, m2)
    }

    /// Adds a block of values: two passes for the moments (mean, then squared deviations), merged
    /// into the running ones by Chan's formula; one binary search per value for the bin.
    mutating func add(_ values: UnsafeBufferPointer<Double>) {
        var present = 0, sum = 0.0
        var under = 0, over = 0
        binCounts.withUnsafeMutableBufferPointer { bins in
            edges.withUnsafeBufferPointer { edges in
                let last = edges.count - 1
                for x in values where x.isFinite {
                    present += 1
                    sum += x
                    if last < 0 || x > edges[last] { over += 1; continue }
                    if x < edges[0] { under += 1; continue }
                    // The first edge i ≥ 1 with x ≤ edges[i]; the value falls in bin i − 1.
                    var lower = 1, upper = last
                    while lower < upper {
                        let middle = (lower + upper) >> 1
                        if x <= edges[middle] { upper = middle } else { lower = middle + 1 }
                    }
                    bins[lower - 1] += 1
                }
            }
        }
        missing += values.count - present
        underflow += under
        overflow += over
        if present > 0 {
            let blockMean = sum / Double(present)
            var squares = 0.0
            for x in values where x.isFinite { squares += (x - blockMean) * (x - blockMean) }
            (count, mean, sumOfSquaredDeviations) = Self.chan(
                (count, mean, sumOfSquaredDeviations), (present, blockMean, squares))
        }
        sketch.insert(contentsOf: values)
    }

    static func validate(edges: [Double], column: String) throws(DriftError) {
        if edges.count == 1 {
            throw .invalidEdges(column: column, reason: "one edge makes no bin; give none or at least two")
        }
        for (index, edge) in edges.enumerated() {
            guard edge.isFinite else { throw .invalidEdges(column: column, reason: "edge \(index) is \(edge)") }
            if index > 0 && edges[index - 1] > edge {
                throw .invalidEdges(column: column, reason: "edges decrease at \(index): \(edges[index - 1]) then \(edge)")
            }
        }
    }
}

extension NumericProfile {
    /// Decodes and checks what the drift code relies on: valid edges, one count per bin,
    /// non-negative counts adding up with the sketch's.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        name = try container.decode(String.self, forKey: .name)
        count = try container.decode(Int.self, forKey: .count)
        missing = try container.decode(Int.self, forKey: .missing)
        mean = try container.decode(Double.self, forKey: .mean)
        sumOfSquaredDeviations = try container.decode(Double.self, forKey: .sumOfSquaredDeviations)
        edges = try container.decode([Double].self, forKey: .edges)
        binCounts = try container.decode([Int].self, forKey: .binCounts)
        underflow = try container.decode(Int.self, forKey: .underflow)
        overflow = try container.decode(Int.self, forKey: .overflow)
        sketch = try container.decode(QuantileSketch.self, forKey: .sketch)
        do { try Self.validate(edges: edges, column: name) } catch {
            throw DecodingError.dataCorruptedError(forKey: .edges, in: container, debugDescription: error.description)
        }
        let counts = [count, missing, underflow, overflow] + binCounts
        guard binCounts.count == Swift.max(edges.count - 1, 0), counts.allSatisfy({ $0 >= 0 }),
              sketch.count == count, mean.isFinite, sumOfSquaredDeviations.isFinite, sumOfSquaredDeviations >= 0 else {
            throw DecodingError.dataCorruptedError(
                forKey: .binCounts, in: container,
                debugDescription: "column \(name): the counts, bins (\(binCounts.count) for \(edges.count) edges), moments and sketch disagree")
        }
    }
}
