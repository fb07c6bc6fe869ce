/// KernelSHAP's constrained weighted least squares (shap's `KernelExplainer.solve`, without
/// the l1 feature selection): find φ minimising `Σ_c w_c (v_c − Σ_j z_cj φ_j)²` subject to
/// `Σ_j φ_j = f(x) − E[f]`, where `v_c` is coalition `c`'s mean output minus `E[f]`.
///
/// The constraint eliminates the last player: `φ_last = (f(x) − E[f]) − Σ_{j<last} φ_j`, so
/// the free problem is over `z_cj − z_c,last` with target `v_c − z_c,last (f(x) − E[f])`,
/// solved through its normal equations for every output at once.
enum KernelSHAPSolver {
    /// The players' values, `players × outputs`, row-major.
    ///
    /// - Parameters:
    ///   - coalitions: the masks and kernel weights.
    ///   - means: `coalitions.count × outputs` mean outputs of the coalitions, minus `E[f]`.
    ///   - totals: per output, `f(x) − E[f]`.
    static func solve(_ coalitions: KernelSHAPCoalitions, means: [Double], totals: [Double]) -> [Double] {
        let players = coalitions.players, outputs = totals.count
        let free = players - 1, last = players - 1
        var gram = [Double](repeating: 0, count: free * free)
        var right = [Double](repeating: 0, count: free * outputs)
        var design = [Double](repeating: 0, count: free)
        coalitions.masks.withUnsafeBufferPointer { masks in
            for c in 0..<coalitions.count {
                let weight = coalitions.weights[c]
                guard weight != 0 else { continue }
                let row = c * players
                let lastValue = Double(masks[row + last])
                for j in 0..<free { design[j] = Double(masks[row + j]) - lastValue }
                for i in 0..<free where design[i] != 0 {
                    let wi = weight * design[i]
                    for j in 0...i { gram[i * free + j] += wi * design[j] }
                    for d in 0..<outputs {
                        right[i * outputs + d] += wi * (means[c * outputs + d] - lastValue * totals[d])
                    }
                }
            }
        }
        for i in 0..<free { for j in 0..<i { gram[j * free + i] = gram[i * free + j] } }
        let solution = SymmetricSolver.solve(gram, n: free, right, columns: outputs)
        var phi = [Double](repeating: 0, count: players * outputs)
        for d in 0..<outputs {
            var sum = 0.0
            for j in 0..<free {
                phi[j * outputs + d] = solution[j * outputs + d]
                sum += solution[j * outputs + d]
            }
            phi[last * outputs + d] = totals[d] - sum
        }
        return phi
    }
}
