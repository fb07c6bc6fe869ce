#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#elseif canImport(Musl)
import Musl
#endif

/// Sums of gradients, hessians and rows: one histogram bin, or a leaf.
struct GradientSums: Sendable {
    var gradient = 0.0
    var hessian = 0.0
    var count = 0

    @inline(__always)
    static func + (a: GradientSums, b: GradientSums) -> GradientSums {
        GradientSums(gradient: a.gradient + b.gradient, hessian: a.hessian + b.hessian, count: a.count + b.count)
    }

    @inline(__always)
    static func - (a: GradientSums, b: GradientSums) -> GradientSums {
        GradientSums(gradient: a.gradient - b.gradient, hessian: a.hessian - b.hessian, count: a.count - b.count)
    }
}

/// One histogram bin: the sums of the gradients and hessians of its rows. Its row
/// count is estimated from the hessian sum, as LightGBM does (exact when hessians are
/// constant), which keeps the histogram pass at two additions per value.
struct HistogramBin: Sendable {
    var gradient = 0.0
    var hessian = 0.0

    @inline(__always)
    static func - (a: HistogramBin, b: HistogramBin) -> HistogramBin {
        HistogramBin(gradient: a.gradient - b.gradient, hessian: a.hessian - b.hessian)
    }

    /// The bin as sums, with its row count estimated as `hessian × countFactor`.
    @inline(__always)
    func sums(countFactor: Double) -> GradientSums {
        GradientSums(gradient: gradient, hessian: hessian, count: estimatedCount(hessian, countFactor))
    }
}

/// A row count estimated from a hessian sum (rounded; hessians are not negative).
@inline(__always)
func estimatedCount(_ hessian: Double, _ countFactor: Double) -> Int {
    Int(hessian * countFactor + 0.5)
}

/// A set of bins (up to 256), as four words.
struct BinSet: Sendable, Equatable {
    var words: (UInt64, UInt64, UInt64, UInt64) = (0, 0, 0, 0)

    static func == (a: BinSet, b: BinSet) -> Bool { a.words == b.words }

    @inline(__always)
    func contains(_ bin: UInt8) -> Bool {
        let bit = UInt64(1) << UInt64(bin & 63)
        switch bin >> 6 {
        case 0: return words.0 & bit != 0
        case 1: return words.1 & bit != 0
        case 2: return words.2 & bit != 0
        default: return words.3 & bit != 0
        }
    }

    mutating func insert(_ bin: Int) {
        let bit = UInt64(1) << UInt64(bin & 63)
        switch bin >> 6 {
        case 0: words.0 |= bit
        case 1: words.1 |= bit
        case 2: words.2 |= bit
        default: words.3 |= bit
        }
    }
}

/// The best split of a leaf on one feature, in bins.
struct SplitCandidate: Sendable {
    /// The loss reduction; −∞ when there is no valid split.
    var gain = -Double.infinity
    var feature = -1
    var isCategorical = false
    /// Numeric: rows whose bin is in `1...thresholdBin` go left.
    var thresholdBin = 0
    /// Categorical: the bins that go left.
    var leftBins = BinSet()
    /// Whether the missing bin (bin 0) goes left.
    var defaultLeft = false
    var left = GradientSums()
    var right = GradientSums()
    /// The children's outputs before the learning rate, within the leaf's bounds.
    var leftOutput = 0.0
    var rightOutput = 0.0

    var isValid: Bool { gain > -Double.infinity }

    /// Whether `self` beats `other`: a larger gain, or the same gain on a lower feature.
    func isBetter(than other: SplitCandidate) -> Bool {
        gain > other.gain || (gain == other.gain && isValid && (other.feature < 0 || feature < other.feature))
    }
}

/// The regularisation and limits a split must respect, from ``GBDTParameters``.
struct SplitRules: Sendable {
    let lambdaL1: Double
    let lambdaL2: Double
    let minDataInLeaf: Int
    let minSumHessianInLeaf: Double
    let minGainToSplit: Double
    let maxCatToOnehot: Int
    let maxCatThreshold: Int
    let catSmooth: Double
    let catL2: Double
    let minDataPerGroup: Int

