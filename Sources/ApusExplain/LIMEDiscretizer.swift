/// LIME's statistics of the training data, per feature (lime's `QuartileDiscretizer` /
/// `DecileDiscretizer` and the explainer's frequency tables).
///
/// A numeric feature is cut at the percentiles 25/50/75 (quartile) or 10..90 (decile) of its
/// non-missing training values (numpy's linear interpolation; repeated cut points merged);
/// bin `b` holds the values `q[b−1] < v ≤ q[b]`. Each bin keeps the mean, standard
/// deviation, minimum and maximum of its training values, to draw values back from it. A
/// missing value is a bin of its own (lime has none: it cannot take NaN). Categorical
/// features keep their level codes. Either way the feature then has a frequency table of
/// its (bin or level) values over the training rows, from which LIME draws.
///
/// With ``LIME/Discretizer/none`` a numeric feature keeps its mean and standard deviation
/// instead (sklearn's `StandardScaler`, population deviation, 1 for a constant feature).
struct LIMEDiscretizer: Sendable {
    /// One feature's statistics.
    struct Column: Sendable {
        /// Whether the feature is categorical (its values are level codes).
        var categorical: Bool
        /// Whether the numeric feature is binned (false with ``LIME/Discretizer/none``).
        var binned: Bool
        /// Cut points, ascending, distinct.
        var cuts: [Double] = []
        var binMeans: [Double] = [], binDeviations: [Double] = [], binMinimums: [Double] = [], binMaximums: [Double] = []
        /// The (bin or level) values seen in training, ascending, NaN last; and their
        /// cumulative frequencies.
        var values: [Double] = []
        var cumulative: [Double] = []
        /// Mean and standard deviation (unbinned numeric features).
        var mean = 0.0, deviation = 1.0

        /// The bin of `value`: the count of cut points below it; NaN is bin `cuts.count + 1`.
        func bin(of value: Double) -> Double {
            guard !value.isNaN else { return Double(cuts.count + 1) }
            var count = 0
            while count < cuts.count, cuts[count] < value { count += 1 }
            return Double(count)
        }

        /// The interpretable value of a raw value: its bin, its level code, or itself.
        func discretize(_ value: Double) -> Double { binned ? bin(of: value) : value }

        /// A value drawn from the training frequencies.
        func draw(_ generator: inout SeededGenerator) -> Double {
            let unit = generator.nextUnit()
            var index = 0
            while index < cumulative.count - 1, unit >= cumulative[index] { index += 1 }
            return values[index]
        }

        /// A raw value back from bin `bin` (lime's `undiscretize`): a normal draw with the
        /// bin's mean and deviation, truncated to the bin's range; NaN for the missing bin.
        func undiscretize(_ bin: Double, _ generator: inout SeededGenerator) -> Double {
            let index = Int(bin)
            guard index <= cuts.count else { return .nan }
            let mean = binMeans[index], deviation = binDeviations[index]
            let lower = (binMinimums[index] - mean) / deviation, upper = (binMaximums[index] - mean) / deviation
            // lime returns the standardised bound here, a slip: the bound itself is meant.
            guard lower < upper else { return binMinimums[index] }
            return mean + deviation * NormalDistribution.truncatedSample(lower: lower, upper: upper, &generator)
        }
    }

    let columns: [Column]

    /// The statistics of `rows` training rows of `kinds.count` features, row-major.
    init(training: [Double], rows: Int, categorical: [Bool], discretizer: LIME.Discretizer) {
        let features = categorical.count
        var columns: [Column] = []
        for feature in 0..<features {
            let raw = (0..<rows).map { training[$0 * features + feature] }
            var column = Column(categorical: categorical[feature], binned: !categorical[feature] && discretizer != .none)
            if column.binned {
                let present = raw.filter { !$0.isNaN }.sorted()
                let levels = discretizer == .quartile ? [25.0, 50, 75] : [10.0, 20, 30, 40, 50, 60, 70, 80, 90]
                var cuts: [Double] = []
                if !present.isEmpty {
                    for level in levels {
                        let cut = percentile(present, level)
                        if cuts.last != cut { cuts.append(cut) }
                    }
                }
                column.cuts = cuts
                Self.fillBins(&column, present: present)
            } else if !column.categorical {
                let present = raw.filter { !$0.isNaN }
                let mean = present.isEmpty ? 0 : present.reduce(0, +) / Double(present.count)
                let variance = present.isEmpty ? 0 : present.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / Double(present.count)
                column.mean = mean
                column.deviation = variance > 0 ? variance.squareRoot() : 1
            }
            if column.binned || column.categorical { Self.fillFrequencies(&column, raw: raw) }
            columns.append(column)
        }
        self.columns = columns
    }

    /// Each bin's mean, deviation (+1e-11, as lime) and range.
    private static func fillBins(_ column: inout Column, present: [Double]) {
        let bins = column.cuts.count + 1
        var sums = [Double](repeating: 0, count: bins), counts = [Int](repeating: 0, count: bins)
        for value in present { let bin = Int(column.bin(of: value)); sums[bin] += value; counts[bin] += 1 }
        let means = (0..<bins).map { counts[$0] == 0 ? 0 : sums[$0] / Double(counts[$0]) }
        var squares = [Double](repeating: 0, count: bins)
        for value in present { let bin = Int(column.bin(of: value)); squares[bin] += (value - means[bin]) * (value - means[bin]) }
        column.binMeans = means
        column.binDeviations = (0..<bins).map { (counts[$0] == 0 ? 0 : (squares[$0] / Double(counts[$0])).squareRoot()) + 1e-11 }
        column.binMinimums = [present.first ?? 0] + column.cuts
        column.binMaximums = column.cuts + [present.last ?? 0]
    }

    /// The frequency table of the column's interpretable values.
    private static func fillFrequencies(_ column: inout Column, raw: [Double]) {
        var counts: [Double: Int] = [:]
        var missing = 0
        for value in raw {
            let key = column.discretize(value)
            if key.isNaN { missing += 1 } else { counts[key, default: 0] += 1 }
        }
        var values = counts.keys.sorted()
        var frequencies = values.map { Double(counts[$0] ?? 0) }
        if missing > 0 { values.append(.nan); frequencies.append(Double(missing)) }
        let total = frequencies.reduce(0, +)
        var running = 0.0
        column.values = values
        column.cumulative = frequencies.map { running += $0 / total; return running }
    }
}

/// numpy's `percentile` (linear interpolation, numpy's two-sided lerp) of sorted values.
func percentile(_ sorted: [Double], _ level: Double) -> Double {
    // numpy's virtual index, n·q + (1 − q) − 1, in numpy's order of operations.
    let q = level / 100
    let position = (Double(sorted.count) * q + (1 + q * -1)) - 1
    let low = Int(position.rounded(.down)), high = min(low + 1, sorted.count - 1)
    let fraction = position - Double(low)
    let a = sorted[low], b = sorted[high], difference = b - a
    return fraction >= 0.5 ? b - difference * (1 - fraction) : a + difference * fraction
}

/// Whether two interpretable values are the same (NaN equal to NaN).
@inline(__always)
func sameValue(_ a: Double, _ b: Double) -> Bool { a == b || (a.isNaN && b.isNaN) }
