/// The coalitions (subsets of the varying features) KernelSHAP evaluates for one row, and
/// their kernel weights: shap's `KernelExplainer.explain` scheme, with Apus's generator in
/// place of numpy's.
///
/// Subset sizes `s` and `M − s` share the Shapley kernel's weight `(M − 1) / (s (M − s))`
/// per subset. From the smallest size up, a size (with its complement size) is enumerated
/// fully while the budget left, shared by the remaining weight, covers every subset of it;
/// the rest of the budget is drawn at random: a size by its remaining weight, a uniform
/// subset of that size, and its complement; a subset drawn again adds 1 to its weight
/// instead of a row. The random draws' weights are then scaled to the kernel weight their
/// sizes carry. When `2^M − 2` subsets fit in the budget, every one is enumerated and the
/// regression gives the exact Shapley values.
struct KernelSHAPCoalitions {
    /// The varying features (players).
    let players: Int
    /// `count × players` zeros and ones, row-major: 1 = the feature takes the row's value.
    private(set) var masks: [UInt8] = []
    /// One kernel weight per coalition.
    private(set) var weights: [Double] = []
    /// The number of coalitions.
    var count: Int { weights.count }

    /// The coalitions of `players` (≥ 2) features for a budget of `samples` evaluations.
    init(players: Int, samples budget: Int, generator: inout SeededGenerator) {
        self.players = players
        let maxSamples = players <= 30 ? (1 << players) - 2 : 1 << 30
        let samples = min(max(budget, 1), maxSamples)
        let sizeCount = players / 2, pairedCount = (players - 1) / 2
        var kernel = (1...sizeCount).map { Double(players - 1) / (Double($0) * Double(players - $0)) }
        for index in 0..<pairedCount { kernel[index] *= 2 }
        let kernelTotal = kernel.reduce(0, +)
        kernel = kernel.map { $0 / kernelTotal }

        // Whole sizes, from the smallest, while the budget covers them.
        var fullSizes = 0, budgetLeft = Double(samples)
        var remaining = kernel
        for size in 1...sizeCount {
            let paired = size <= pairedCount
            let subsets = binomial(players, size) * (paired ? 2 : 1)
            guard budgetLeft * remaining[size - 1] / subsets >= 1 - 1e-8 else { break }
            fullSizes += 1
            budgetLeft -= subsets
            if remaining[size - 1] < 1 {
                let rest = 1 - remaining[size - 1]
                remaining = remaining.map { $0 / rest }
            }
            let weight = kernel[size - 1] / binomial(players, size) / (paired ? 2 : 1)
            enumerateSubsets(size: size) { mask in
                append(mask, weight: weight)
                if paired { append(mask.map { 1 - $0 }, weight: weight) }
            }
        }
        if fullSizes < sizeCount {
            sample(from: kernel, fullSizes: fullSizes, pairedCount: pairedCount, left: samples - count, generator: &generator)
        }
    }

    /// The random part: `left` more coalitions drawn by kernel weight.
    private mutating func sample(
        from kernel: [Double], fullSizes: Int, pairedCount: Int, left: Int, generator: inout SeededGenerator
    ) {
        var sizeWeights = kernel
        for index in 0..<pairedCount { sizeWeights[index] /= 2 }
        sizeWeights = Array(sizeWeights[fullSizes...])
        let total = sizeWeights.reduce(0, +)
        var cumulative: [Double] = []
        var running = 0.0
        for weight in sizeWeights {
            running += weight / total
            cumulative.append(running)
        }
        let fixed = count
        var left = left, draws = 0
        let maxDraws = 4 * left
        var seen: [[UInt64]: Int] = [:]
        var order = Array(0..<players)
        var mask = [UInt8](repeating: 0, count: players)
        while left > 0, draws < maxDraws {
            draws += 1
            let unit = generator.nextUnit()
            var pick = 0
            while pick < cumulative.count - 1, unit >= cumulative[pick] { pick += 1 }
            let size = pick + fullSizes + 1
            for index in 0..<players { mask[index] = 0 }
            for index in 0..<size {
                order.swapAt(index, index + generator.nextInt(below: players - index))
                mask[order[index]] = 1
            }
            let key = Self.key(mask)
            let previous = seen[key]
            if let previous {
                weights[previous] += 1
            } else {
                seen[key] = count
                left -= 1
                append(mask, weight: 1)
            }
            if left > 0, size <= pairedCount {
                if let previous {
                    weights[previous + 1] += 1
                } else {
                    left -= 1
                    append(mask.map { 1 - $0 }, weight: 1)
                }
            }
        }
        let weightLeft = kernel[fullSizes...].reduce(0, +)
        let drawn = weights[fixed...].reduce(0, +)
        guard drawn > 0 else { return }
        for index in fixed..<count { weights[index] *= weightLeft / drawn }
    }

    private mutating func append(_ mask: [UInt8], weight: Double) {
        masks += mask
        weights.append(weight)
    }

    /// Every subset of `size` players, in lexicographic order (as `itertools.combinations`).
    private func enumerateSubsets(size: Int, _ body: ([UInt8]) -> Void) {
        var chosen = Array(0..<size)
        var mask = [UInt8](repeating: 0, count: players)
        while true {
            for index in 0..<players { mask[index] = 0 }
            for index in chosen { mask[index] = 1 }
            body(mask)
            var position = size - 1
            while position >= 0, chosen[position] == players - size + position { position -= 1 }
            guard position >= 0 else { return }
            chosen[position] += 1
            for next in (position + 1)..<size { chosen[next] = chosen[next - 1] + 1 }
        }
    }

    /// A mask packed into words, to recognise a subset drawn again.
    private static func key(_ mask: [UInt8]) -> [UInt64] {
        var words = [UInt64](repeating: 0, count: (mask.count + 63) / 64)
        for (index, bit) in mask.enumerated() where bit != 0 { words[index / 64] |= 1 << UInt64(index % 64) }
        return words
    }
}

/// `n` choose `k` as a double (exact up to 2^53).
func binomial(_ n: Int, _ k: Int) -> Double {
    guard k >= 0, k <= n else { return 0 }
    var result = 1.0
    for index in 0..<min(k, n - k) { result = result * Double(n - index) / Double(index + 1) }
    return result.rounded()
}
