import CPrefetch
import ApusModel

/// A split in bin terms, to route training rows.
struct BinnedSplit: Sendable {
    let feature: Int
    let isCategorical: Bool
    let thresholdBin: Int
    let leftBins: BinSet
    let defaultLeft: Bool

    init(_ candidate: SplitCandidate) {
        feature = candidate.feature
        isCategorical = candidate.isCategorical
        thresholdBin = candidate.thresholdBin
        leftBins = candidate.leftBins
        defaultLeft = candidate.defaultLeft
    }

    @inline(__always)
    func goesLeft(_ bin: UInt8) -> Bool {
        if isCategorical { return leftBins.contains(bin) }
        if bin == 0 { return defaultLeft }
        return Int(bin) <= thresholdBin
    }
}

/// A tree as the learner grew it: the model's tree, the same splits in bins, and which
/// training rows ended in which leaf.
struct GrownTree {
    var tree: Tree
    /// The splits of `tree`'s internal nodes, in bins.
    var splits: [BinnedSplit]
    /// Each leaf's rows: `learner.rows[begin ..< begin + count]`.
    var leafRanges: [(begin: Int, count: Int)]
}

/// Grows one tree leaf-wise (best leaf first) on binned data, LightGBM's way: the
/// histogram of the smaller child is built from its rows, the larger child's is the
/// parent's minus the smaller's. Each group of 8 features' histograms is summed by one
/// thread in row order, and parallel loops over rows use fixed blocks, so the tree does
/// not depend on the thread count.
final class TreeLearner {
    let data: BinnedDataset
    let rules: SplitRules
    let numLeaves: Int
    let maxDepth: Int
    let threads: Int
    /// −1, 0 or 1 per feature.
    let monotone: [Int]

    /// The rows of the current bag, partitioned by leaf while a tree grows.
    private(set) var rows: [UInt32]
    private var rowCount: Int
    private var scratch: [UInt32]
    private var rightScratch: [UInt32]
    /// The gradients of a leaf's rows, in the order of `rows`.
    private var orderedPairs: [GradientPair]
    /// One flat histogram (`data.totalBins` bins) per leaf slot.
    private var histograms: [HistogramBin]
    /// Whether each feature may split in the current tree.
    private var featureUsed: [Bool]
    private var candidates: [SplitCandidate]
    private var secondCandidates: [SplitCandidate]

    init(data: BinnedDataset, parameters: GBDTParameters, monotone: [Int], threads: Int) {
        self.data = data
        self.rules = SplitRules(parameters)
        self.numLeaves = parameters.numLeaves
        self.maxDepth = parameters.maxDepth
        self.threads = threads
        self.monotone = monotone
        rows = (0..<data.rows).map { UInt32($0) }
        rowCount = data.rows
        scratch = [UInt32](repeating: 0, count: data.rows)
        rightScratch = scratch
        orderedPairs = [GradientPair](repeating: GradientPair(gradient: 0, hessian: 0), count: data.rows)
        histograms = [HistogramBin](
            repeating: HistogramBin(), count: Self.histogramSlots(parameters: parameters, rows: data.rows) * data.totalBins)
        featureUsed = [Bool](repeating: false, count: data.featureCount)
        candidates = [SplitCandidate](repeating: SplitCandidate(), count: data.featureCount)
        secondCandidates = candidates
    }

    /// Leaves that can hold a histogram at once: `num_leaves`, but no more than the
    /// leaves `min_data_in_leaf` allows on `rows` rows.
    static func histogramSlots(parameters: GBDTParameters, rows: Int) -> Int {
        max(1, min(parameters.numLeaves, rows / max(1, parameters.minDataInLeaf) + 1))
    }

    /// The most memory the leaves' histograms may take (4 GiB).
    static let maximumHistogramBytes = 4 << 30

    /// Rows per block of the parallel loops over a leaf's rows (fixed, so sums do not
    /// depend on the thread count).
    static let blockRows = 16_384
    /// Row-group visits below which a histogram pass runs on the calling thread.
    static let serialWork = 16_384

    /// The rows of the bag, ascending, or nil for every row.
    private var bag: [UInt32]?

    /// Uses `bag` (ascending rows) for the following trees, or every row if nil.
    func setBag(_ bag: [UInt32]?) {
        self.bag = bag
        rowCount = bag?.count ?? data.rows
    }

