import ApusModel
import ApusTable

extension GBDTTrainer {
    /// The objective the parameters name, checked against the data's task.
    static func objective(for data: TrainingData, parameters: GBDTParameters) throws(TrainingError) -> any Objective {
        let name = parameters.objective.isEmpty ? data.objective : parameters.objective
        let fits: Bool
        switch data.task {
        case .binary: fits = name == "binary"
        case .multiclass: fits = name == "multiclass"
        case .regression: fits = !["binary", "multiclass"].contains(name)
        }
        guard fits else {
            throw .parameter(.inconsistent("objective `\(name)` does not fit a \(data.task.rawValue) target (`\(data.target)`)"))
        }
        do {
            return try Objectives.named(name, parameters: ObjectiveParameters(
                classCount: data.task == .multiclass ? data.classes.count : nil, alpha: parameters.alpha,
                scalePositiveWeight: parameters.scalePosWeight, poissonMaxDeltaStep: parameters.poissonMaxDeltaStep))
        } catch {
            throw .objective(error.description)
        }
    }

    /// The monotone direction of every feature.
    static func monotone(_ parameters: GBDTParameters, schema: FeatureSchema) throws(TrainingError) -> [Int] {
        let constraints = parameters.monotoneConstraints
        guard !constraints.isEmpty else { return [Int](repeating: 0, count: schema.count) }
        guard constraints.count == schema.count else {
            let names = schema.features.map(\.name).joined(separator: ", ")
            throw .parameter(.inconsistent(
                "monotone_constraints has \(constraints.count) values for \(schema.count) features (\(names))"))
        }
        for (feature, direction) in zip(schema.features, constraints) where direction != 0 && feature.kind == .categorical {
            throw .parameter(.inconsistent("monotone_constraints: feature `\(feature.name)` is categorical and cannot be monotone"))
        }
        return constraints
    }

    /// The validation metric: the one named, or the objective's own.
    static func metric(parameters: GBDTParameters, objective: String) throws(TrainingError) -> (any Metric)? {
        let name: String
        if !parameters.metric.isEmpty {
            name = parameters.metric
        } else {
            switch objective {
            case "binary": name = "logloss"
            case "multiclass": name = "multi_logloss"
            case "poisson": name = "poisson_deviance"
            case "regression": name = "rmse"
            default: name = "mae"
            }
        }
        do { return try Metrics.named(name) } catch { throw .parameter(.invalid(name: "metric", value: name, expected: "a known metric")) }
    }

    /// The features one tree may use: all, or a seeded draw of `fraction` of them (at
    /// least one), ascending.
    static func featureSubset(_ features: [Int], fraction: Double, random: inout SeededRandom) -> [Int] {
        guard fraction < 1 else { return features }
        var shuffled = features
        random.shuffle(&shuffled)
        let keep = max(1, Int((Double(features.count) * fraction).rounded()))
        return shuffled.prefix(keep).sorted()
    }

    /// Sets each leaf's output to the weighted `alpha`-quantile of its rows' residuals
    /// (LightGBM's `RenewTreeOutput`, for L1 and quantile objectives).
    func renewLeaves(
        _ grown: inout GrownTree, learner: TreeLearner, labels: [Double], scores: [Double], weights: [Double]?, alpha: Double
    ) {
        for leaf in 0..<grown.tree.leafCount {
            let range = grown.leafRanges[leaf]
            guard range.count > 0 else { continue }
            var residuals = [Double](repeating: 0, count: range.count)
            var leafWeights = weights == nil ? nil : [Double](repeating: 0, count: range.count)
            for index in 0..<range.count {
                let row = Int(learner.rows[range.begin + index])
                residuals[index] = labels[row] - scores[row]
                leafWeights?[index] = weights![row]
            }
            grown.tree.leafValue[leaf] = withBuffers(residuals, leafWeights) { residuals, weights in
                ObjectiveInput.weightedQuantile(residuals, weights, alpha: alpha)
            }
        }
    }

