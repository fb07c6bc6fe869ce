import ApusTable
import Dispatch

/// The training features as histogram bins, one byte per value, in groups of 8
/// features stored row by row: a row's 8 bins of a group are one 64-bit word. A
/// histogram pass over a group reads each row's gradients once for 8 features, and each
/// feature is still summed by one thread in row order (so the thread count never
/// changes a sum).
struct BinnedDataset: Sendable {
    /// Features per group.
    static let groupWidth = 8
    /// Histogram bins reserved per feature (bins are bytes).
    static let binsPerFeature = 256

    let rows: Int
    let mappers: [BinMapper]
    /// `groupCount × rows × 8` bins: feature `f` of row `r` is at
    /// `(f / 8) × rows × 8 + r × 8 + f % 8`; lanes past the last feature hold 0.
    let bins: ColumnBuffer<UInt8>
    let groupCount: Int

    var featureCount: Int { mappers.count }
    /// The length of a leaf's flat histogram: 256 bins for each lane of each group.
    var totalBins: Int { Self.totalBins(featureCount: featureCount) }

    /// The length of a leaf's flat histogram for `featureCount` features.
    static func totalBins(featureCount: Int) -> Int {
        (featureCount + groupWidth - 1) / groupWidth * groupWidth * binsPerFeature
    }
    /// Where feature `f`'s bins start in a leaf's flat histogram.
    @inline(__always) func histogramOffset(_ feature: Int) -> Int { feature * Self.binsPerFeature }

    /// Feature `feature`'s bins: the first row's, and the distance between rows.
    func lane(_ feature: Int) -> (start: UnsafePointer<UInt8>, stride: Int) {
        let base = bins.withUnsafeBufferPointer { $0.baseAddress! }
        return (base + (feature / Self.groupWidth) * rows * Self.groupWidth + feature % Self.groupWidth, Self.groupWidth)
    }

    /// Bins `columns`; numeric bin bounds come from a seeded sample of
    /// `bin_construct_sample_cnt` rows, categorical bins from every row's level.
    init(columns: [FeatureColumn], rows: Int, parameters: GBDTParameters, threads: Int) {
        let sampleRows = Self.sampleRows(rows: rows, count: parameters.binConstructSampleCnt, seed: parameters.seed)
        let mappers = ParallelLoop.map(count: columns.count, threads: threads) { feature -> BinMapper in
            switch columns[feature] {
            case .numeric(let values):
                var sample: [Double] = []
                sample.reserveCapacity(sampleRows?.count ?? rows)
                values.withUnsafeBufferPointer { values in
                    if let sampleRows {
                        for row in sampleRows where !values[row].isNaN { sample.append(values[row]) }
                    } else {
                        for value in values where !value.isNaN { sample.append(value) }
                    }
                }
                RadixSort.sort(&sample)
                return .numeric(sortedSample: sample, maxBin: parameters.maxBin, minDataInBin: parameters.minDataInBin)
            case .categorical(let codes, let levels):
                var counts = [Int](repeating: 0, count: levels.count)
                codes.withUnsafeBufferPointer { codes in
                    for code in codes where code != CategoricalColumn.missingCode { counts[Int(code)] += 1 }
                }
                return .categorical(levelCounts: counts, maxBin: parameters.maxBin, minDataInBin: parameters.minDataInBin)
            }
        }
        let groupCount = (columns.count + Self.groupWidth - 1) / Self.groupWidth
        let bins = ColumnBuffer<UInt8>(count: rows * groupCount * Self.groupWidth) { buffer in
            buffer.initialize(repeating: 0)
            let output = UnsafeSendable(buffer.baseAddress!)
            // One thread per group, so no two threads write the same cache line.
            ParallelLoop.forEach(count: groupCount, threads: threads) { group in
                let base = output.pointer + group * rows * Self.groupWidth
                for feature in group * Self.groupWidth ..< min(columns.count, (group + 1) * Self.groupWidth) {
                    Self.bin(columns[feature], with: mappers[feature], rows: rows, into: base + feature % Self.groupWidth)
                }
            }
        }
        self.rows = rows
        self.mappers = mappers
        self.bins = bins
        self.groupCount = groupCount
    }

    /// Writes the bin of each row's value to `lane[row × groupWidth]`.
    private static func bin(_ column: FeatureColumn, with mapper: BinMapper, rows: Int, into lane: UnsafeMutablePointer<UInt8>) {
        switch column {
        case .numeric(let values):
            values.withUnsafeBufferPointer { values in
                for row in 0..<rows { lane[row &* groupWidth] = mapper.bin(of: values[row]) }
            }
        case .categorical(let codes, _):
            mapper.binOfLevel.withUnsafeBufferPointer { binOfLevel in
                codes.withUnsafeBufferPointer { codes in
                    for row in 0..<rows {
                        let code = codes[row]
                        lane[row &* groupWidth] = code == CategoricalColumn.missingCode ? 0 : binOfLevel[Int(code)]
                    }
                }
            }
        }
    }

    /// Sorted sample rows, or nil when every row is used.
    private static func sampleRows(rows: Int, count: Int, seed: Int) -> [Int]? {
        guard rows > count else { return nil }
        var random = SeededRandom(seed: UInt64(seed) &+ 0x6269_6E73)
        // Selection sampling (Knuth's algorithm S): exactly `count` rows, in order.
        var chosen: [Int] = []
        chosen.reserveCapacity(count)
        for row in 0..<rows where chosen.count < count {
            if Double(rows - row) * random.nextDouble() < Double(count - chosen.count) { chosen.append(row) }
        }
        return chosen
    }
}
