import ApusTable
import Dispatch

/// The training features as histogram bins: one byte per value, column-major, so a
/// histogram pass over one feature reads one contiguous column.
struct BinnedDataset: Sendable {
    let rows: Int
    let mappers: [BinMapper]
    /// `featureCount × rows` bins; feature `f`'s column starts at `f × rows`.
    let bins: ColumnBuffer<UInt8>
    /// Where each feature's bins start in a leaf's flat histogram.
    let histogramOffsets: [Int]
    /// The length of a leaf's flat histogram (the sum of every feature's bin count).
    let totalBins: Int

    var featureCount: Int { mappers.count }

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
                sample.sort()
                return .numeric(sortedSample: sample, maxBin: parameters.maxBin, minDataInBin: parameters.minDataInBin)
            case .categorical(let codes, let levels):
                var counts = [Int](repeating: 0, count: levels.count)
                codes.withUnsafeBufferPointer { codes in
                    for code in codes where code != CategoricalColumn.missingCode { counts[Int(code)] += 1 }
                }
                return .categorical(levelCounts: counts, maxBin: parameters.maxBin, minDataInBin: parameters.minDataInBin)
            }
        }
        let bins = ColumnBuffer<UInt8>(count: rows * columns.count) { buffer in
        let output = UnsafeSendable(buffer.baseAddress!)
        ParallelLoop.forEach(count: columns.count, threads: threads) { feature in
            let column = output.pointer + feature * rows
            let mapper = mappers[feature]
            switch columns[feature] {
            case .numeric(let values):
                values.withUnsafeBufferPointer { values in
                    for row in 0..<rows { column[row] = mapper.bin(of: values[row]) }
                }
            case .categorical(let codes, _):
                mapper.binOfLevel.withUnsafeBufferPointer { binOfLevel in
                    codes.withUnsafeBufferPointer { codes in
                        for row in 0..<rows {
                            let code = codes[row]
                            column[row] = code == CategoricalColumn.missingCode ? 0 : binOfLevel[Int(code)]
                        }
                    }
                }
            }
        }
        }
        var offsets: [Int] = [], total = 0
        for mapper in mappers {
            offsets.append(total)
            total += mapper.binCount
        }
        self.rows = rows
        self.mappers = mappers
        self.bins = bins
        self.histogramOffsets = offsets
        self.totalBins = total
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