    /// Puts the bag's rows back in ascending order (growing a tree permutes them).
    private func resetRows() {
        if let bag {
            for (index, row) in bag.enumerated() { rows[index] = row }
        } else {
            for row in 0..<data.rows { rows[row] = UInt32(row) }
        }
    }

    /// Whether every row is in the bag (so the root's rows are `0..<rows` in order).
    private var isFullBag: Bool { rowCount == data.rows }

    private struct Leaf {
        var begin: Int
        var count: Int
        var sums: GradientSums
        var depth: Int
        var bounds: OutputBounds
        var best: SplitCandidate
        var slot: Int
        /// The L2 regularisation of the output (with `cat_l2` after a categorical split).
        var l2: Double
        /// The node whose child this leaf is (−1 for the root) and on which side.
        var parent: Int
        var isLeft: Bool
    }

    /// Grows a tree on the bag's rows.
    ///
    /// - Parameters:
    ///   - gradients: Every training row's gradient and hessian (not just the bag's).
    ///   - features: The features this tree may split on, ascending.
    func grow(gradients: GradientView, features: [Int]) -> GrownTree {
        resetRows()
        // The root's sums, in the histograms' precision (so a parent minus a child is the
        // other child), over fixed blocks of rows added in order.
        let blockRows = Self.blockRows
        let blockSums = rows.withUnsafeBufferPointer { rows in
            let rows = UnsafeSendable(UnsafeMutablePointer(mutating: rows.baseAddress!)), count = rowCount
            return ParallelLoop.map(count: (count + blockRows - 1) / blockRows, threads: threads) { block in
                var sums = GradientSums()
                for index in block * blockRows ..< min(count, (block + 1) * blockRows) {
                    let (gradient, hessian) = gradients[Int(rows.pointer[index])]
                    sums.gradient += Double(Float(gradient))
                    sums.hessian += Double(Float(hessian))
                }
                return sums
            }
        }
        var total = GradientSums()
        for sums in blockSums { total = total + sums }
        total.count = rowCount
        for feature in featureUsed.indices { featureUsed[feature] = false }
        for feature in features { featureUsed[feature] = true }
        var leaves = [Leaf(begin: 0, count: rowCount, sums: total, depth: 0, bounds: OutputBounds(),
                           best: SplitCandidate(), slot: 0, l2: rules.lambdaL2, parent: -1, isLeft: false)]
        if numLeaves > 1 {
            buildHistograms(small: leaves[0], large: nil, gradients: gradients, features: features)
            leaves[0].best = bestSplit(in: candidates, of: leaves[0], features: features)
        }
        var tree = Tree()
        var splits: [BinnedSplit] = []
        while leaves.count < numLeaves {
            // The leaf with the largest gain; ties go to the lowest leaf index.
            var chosen = -1
            for (index, leaf) in leaves.enumerated() where leaf.best.isValid {
                if chosen < 0 || leaf.best.gain > leaves[chosen].best.gain { chosen = index }
            }
            guard chosen >= 0 else { break }
            let parent = leaves[chosen]
            let split = parent.best
            let node = appendNode(to: &tree, split: split, parent: parent)
            splits.append(BinnedSplit(split))
            if parent.parent >= 0 {
                if parent.isLeft { tree.leftChild[parent.parent] = Int32(node) } else { tree.rightChild[parent.parent] = Int32(node) }
            }
            let newLeaf = leaves.count
            tree.leftChild[node] = ~Int32(chosen)
            tree.rightChild[node] = ~Int32(newLeaf)
            // Histogram counts are estimates; the partition counts exactly.
            let leftCount = partition(begin: parent.begin, count: parent.count, split: BinnedSplit(split))
            var leftBounds = parent.bounds, rightBounds = parent.bounds
            let direction = monotone[split.feature]
            if direction != 0 {
                let middle = (split.leftOutput + split.rightOutput) / 2
                if direction > 0 {
                    leftBounds.upper = min(leftBounds.upper, middle)
                    rightBounds.lower = max(rightBounds.lower, middle)
                } else {
                    leftBounds.lower = max(leftBounds.lower, middle)
                    rightBounds.upper = min(rightBounds.upper, middle)
                }
            }
            var leftSums = split.left, rightSums = split.right
            leftSums.count = leftCount
            rightSums.count = parent.count - leftCount
            let l2 = split.isCategorical ? rules.lambdaL2 + rules.catL2 : rules.lambdaL2
            var left = Leaf(begin: parent.begin, count: leftCount, sums: leftSums, depth: parent.depth + 1,
                            bounds: leftBounds, best: SplitCandidate(), slot: parent.slot,
                            l2: l2, parent: node, isLeft: true)
            var right = Leaf(begin: parent.begin + leftCount, count: parent.count - leftCount, sums: rightSums,
                             depth: parent.depth + 1, bounds: rightBounds, best: SplitCandidate(), slot: newLeaf,
                             l2: l2, parent: node, isLeft: false)
            let splittable = max(left.count, right.count) >= 2 * rules.minDataInLeaf
            if leaves.count + 1 < numLeaves && (maxDepth <= 0 || left.depth < maxDepth) && splittable {
                // Build the smaller child's histogram; the larger child takes the parent's
                // slot and becomes parent − smaller.
                let leftIsSmaller = left.count <= right.count
                var small = leftIsSmaller ? left : right
                var large = leftIsSmaller ? right : left
                large.slot = parent.slot
                small.slot = newLeaf
                buildHistograms(small: small, large: large, gradients: gradients, features: features)
                small.best = bestSplit(in: candidates, of: small, features: features)
                large.best = bestSplit(in: secondCandidates, of: large, features: features)
                if leftIsSmaller { left = small; right = large } else { left = large; right = small }
            }
            leaves[chosen] = left
            leaves.append(right)
        }
        // The split search summed single-precision gradients; each leaf's output is
        // computed again from its rows in double precision, within its bounds.
        let finished = leaves
        let leafSums = rows.withUnsafeBufferPointer { rows in
            let rows = UnsafeSendable(UnsafeMutablePointer(mutating: rows.baseAddress!))
            return ParallelLoop.map(count: finished.count, threads: threads) { index in
                let leaf = finished[index]
                var sums = GradientSums(count: leaf.count)
                for position in leaf.begin..<leaf.begin + leaf.count {
                    let (gradient, hessian) = gradients[Int(rows.pointer[position])]
                    sums.gradient += gradient
                    sums.hessian += hessian
                }
                return sums
            }
        }
        var ranges: [(begin: Int, count: Int)] = []
        for (leaf, sums) in zip(leaves, leafSums) {
            let output = leaf.count == 0 ? 0 : rules.output(sums, l2: leaf.l2, lower: leaf.bounds.lower, upper: leaf.bounds.upper)
            ranges.append((leaf.begin, leaf.count))
            _ = tree.appendLeaf(value: output, hessian: sums.hessian, count: UInt64(leaf.count))
        }
        return GrownTree(tree: tree, splits: splits, leafRanges: ranges)
    }