    init(_ parameters: GBDTParameters) {
        lambdaL1 = parameters.lambdaL1
        lambdaL2 = parameters.lambdaL2
        minDataInLeaf = max(1, parameters.minDataInLeaf)
        minSumHessianInLeaf = parameters.minSumHessianInLeaf
        minGainToSplit = parameters.minGainToSplit
        maxCatToOnehot = parameters.maxCatToOnehot
        maxCatThreshold = parameters.maxCatThreshold
        catSmooth = parameters.catSmooth
        catL2 = parameters.catL2
        minDataPerGroup = parameters.minDataPerGroup
    }

    /// The L1-shrunk gradient sum (LightGBM's `ThresholdL1`).
    @inline(__always)
    func shrunk(_ gradient: Double) -> Double {
        guard lambdaL1 > 0 else { return gradient }
        let magnitude = max(0, abs(gradient) - lambdaL1)
        return gradient > 0 ? magnitude : -magnitude
    }

    /// The optimal output of a leaf with these sums, clamped to `[lower, upper]`.
    @inline(__always)
    func output(_ sums: GradientSums, l2: Double, lower: Double, upper: Double) -> Double {
        let value = -shrunk(sums.gradient) / (sums.hessian + l2)
        return min(upper, max(lower, value))
    }

    /// The loss reduction of a leaf with these sums whose output is `output`.
    @inline(__always)
    func gain(_ sums: GradientSums, l2: Double, output: Double) -> Double {
        -(2 * shrunk(sums.gradient) * output + (sums.hessian + l2) * output * output)
    }

    /// Whether a child with these sums is allowed.
    @inline(__always)
    func allows(_ sums: GradientSums) -> Bool {
        sums.count >= minDataInLeaf && sums.hessian >= minSumHessianInLeaf
    }
}

/// The bounds a leaf's output must stay within (monotone constraints), and the
/// direction the current feature must keep.
struct OutputBounds: Sendable {
    var lower = -Double.infinity
    var upper = Double.infinity
}

extension SplitRules {
    /// The best split of a numeric feature's histogram (bin 0 missing, bins 1... values).
    ///
    /// Every threshold is tried with the missing rows on each side; a split needs
    /// `monotone` (−1, 0, 1) to hold between the children's outputs.
    func bestNumericSplit(
        _ histogram: UnsafePointer<HistogramBin>, binCount: Int, total: GradientSums,
        bounds: OutputBounds, monotone: Int, feature: Int
    ) -> SplitCandidate {
        var best = SplitCandidate()
        let countFactor = total.hessian > 0 ? Double(total.count) / total.hessian : 0
        let missing = histogram[0].sums(countFactor: countFactor)
        guard binCount > 2 || (binCount == 2 && missing.count > 0) else { return best }
        if lambdaL1 == 0 && monotone == 0 && bounds.lower == -.infinity && bounds.upper == .infinity {
            return bestUnconstrainedSplit(histogram, binCount: binCount, total: total, missing: missing,
                                          countFactor: countFactor, feature: feature)
        }
        let parentOutput = output(total, l2: lambdaL2, lower: bounds.lower, upper: bounds.upper)
        let parentGain = gain(total, l2: lambdaL2, output: parentOutput)
        var left = GradientSums()
        for threshold in 1..<binCount {
            left = left + histogram[threshold].sums(countFactor: countFactor)
            let isLast = threshold == binCount - 1
            // Missing rows right (the only option at the last bin: values left, missing right).
            evaluate(left: left, right: total - left, defaultLeft: false, threshold: threshold,
                     parentGain: parentGain, bounds: bounds, monotone: monotone, feature: feature, into: &best)
            if missing.count > 0 && !isLast {
                evaluate(left: left + missing, right: total - left - missing, defaultLeft: true, threshold: threshold,
                         parentGain: parentGain, bounds: bounds, monotone: monotone, feature: feature, into: &best)
            }
            if total.count - left.count - missing.count < minDataInLeaf { break }
        }
        if best.isValid && missing.count == 0 {
            // No missing rows in training: send future missing values to the larger side.
            best.defaultLeft = best.left.count >= best.right.count
        }
        return best
    }

