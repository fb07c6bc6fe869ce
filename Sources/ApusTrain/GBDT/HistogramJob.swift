import CPrefetch

/// A training row's gradient and hessian, as the histogram pass reads them: single
/// precision halves the bytes read per row (LightGBM does the same); sums are double.
struct GradientPair: Sendable {
    var gradient: Float
    var hessian: Float
}

/// What the threads of one histogram pass share: raw pointers to the bins, the leaf's
/// rows and gradients, and the output slots. Each group of 8 features is handled by one
/// thread, which writes only that group's bins and candidates, so sharing is safe.
struct HistogramJob: @unchecked Sendable {
    let bins: UnsafePointer<UInt8>
    let rowTotal: Int
    let rows: UnsafePointer<UInt32>
    let count: Int
    /// The leaf's gradients, in the order of `rows`.
    let pairs: UnsafePointer<GradientPair>
    /// Whether the leaf is every row in order, so bins are read without indirection.
    let sequential: Bool
    let smallHistogram: UnsafeMutablePointer<HistogramBin>
    let largeHistogram: UnsafeMutablePointer<HistogramBin>?
    let candidates: UnsafeMutablePointer<SplitCandidate>
    let secondCandidates: UnsafeMutablePointer<SplitCandidate>

    /// Sums the leaf's gradients into the histograms of the 8 features of `group`
    /// (`histogram`: 8 × 256 bins), reading each row's 8 bins as one word.
    /// A group of at most 4 features (the last group) reads only 4 lanes of each word.
    @inline(__always)
    func accumulate(group: Int, lanes: Int, into histogram: UnsafeMutablePointer<HistogramBin>) {
        if lanes <= 4 {
            accumulate(group: group, width: 4, into: histogram)
        } else {
            accumulate(group: group, width: BinnedDataset.groupWidth, into: histogram)
        }
    }

    @inline(__always)
    private func accumulate(group: Int, width lanes: Int, into histogram: UnsafeMutablePointer<HistogramBin>) {
        let width = BinnedDataset.groupWidth, perFeature = BinnedDataset.binsPerFeature
        histogram.update(repeating: HistogramBin(), count: lanes * perFeature)
        let words = UnsafeRawPointer(bins + group &* rowTotal &* width).assumingMemoryBound(to: UInt64.self)
        if sequential {
            for index in 0..<count {
                add(word: words[index], pair: pairs[index], lanes: lanes, into: histogram)
            }
        } else {
            // The leaf's rows are scattered: fetch the bins of a row some way ahead, so
            // its cache miss overlaps the work on the rows before it.
            let ahead = 32
            let prefetched = max(0, count - ahead)
            for index in 0..<prefetched {
                apus_prefetch(words + Int(rows[index &+ ahead]))
                add(word: words[Int(rows[index])], pair: pairs[index], lanes: lanes, into: histogram)
            }
            for index in prefetched..<count {
                add(word: words[Int(rows[index])], pair: pairs[index], lanes: lanes, into: histogram)
            }
        }
    }

    @inline(__always)
    private func add(word: UInt64, pair: GradientPair, lanes: Int, into histogram: UnsafeMutablePointer<HistogramBin>) {
        let gradient = Double(pair.gradient), hessian = Double(pair.hessian)
        var word = word
        for lane in 0..<lanes {
            let bin = lane &* BinnedDataset.binsPerFeature &+ Int(word & 0xFF)
            histogram[bin].gradient += gradient
            histogram[bin].hessian += hessian
            word &>>= 8
        }
    }
}

extension SplitRules {
    /// The best split of one feature's histogram, by the feature's kind.
    @inline(__always)
    func bestSplit(
        _ histogram: UnsafeMutablePointer<HistogramBin>, mapper: BinMapper, total: GradientSums,
        bounds: OutputBounds, monotone: Int, feature: Int
    ) -> SplitCandidate {
        mapper.isCategorical
            ? bestCategoricalSplit(histogram, binCount: mapper.binCount, total: total, bounds: bounds, feature: feature)
            : bestNumericSplit(histogram, binCount: mapper.binCount, total: total, bounds: bounds, monotone: monotone, feature: feature)
    }
}