    /// Builds the histogram of `small` from its rows and, if given, turns `large`'s slot
    /// (holding the parent's histogram) into the parent's minus the small one's; then
    /// finds each feature's best split of both leaves (into `candidates` and
    /// `secondCandidates`). One thread per feature at a time.
    private func buildHistograms(small: Leaf, large: Leaf?, gradients: GradientView, features: [Int]) {
        let rowTotal = data.rows
        let begin = small.begin, count = small.count
        let sequential = isFullBag && begin == 0 && count == rowTotal
        let totalBins = data.totalBins
        rows.withUnsafeBufferPointer { rows in
            orderedPairs.withUnsafeMutableBufferPointer { pairs in
                // Gather the leaf's gradients in row order, in parallel over fixed blocks.
                let source = UnsafeSendable(UnsafeMutablePointer(mutating: rows.baseAddress! + begin))
                let target = UnsafeSendable(pairs.baseAddress!)
                let blockRows = Self.blockRows
                ParallelLoop.forEach(count: (count + blockRows - 1) / blockRows, threads: threads) { block in
                    let start = block * blockRows, end = min(count, start + blockRows)
                    let prefetchEnd = max(start, end - 32)
                    for index in start..<end {
                        if index < prefetchEnd { gradients.prefetch(Int(source.pointer[index &+ 32])) }
                        let (gradient, hessian) = gradients[Int(source.pointer[index])]
                        target.pointer[index] = GradientPair(gradient: Float(gradient), hessian: Float(hessian))
                    }
                }
                histograms.withUnsafeMutableBufferPointer { histograms in
                    candidates.withUnsafeMutableBufferPointer { candidates in
                        secondCandidates.withUnsafeMutableBufferPointer { secondCandidates in
                            let job = HistogramJob(
                                bins: data.lane(0).start, rowTotal: rowTotal,
                                rows: rows.baseAddress! + begin, count: count,
                                pairs: UnsafePointer(pairs.baseAddress!), sequential: sequential,
                                smallHistogram: histograms.baseAddress! + small.slot * totalBins,
                                largeHistogram: large.map { histograms.baseAddress! + $0.slot * totalBins },
                                candidates: candidates.baseAddress!, secondCandidates: secondCandidates.baseAddress!)
                            let mappers = data.mappers, featureUsed = self.featureUsed
                            let rules = self.rules, monotone = self.monotone
                            let width = BinnedDataset.groupWidth, perFeature = BinnedDataset.binsPerFeature
                            let featureCount = data.featureCount
                            // A small leaf's pass is over before threads would start.
                            let passThreads = count * data.groupCount < Self.serialWork ? 1 : threads
                            ParallelLoop.forEach(count: data.groupCount, threads: passThreads) { group in
                                let groupFeatures = group * width ..< min(featureCount, (group + 1) * width)
                                guard groupFeatures.contains(where: { featureUsed[$0] }) else { return }
                                job.accumulate(group: group, lanes: groupFeatures.count, into: job.smallHistogram + group * width * perFeature)
                                for feature in groupFeatures where featureUsed[feature] {
                                    let mapper = mappers[feature]
                                    let smallBins = job.smallHistogram + feature * perFeature
                                    job.candidates[feature] = rules.bestSplit(
                                        smallBins, mapper: mapper, total: small.sums, bounds: small.bounds,
                                        monotone: monotone[feature], feature: feature)
                                    guard let large, let largeHistogram = job.largeHistogram else { continue }
                                    let largeBins = largeHistogram + feature * perFeature
                                    for bin in 0..<mapper.binCount { largeBins[bin] = largeBins[bin] - smallBins[bin] }
                                    job.secondCandidates[feature] = rules.bestSplit(
                                        largeBins, mapper: mapper, total: large.sums, bounds: large.bounds,
                                        monotone: monotone[feature], feature: feature)
                                }
                            }
                        }
                    }
                }
            }
        }
    }

