extension TreeEnsemble {
    /// Per-row feature contributions by the tree-path method (Saabas; what Python's
    /// `treeinterpreter` computes), a fast approximation of SHAP values.
    ///
    /// Each tree walks the row from its root to its leaf. At each internal node the change
    /// in expected value from the node to the child the row takes is credited to the node's
    /// split feature; the root's expected value goes to the bias. A node's expected value is
    /// the cover-weighted mean of the leaf values below it, the covers being the leaves'
    /// hessian sums (``Tree/leafHessian``). Two fallbacks keep every value finite:
    ///
    /// - a tree whose leaf hessians are all zero (its covers were not recorded) weighs its
    ///   leaves by ``Tree/leafRowCount`` instead;
    /// - a node whose leaves' covers are all zero (no training row reached it, or no covers
    ///   were recorded at all) takes the plain mean of its leaves.
    ///
    /// Either way the contributions of a tree add up to the leaf the row lands in, so a
    /// score's bias plus its contributions equal its raw score (``rawScores(features:rounds:threads:)``)
    /// up to floating-point rounding. Rows are routed exactly as prediction routes them
    /// (missing values by `defaultLeft`, unseen levels by `unseenLeft`).
    ///
    /// - Parameters:
    ///   - features: `rows × featureKinds.count` values, row-major (see ``FeatureSchema``).
    ///   - rows: The number of rows.
    ///   - rounds: Use only the first `rounds` rounds (nil: all), as in prediction.
    /// - Returns: `rows × scoresPerRow × (featureKinds.count + 1)` values, row-major: for
    ///   each row and each score, one contribution per feature (in matrix-column order)
    ///   and then the bias (the score's base score plus its trees' root expected values).
    ///   Each group sums to the row's raw score for that score.
    /// - Precondition: `features` holds `rows × featureKinds.count` values.
    public func pathContributions(features: UnsafeBufferPointer<Double>, rows: Int, rounds: Int? = nil) -> [Double] {
        let featureCount = featureKinds.count
        precondition(rows >= 0 && features.count >= rows * featureCount)
        let k = scoresPerRow, width = featureCount + 1
        var contributions = [Double](repeating: 0, count: rows * k * width)
        guard rows > 0 else { return contributions }
        let treeLimit = min(max(rounds ?? self.rounds, 0), self.rounds) * k
        var bias = baseScore
        for tree in 0..<treeLimit {
            let root = forest.roots[tree]
            bias[tree % k] += root >= 0 ? forest.expectedValues[Int(root)] : forest.leafValues[Int(~root)]
        }
        contributions.withUnsafeMutableBufferPointer { output in
            for group in 0..<rows * k { output[group * width + featureCount] = bias[group % k] }
            forest.addPathContributions(
                features: features.baseAddress ?? UnsafePointer(bitPattern: 8)!, featureCount: featureCount, rows: rows,
                scoresPerRow: k, treeLimit: treeLimit, output: output.baseAddress!)
        }
        return contributions
    }

    /// Per-row feature contributions of a feature matrix by the tree-path method; see
    /// ``pathContributions(features:rows:rounds:)`` for the method and the layout
    /// (`rows × scoresPerRow × (featureKinds.count + 1)`, the bias last in each group).
    ///
    /// - Parameters:
    ///   - features: `rows × featureKinds.count` values, row-major (see ``FeatureSchema``).
    ///   - rounds: Use only the first `rounds` rounds (nil: all).
    /// - Throws: ``ModelError/shapeMismatch(expected:found:)`` if `features` does not
    ///   hold whole rows.
    public func pathContributions(features: [Double], rounds: Int? = nil) throws(ModelError) -> [Double] {
        let featureCount = featureKinds.count
        guard featureCount > 0 ? features.count % featureCount == 0 : features.isEmpty else {
            throw .shapeMismatch(expected: "rows of \(featureCount) features", found: "\(features.count) values")
        }
        let rows = featureCount > 0 ? features.count / featureCount : 0
        return features.withUnsafeBufferPointer { pathContributions(features: $0, rows: rows, rounds: rounds) }
    }
}