    /// Every row's gradients and hessians (`rows × k`), in parallel over fixed blocks of
    /// rows (each row's values depend on that row alone).
    static func computeGradients(
        _ objective: any Objective, labels: [Double], scores: [Double], weights: [Double]?,
        gradients: inout [Double], hessians: inout [Double], threads: Int
    ) {
        let k = objective.scoresPerRow, rows = labels.count
        let blockRows = TreeLearner.blockRows
        withBuffers(labels, weights) { labels, weights in
            scores.withUnsafeBufferPointer { scores in
                gradients.withUnsafeMutableBufferPointer { g in
                    hessians.withUnsafeMutableBufferPointer { h in
                        let input = GradientInput(labels: labels, scores: scores, weights: weights)
                        let output = GradientOutput(gradients: g, hessians: h)
                        ParallelLoop.forEach(count: (rows + blockRows - 1) / blockRows, threads: threads) { block in
                            let range = block * blockRows ..< min(rows, (block + 1) * blockRows)
                            let scaled = range.lowerBound * k ..< range.upperBound * k
                            objective.gradients(
                                labels: UnsafeBufferPointer(rebasing: input.labels[range]),
                                scores: UnsafeBufferPointer(rebasing: input.scores[scaled]),
                                weights: input.weights.map { UnsafeBufferPointer(rebasing: $0[range]) },
                                gradients: UnsafeMutableBufferPointer(rebasing: output.gradients[scaled]),
                                hessians: UnsafeMutableBufferPointer(rebasing: output.hessians[scaled]))
                        }
                    }
                }
            }
        }
    }

    /// Copies row-major `rows × k` values into class-major `k × rows` order, in parallel
    /// over fixed blocks of rows.
    static func groupByClass(_ values: [Double], into grouped: inout [Double], k: Int, threads: Int) {
        let rows = values.count / k, blockRows = TreeLearner.blockRows
        values.withUnsafeBufferPointer { values in
            grouped.withUnsafeMutableBufferPointer { grouped in
                let source = UnsafeSendable(UnsafeMutablePointer(mutating: values.baseAddress!))
                let target = UnsafeSendable(grouped.baseAddress!)
                ParallelLoop.forEach(count: (rows + blockRows - 1) / blockRows, threads: threads) { block in
                    for row in block * blockRows ..< min(rows, (block + 1) * blockRows) {
                        for c in 0..<k { target.pointer[c &* rows &+ row] = source.pointer[row &* k &+ c] }
                    }
                }
            }
        }
    }

    /// Adds the tree's (shrunk) leaf values to the training scores of class `c`: rows in
    /// the bag by their leaf ranges (in parallel over leaves, whose rows are disjoint),
    /// rows out of it by routing their bins.
    func updateScores(
        _ scores: inout [Double], k: Int, c: Int, grown: GrownTree, learner: TreeLearner, inBag: [Bool]?, binned: BinnedDataset
    ) {
        let tree = grown.tree, threads = learner.threads
        scores.withUnsafeMutableBufferPointer { scores in
            learner.rows.withUnsafeBufferPointer { rows in
                let target = UnsafeSendable(scores.baseAddress!)
                let source = UnsafeSendable(UnsafeMutablePointer(mutating: rows.baseAddress!))
                ParallelLoop.forEach(count: tree.leafCount, threads: threads) { leaf in
                    let value = tree.leafValue[leaf], range = grown.leafRanges[leaf]
                    for index in range.begin..<range.begin + range.count {
                        target.pointer[Int(source.pointer[index]) &* k &+ c] += value
                    }
                }
            }
        }
        guard let inBag else { return }
        let lanes = (0..<binned.featureCount).map { binned.lane($0) }
        for row in 0..<binned.rows where !inBag[row] {
            var node: Int32 = tree.internalNodeCount == 0 ? ~0 : 0
            while node >= 0 {
                let split = grown.splits[Int(node)]
                let lane = lanes[split.feature]
                let bin = lane.start[row * lane.stride]
                node = split.goesLeft(bin) ? tree.leftChild[Int(node)] : tree.rightChild[Int(node)]
            }
            scores[row * k + c] += tree.leafValue[Int(~node)]
        }
    }
}

/// An objective's inputs, shared read-only by the blocks of a parallel gradient pass.
private struct GradientInput: @unchecked Sendable {
    let labels: UnsafeBufferPointer<Double>
    let scores: UnsafeBufferPointer<Double>
    let weights: UnsafeBufferPointer<Double>?
}

/// An objective's outputs; each block writes its own rows.
private struct GradientOutput: @unchecked Sendable {
    let gradients: UnsafeMutableBufferPointer<Double>
    let hessians: UnsafeMutableBufferPointer<Double>
}
