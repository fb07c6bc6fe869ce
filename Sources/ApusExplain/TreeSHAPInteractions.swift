import ApusModel

extension TreeSHAP {
    /// The SHAP interaction values of `rows` feature-matrix rows (Lundberg et al., 2020,
    /// path-dependent, as shap's `shap_interaction_values` and XGBoost's `pred_interactions`
    /// compute them): `rows × scoresPerRow × (features + 1) × (features + 1)` values,
    /// row-major. In each score's matrix `Φ`, for features `i ≠ j`, `Φ[j][i]` is half the
    /// change in `φ_i` between feature `j` held known and held unknown; `Φ[i][i]` is the main
    /// effect `φ_i − Σ_{j≠i} Φ[j][i]`; `Φ[F][F]` is the bias (``expectedValues``) and the rest
    /// of the last row and column is 0 (`F` = the feature count).
    ///
    /// Column `i` sums to feature `i`'s SHAP value (``values(features:threads:)``), and so
    /// does row `i` (`Φ` is symmetric up to rounding); the whole matrix sums to the row's
    /// raw score. Computed leaf by leaf (``LeafPathForest``): per leaf `O(M² · |O|)` for `M`
    /// distinct path features, `|O|` of them agreed with; trees the recursion explains (see
    /// ``TreeSHAPOptions``) cost one TreeSHAP pass plus two per distinct feature they split on.
    ///
    /// - Throws: ``ExplainError`` if `features` does not hold whole rows.
    public func interactionValues(features: [Double], threads: Int = 0) throws(ExplainError) -> [Double] {
        let width = featureCount + 1
        let splitFeatures = trees.map { Array(Set($0.tree.splitFeature)).sorted() }
        return try explainRows(features: features, featureCount: featureCount, valuesPerRow: scoresPerRow * width * width, threads: threads) {
            interactions(rows: $0, splitFeatures: splitFeatures, input: $1, output: $2)
        }
    }

    /// The rows' matrices, written into `output` (zeroed by the caller).
    private func interactions(
        rows: Range<Int>, splitFeatures: [[Int32]], input: UnsafePointer<Double>, output: UnsafeMutablePointer<Double>
    ) {
        let width = featureCount + 1, matrix = width * width
        forest.explainInteractions(rows: rows, input: input, featureCount: featureCount, output: output, scoresPerRow: scoresPerRow)
        let scratch = ConditionedTreeSHAP.Scratch(maxDepth: maxDepth, featureCount: featureCount, scoresPerRow: scoresPerRow)
        defer { scratch.deallocate() }
        for row in rows {
            let features = UnsafeBufferPointer(start: input + row * featureCount, count: featureCount)
            let rowOutput = output + row * scoresPerRow * matrix
            scratch.shap.update(repeating: 0, count: scoresPerRow * featureCount)
            // The trees the forest does not hold: paths of more than 64 distinct features, or all
            // of them with `recursive`.
            for index in recursiveTrees {
                let tree = trees[index], score = index % scoresPerRow
                let shap = scratch.shap + score * featureCount, values = rowOutput + score * matrix
                let explain = ConditionedTreeSHAP(tree: tree, features: features, path: scratch.path)
                explain.values(into: shap, condition: .none)
                for held in splitFeatures[index] {
                    for feature in splitFeatures[index] {
                        scratch.known[Int(feature)] = 0
                        scratch.unknown[Int(feature)] = 0
                    }
                    explain.values(into: scratch.known, condition: .known(held))
                    explain.values(into: scratch.unknown, condition: .unknown(held))
                    for feature in splitFeatures[index] {
                        let value = (scratch.known[Int(feature)] - scratch.unknown[Int(feature)]) / 2
                        values[Int(held) * width + Int(feature)] += value
                        shap[Int(feature)] -= value
                    }
                }
            }
            for score in 0..<scoresPerRow {
                let values = rowOutput + score * matrix
                for feature in 0..<featureCount { values[feature * width + feature] += scratch.shap[score * featureCount + feature] }
                values[featureCount * width + featureCount] = expectedValues[score]
            }
        }
    }
}