extension PackedForest {
    /// The expected value of every internal node of `trees`, indexed like ``nodes`` (see
    /// ``TreeEnsemble/pathContributions(features:rows:rounds:)`` for the covers and their
    /// fallbacks). A leaf's expected value is its value.
    ///
    /// Computed once, when the forest is packed (about 5 ns a node: 14 µs for 100 trees of
    /// 31 leaves, against 2 µs for the walk of a one-row explanation).
    ///
    /// - Precondition: The trees passed ``TreeValidation`` (a cycle would overrun the scratch).
    static func expectedValues(of trees: [Tree]) -> [Double] {
        let nodeCount = trees.reduce(0) { $0 + $1.internalNodeCount }
        let largest = trees.reduce(0) { max($0, $1.internalNodeCount) }
        // Scratch reused by every tree: the nodes in pre-order (and a stack to find them), and
        // per node its leaves' covers, cover-weighted values, plain values and count, summed.
        let order = UnsafeMutablePointer<Int32>.allocate(capacity: 2 * largest)
        let sums = UnsafeMutablePointer<SIMD4<Double>>.allocate(capacity: largest)
        defer { order.deallocate(); sums.deallocate() }
        let stack = order + largest
        return [Double](unsafeUninitializedCapacity: nodeCount) { expected, initialized in
            var base = 0
            for tree in trees {
                let nodes = tree.internalNodeCount
                guard nodes > 0 else { continue }
                tree.leftChild.withUnsafeBufferPointer { left in
                    tree.rightChild.withUnsafeBufferPointer { right in
                        // Pre-order from the root; validation guarantees a tree, so each node comes once.
                        var visited = 0, depth = 1
                        stack[0] = 0
                        while depth > 0 {
                            depth -= 1
                            let node = Int(stack[depth])
                            order[visited] = Int32(node)
                            visited += 1
                            if left[node] >= 0 { stack[depth] = left[node]; depth += 1 }
                            if right[node] >= 0 { stack[depth] = right[node]; depth += 1 }
                        }
                        let byHessian = tree.leafHessian.contains { $0 > 0 }
                        func sum(_ child: Int32) -> SIMD4<Double> {
                            if child >= 0 { return sums[Int(child)] }
                            let leaf = Int(~child), value = tree.leafValue[leaf]
                            let cover = byHessian ? tree.leafHessian[leaf] : Double(tree.leafRowCount[leaf])
                            return SIMD4(cover, cover * value, value, 1)
                        }
                        // Reversed, a node comes after everything below it.
                        for index in stride(from: nodes - 1, through: 0, by: -1) {
                            let node = Int(order[index])
                            let total = sum(left[node]) + sum(right[node])
                            sums[node] = total
                            let mean = total[1] / total[0]
                            // No cover below (0 / 0), or sums beyond the largest Double: the plain mean.
                            expected[base + node] = total[0] > 0 && mean.isFinite ? mean : total[2] / total[3]
                        }
                    }
                }
                base += nodes
            }
            initialized = nodeCount
        }
    }

    /// Adds the path contributions of `rows` feature-matrix rows to `output`
    /// (`rows × scoresPerRow × (featureCount + 1)`; the bias entries are left alone),
    /// routing each row with ``goesLeft(_:value:words:)``, the prediction's own test.
    func addPathContributions(
        features: UnsafePointer<Double>, featureCount: Int, rows: Int, scoresPerRow: Int, treeLimit: Int,
        output: UnsafeMutablePointer<Double>
    ) {
        // Single leaves only: everything is bias.
        guard !nodes.isEmpty else { return }
        let width = featureCount &+ 1
        nodes.withUnsafeBufferPointer { nodes in
            expectedValues.withUnsafeBufferPointer { expected in
                leafValues.withUnsafeBufferPointer { leafValues in
                    words.withUnsafeBufferPointer { words in
                        let nodes = nodes.baseAddress!, expected = expected.baseAddress!
                        let leafValues = leafValues.baseAddress!, words = words.baseAddress
                        for row in 0..<rows {
                            let rowValues = features + row &* featureCount
                            let groups = output + row &* scoresPerRow &* width
                            for tree in 0..<treeLimit {
                                var child = roots[tree]
                                // A single-leaf tree: its value is all bias.
                                guard child >= 0 else { continue }
                                let group = groups + (tree % scoresPerRow) &* width
                                var value = expected[Int(child)]
                                repeat {
                                    let node = nodes[Int(child)]
                                    let feature = Int(node.feature)
                                    child = Self.goesLeft(node, value: rowValues[feature], words: words) ? node.left : node.right
                                    let next = child >= 0 ? expected[Int(child)] : leafValues[Int(~child)]
                                    group[feature] += next - value
                                    value = next
                                } while child >= 0
                            }
                        }
                    }
                }
            }
        }
    }
}
