/// What the threads of one histogram pass share: raw pointers to the bins, the leaf's
/// rows and gradients, and the output slots. Each feature is handled by one thread,
/// which writes only that feature's bins and candidate, so sharing is safe.
struct HistogramJob: @unchecked Sendable {
    let bins: UnsafePointer<UInt8>
    let rowTotal: Int
    let rows: UnsafePointer<UInt32>
    let count: Int
    /// The leaf's gradients in the order of `rows` (or all rows' when `sequential`).
    let gradients: UnsafePointer<Double>
    let hessians: UnsafePointer<Double>
    /// Whether the leaf is every row in order, so bins are read without indirection.
    let sequential: Bool
    let smallHistogram: UnsafeMutablePointer<GradientSums>
    let largeHistogram: UnsafeMutablePointer<GradientSums>?
    let candidates: UnsafeMutablePointer<SplitCandidate>
    let secondCandidates: UnsafeMutablePointer<SplitCandidate>

    /// Sums the leaf's gradients into `histogram` by the feature's bin.
    @inline(__always)
    func accumulate(feature: Int, into histogram: UnsafeMutablePointer<GradientSums>, binCount: Int) {
        histogram.update(repeating: GradientSums(), count: binCount)
        let column = bins + feature &* rowTotal
        if sequential {
            for index in 0..<count {
                let bin = Int(column[index])
                histogram[bin].gradient += gradients[index]
                histogram[bin].hessian += hessians[index]
                histogram[bin].count &+= 1
            }
        } else {
            for index in 0..<count {
                let bin = Int(column[Int(rows[index])])
                histogram[bin].gradient += gradients[index]
                histogram[bin].hessian += hessians[index]
                histogram[bin].count &+= 1
            }
        }
    }
}

extension SplitRules {
    /// The best split of one feature's histogram, by the feature's kind.
    @inline(__always)
    func bestSplit(
        _ histogram: UnsafeMutablePointer<GradientSums>, mapper: BinMapper, total: GradientSums,
        bounds: OutputBounds, monotone: Int, feature: Int
    ) -> SplitCandidate {
        mapper.isCategorical
            ? bestCategoricalSplit(histogram, binCount: mapper.binCount, total: total, bounds: bounds, feature: feature)
            : bestNumericSplit(histogram, binCount: mapper.binCount, total: total, bounds: bounds, monotone: monotone, feature: feature)
    }
}