    /// ``bestNumericSplit(_:binCount:total:bounds:monotone:feature:)`` without L1 or
    /// output bounds, where a side's gain is G²/(H + λ₂): the common case, kept to a few
    /// arithmetic operations per threshold.
    private func bestUnconstrainedSplit(
        _ histogram: UnsafePointer<HistogramBin>, binCount: Int, total: GradientSums, missing: GradientSums,
        countFactor: Double, feature: Int
    ) -> SplitCandidate {
        let l2 = lambdaL2, minData = minDataInLeaf, minHessian = minSumHessianInLeaf
        let parentGain = total.gradient * total.gradient / (total.hessian + l2)
        var bestGain = parentGain + minGainToSplit
        var bestThreshold = 0, bestMissingLeft = false
        var leftGradient = 0.0, leftHessian = 0.0
        let hasMissing = missing.count > 0
        if !hasMissing && countFactor > 0 {
            // Both sides' row counts and hessians are in range exactly when the left
            // hessian is: count ≥ n ⇔ hessian × factor + 0.5 ≥ n. So the loop compares
            // hessians only; the left hessian grows, so once it is too large, stop.
            let low = max(minHessian, (Double(minData) - 0.5) / countFactor)
            let highCount = (Double(total.count - minData) + 0.5) / countFactor
            let highHessian = total.hessian - minHessian
            for threshold in 1..<binCount {
                leftGradient += histogram[threshold].gradient
                leftHessian += histogram[threshold].hessian
                if leftHessian < low { continue }
                if leftHessian >= highCount || leftHessian > highHessian { break }
                let rightGradient = total.gradient - leftGradient, rightHessian = total.hessian - leftHessian
                let gain = leftGradient * leftGradient / (leftHessian + l2) + rightGradient * rightGradient / (rightHessian + l2)
                if gain > bestGain {
                    bestGain = gain
                    bestThreshold = threshold
                }
            }
        } else {
            for threshold in 1..<binCount {
                leftGradient += histogram[threshold].gradient
                leftHessian += histogram[threshold].hessian
                // Missing rows right (the only option at the last bin: values left, missing right).
                let leftCount = estimatedCount(leftHessian, countFactor)
                let rightCount = total.count - leftCount
                if rightCount - missing.count < minData && (!hasMissing || rightCount < minData) { break }
                if leftCount >= minData && leftHessian >= minHessian {
                    let rightGradient = total.gradient - leftGradient, rightHessian = total.hessian - leftHessian
                    if rightCount >= minData && rightHessian >= minHessian {
                        let gain = leftGradient * leftGradient / (leftHessian + l2) + rightGradient * rightGradient / (rightHessian + l2)
                        if gain > bestGain {
                            bestGain = gain
                            bestThreshold = threshold
                            bestMissingLeft = false
                        }
                    }
                }
                guard hasMissing && threshold < binCount - 1 else { continue }
                let withGradient = leftGradient + missing.gradient, withHessian = leftHessian + missing.hessian
                let withCount = leftCount + missing.count
                let rightGradient = total.gradient - withGradient, rightHessian = total.hessian - withHessian
                if withCount >= minData && withHessian >= minHessian && total.count - withCount >= minData && rightHessian >= minHessian {
                    let gain = withGradient * withGradient / (withHessian + l2) + rightGradient * rightGradient / (rightHessian + l2)
                    if gain > bestGain {
                        bestGain = gain
                        bestThreshold = threshold
                        bestMissingLeft = true
                    }
                }
            }
        }
        guard bestThreshold > 0 else { return SplitCandidate() }
        var left = GradientSums()
        for bin in 1...bestThreshold {
            left.gradient += histogram[bin].gradient
            left.hessian += histogram[bin].hessian
        }
        if bestMissingLeft {
            left.gradient += missing.gradient
            left.hessian += missing.hessian
        }
        left.count = estimatedCount(left.hessian, countFactor)
        let right = total - left
        return SplitCandidate(
            gain: bestGain - parentGain, feature: feature, isCategorical: false, thresholdBin: bestThreshold,
            leftBins: BinSet(), defaultLeft: hasMissing ? bestMissingLeft : left.count >= right.count,
            left: left, right: right, leftOutput: -left.gradient / (left.hessian + l2),
            rightOutput: -right.gradient / (right.hessian + l2))
    }