    /// The model's node for `split` (thresholds and level sets in the feature's values).
    private func appendNode(to tree: inout Tree, split: SplitCandidate, parent: Leaf) -> Int {
        let mapper = data.mappers[split.feature]
        if split.isCategorical {
            var codes: [Int] = []
            for bin in 1..<mapper.binCount where split.leftBins.contains(UInt8(bin)) {
                codes.append(contentsOf: mapper.levelsOfBin[bin])
            }
            codes.sort()
            let unseenLeft = mapper.rareBin.map { split.leftBins.contains(UInt8($0)) } ?? false
            return tree.appendCategoricalNode(
                feature: split.feature, leftCodes: codes, defaultLeft: split.defaultLeft, unseenLeft: unseenLeft,
                gain: split.gain, hessian: parent.sums.hessian, count: UInt64(parent.count))
        }
        return tree.appendNumericNode(
            feature: split.feature, threshold: mapper.upperBounds[split.thresholdBin - 1], defaultLeft: split.defaultLeft,
            gain: split.gain, hessian: parent.sums.hessian, count: UInt64(parent.count))
    }

    /// The best of the per-feature candidates, or none if the leaf may not split.
    private func bestSplit(in candidates: [SplitCandidate], of leaf: Leaf, features: [Int]) -> SplitCandidate {
        guard maxDepth <= 0 || leaf.depth < maxDepth, leaf.count >= 2 * rules.minDataInLeaf else { return SplitCandidate() }
        var best = SplitCandidate()
        for feature in features where candidates[feature].isBetter(than: best) { best = candidates[feature] }
        return best
    }

    /// Stable-partitions the leaf's rows: those going left first. Returns the left count.
    ///
    /// Large leaves are cut into chunks of a fixed size, partitioned in parallel, then
    /// gathered: the result is the same whatever the thread count.
    private func partition(begin: Int, count: Int, split: BinnedSplit) -> Int {
        let (column, stride) = data.lane(split.feature)
        let chunkRows = 32_768
        let chunks = (count + chunkRows - 1) / chunkRows
        var leftCounts = [Int](repeating: 0, count: chunks)
        // 1 for each bin that goes left: numeric, categorical and missing alike.
        let sides = (0..<BinnedDataset.binsPerFeature).map { UInt8(split.goesLeft(UInt8($0)) ? 1 : 0) }
        let sideTable = UnsafeMutablePointer<UInt8>.allocate(capacity: sides.count)
        defer { sideTable.deallocate() }
        sideTable.initialize(from: sides, count: sides.count)
        let table = UnsafeSendable(sideTable)
        rows.withUnsafeMutableBufferPointer { rows in
            scratch.withUnsafeMutableBufferPointer { scratch in
                rightScratch.withUnsafeMutableBufferPointer { rightScratch in
                    leftCounts.withUnsafeMutableBufferPointer { leftCounts in
                        let job = PartitionJob(
                            column: column, stride: stride, rows: rows.baseAddress! + begin, left: scratch.baseAddress!,
                            right: rightScratch.baseAddress!, leftCounts: leftCounts.baseAddress!, count: count, chunkRows: chunkRows)
                        ParallelLoop.forEach(count: chunks, threads: threads) { job.split(chunk: $0, by: table.pointer) }
                        let leftTotal = leftCounts.reduce(0, +)
                        ParallelLoop.forEach(count: chunks, threads: threads) { job.gather(chunk: $0, leftTotal: leftTotal) }
                    }
                }
            }
        }
        return leftCounts.reduce(0, +)
    }
}

/// The shared state of a parallel partition: each chunk of a leaf's rows is split into
/// its left and right rows (kept in order, at the chunk's own offsets in two scratch
/// arrays), then copied to its place: all left rows first, chunk by chunk, then all right.
private struct PartitionJob: @unchecked Sendable {
    let column: UnsafePointer<UInt8>
    let stride: Int
    let rows: UnsafeMutablePointer<UInt32>
    let left: UnsafeMutablePointer<UInt32>
    let right: UnsafeMutablePointer<UInt32>
    let leftCounts: UnsafeMutablePointer<Int>
    let count: Int
    let chunkRows: Int

    /// Splits one chunk without branching on the data: every row is written to both
    /// sides and only the side it belongs to advances.
    func split(chunk: Int, by table: UnsafePointer<UInt8>) {
        let start = chunk * chunkRows, end = min(count, start + chunkRows)
        var leftCount = 0, rightCount = 0
        let left = self.left + start, right = self.right + start
        let prefetchEnd = max(start, end - 32)
        for index in start..<end {
            if index < prefetchEnd { apus_prefetch(column + Int(rows[index &+ 32]) &* stride) }
            let row = rows[index]
            let goesLeft = Int(table[Int(column[Int(row) &* stride])])
            left[leftCount] = row
            right[rightCount] = row
            leftCount &+= goesLeft
            rightCount &+= 1 &- goesLeft
        }
        leftCounts[chunk] = leftCount
    }

    func gather(chunk: Int, leftTotal: Int) {
        let start = chunk * chunkRows, end = min(count, start + chunkRows)
        var leftBefore = 0
        for earlier in 0..<chunk { leftBefore += leftCounts[earlier] }
        let rightBefore = start - leftBefore
        let leftCount = leftCounts[chunk], rightCount = end - start - leftCount
        (rows + leftBefore).update(from: left + start, count: leftCount)
        (rows + leftTotal + rightBefore).update(from: right + start, count: rightCount)
    }
}

/// Every training row's gradient and hessian for the tree being grown: element
/// `row × stride` of two arrays (the stride is the class count for multiclass, whose
/// gradients are stored row by row, class by class).
struct GradientView: @unchecked Sendable {
    let gradients: UnsafePointer<Double>
    let hessians: UnsafePointer<Double>
    let stride: Int

    @inline(__always)
    subscript(row: Int) -> (Double, Double) {
        (gradients[row &* stride], hessians[row &* stride])
    }

    /// Starts loading row `row`'s values into the cache.
    @inline(__always)
    func prefetch(_ row: Int) {
        apus_prefetch(gradients + row &* stride)
        apus_prefetch(hessians + row &* stride)
    }
}