    @inline(__always)
    private func evaluate(
        left: GradientSums, right: GradientSums, defaultLeft: Bool, threshold: Int, parentGain: Double,
        bounds: OutputBounds, monotone: Int, feature: Int, into best: inout SplitCandidate
    ) {
        guard allows(left), allows(right) else { return }
        let leftOutput = output(left, l2: lambdaL2, lower: bounds.lower, upper: bounds.upper)
        let rightOutput = output(right, l2: lambdaL2, lower: bounds.lower, upper: bounds.upper)
        if (monotone > 0 && leftOutput > rightOutput) || (monotone < 0 && leftOutput < rightOutput) { return }
        let splitGain = gain(left, l2: lambdaL2, output: leftOutput) + gain(right, l2: lambdaL2, output: rightOutput) - parentGain
        guard splitGain > minGainToSplit, splitGain > best.gain else { return }
        best = SplitCandidate(
            gain: splitGain, feature: feature, isCategorical: false, thresholdBin: threshold, leftBins: BinSet(),
            defaultLeft: defaultLeft, left: left, right: right, leftOutput: leftOutput, rightOutput: rightOutput)
    }

    /// The best split of a categorical feature's histogram, LightGBM's way: one level
    /// against the rest when there are at most `max_cat_to_onehot` levels; otherwise
    /// levels with enough rows ordered by gradient / (hessian + `cat_smooth`) and cut at
    /// the best point scanning from either end, at most `max_cat_threshold` levels to a
    /// side, with `cat_l2` added to the regularisation. The missing bin is a level like
    /// the others; levels left out of the ordering go right.
    func bestCategoricalSplit(
        _ binned: UnsafePointer<HistogramBin>, binCount: Int, total: GradientSums,
        bounds: OutputBounds, feature: Int
    ) -> SplitCandidate {
        var best = SplitCandidate()
        let countFactor = total.hessian > 0 ? Double(total.count) / total.hessian : 0
        var histogram = [GradientSums](repeating: GradientSums(), count: binCount)
        var used: [Int] = []
        for bin in 0..<binCount {
            histogram[bin] = binned[bin].sums(countFactor: countFactor)
            if histogram[bin].count > 0 { used.append(bin) }
        }
        guard used.count > 1 else { return best }
        let parentOutput = output(total, l2: lambdaL2, lower: bounds.lower, upper: bounds.upper)
        let parentGain = gain(total, l2: lambdaL2, output: parentOutput)
        func consider(_ left: GradientSums, l2: Double, bins: ArraySlice<Int>) {
            // `left` holds estimated counts; keep the right side's estimate non-negative.
            let right = total - left
            guard allows(left), allows(right) else { return }
            let leftOutput = output(left, l2: l2, lower: bounds.lower, upper: bounds.upper)
            let rightOutput = output(right, l2: l2, lower: bounds.lower, upper: bounds.upper)
            let splitGain = gain(left, l2: l2, output: leftOutput) + gain(right, l2: l2, output: rightOutput) - parentGain
            guard splitGain > minGainToSplit, splitGain > best.gain else { return }
            var set = BinSet()
            for bin in bins { set.insert(bin) }
            best = SplitCandidate(
                gain: splitGain, feature: feature, isCategorical: true, thresholdBin: 0, leftBins: set,
                defaultLeft: set.contains(0), left: left, right: right, leftOutput: leftOutput, rightOutput: rightOutput)
        }
        if used.count <= maxCatToOnehot {
            for bin in used { consider(histogram[bin], l2: lambdaL2, bins: [bin][...]) }
            return best
        }
        var ordered = used.filter { Double(histogram[$0].count) >= catSmooth }
        func ratio(_ bin: Int) -> Double { histogram[bin].gradient / (histogram[bin].hessian + catSmooth) }
        ordered.sort { ratio($0) != ratio($1) ? ratio($0) < ratio($1) : $0 < $1 }
        let maxLevels = min(maxCatThreshold, (ordered.count + 1) / 2)
        let l2 = lambdaL2 + catL2
        for reversed in [false, true] {
            let sequence = reversed ? Array(ordered.reversed()) : ordered
            var left = GradientSums()
            var sinceLast = 0
            for position in 0..<min(maxLevels, sequence.count) {
                let bin = sequence[position]
                left = left + histogram[bin]
                sinceLast += histogram[bin].count
                guard left.count >= minDataInLeaf, left.hessian >= minSumHessianInLeaf else { continue }
                let right = total - left
                if right.count < minDataInLeaf || right.count < minDataPerGroup || right.hessian < minSumHessianInLeaf { break }
                guard sinceLast >= minDataPerGroup else { continue }
                sinceLast = 0
                consider(left, l2: l2, bins: sequence[0...position])
            }
        }
        return best
    }
}
