import ApusModel

extension EnsemblePruning {
    /// The model pruning returns, the rounds it removed, the differences computed, and the
    /// model's raw scores of the validation rows if the search computed them.
    struct Outcome {
        var model: Model
        var removed: [Int]
        var evaluations: Int
        var scores: [Double]? = nil
    }

    /// Runs the elimination of a merged model's rounds to a budget.
    struct Search {
        /// The model with its leaves merged, and its trees.
        let model: Model
        let trees: [Tree]
        let loss: PruningLoss
        let data: PruningData
        let featureCount: Int
        /// The original model's loss, which the loss budget counts from.
        let lossBefore: Double
        /// The `pruning` parameter recorded in a model of so many rounds.
        let note: (Int) -> String
        let threads: Int

        /// Prunes to `budget`; `scores` are the merged model's raw scores of the rows.
        func run(budget: PruningBudget, mergeTolerance: Double, scores: [Double]) throws(PruningError) -> Outcome {
            let largest = trees.map(\.leafCount).max() ?? 1
            if largest <= 1 << 8 { return try run(budget, mergeTolerance, scores, as: UInt8.self) }
            if largest <= 1 << 16 { return try run(budget, mergeTolerance, scores, as: UInt16.self) }
            return try run(budget, mergeTolerance, scores, as: UInt32.self)
        }

        private func run<Leaf: FixedWidthInteger & UnsignedInteger & Sendable>(
            _ budget: PruningBudget, _ mergeTolerance: Double, _ scores: [Double], as _: Leaf.Type
        ) throws(PruningError) -> Outcome {
            let mergedLoss = loss.mean(scores: scores, labels: data.labels, weights: data.weights)
            let engine = {
                RoundElimination<Leaf>(
                    ensemble: model.ensemble, kind: loss.kind, data: data, featureCount: featureCount, scores: scores,
                    loss: mergedLoss, threads: threads)
            }
            switch budget {
            case .lossIncrease(let allowed):
                guard mergedLoss - lossBefore <= allowed else {
                    throw .mergeExceedsBudget(increase: mergedLoss - lossBefore, budget: allowed, tolerance: mergeTolerance)
                }
                var elimination = engine()
                return try withinLoss(allowed, &elimination)
            case .size(let bytes, let measure):
                let whole = try candidate(removing: [])
                let size = measure(whole)
                if size <= bytes { return Outcome(model: whole, removed: [], evaluations: 0) }
                guard model.ensemble.rounds > 1 else {
                    throw .sizeBudgetUnreachable(bytes: bytes, smallest: size, rounds: model.ensemble.rounds)
                }
                var elimination = engine()
                return try withinSize(bytes, measure, &elimination)
            }
        }

        /// Removes rounds while the loss stays within `allowed` of the original's, then
        /// checks the result's loss exactly and puts back the last removals should rounding
        /// have carried it over.
        private func withinLoss<Leaf>(_ allowed: Double, _ elimination: inout RoundElimination<Leaf>) throws(PruningError) -> Outcome {
            while let next = elimination.best(), elimination.loss + next.delta / elimination.totalWeight - lossBefore <= allowed {
                elimination.removeBest()
            }
            var count = elimination.order.count
            while true {
                let pruned = try candidate(removing: Array(elimination.order.prefix(count)))
                let scores = try rawScores(pruned.ensemble, data, threads: threads)
                let exact = loss.mean(scores: scores, labels: data.labels, weights: data.weights)
                if exact - lossBefore <= allowed || count == 0 {
                    return Outcome(
                        model: pruned, removed: Array(elimination.order.prefix(count)), evaluations: elimination.evaluations,
                        scores: scores)
                }
                count -= 1
            }
        }

        /// The fewest removals (in elimination order) after which the model measures at
        /// most `bytes`: doubling the count until it fits, then bisecting. The whole model
        /// does not fit.
        private func withinSize<Leaf>(
            _ bytes: Int, _ measure: @Sendable (Model) -> Int, _ elimination: inout RoundElimination<Leaf>
        ) throws(PruningError) -> Outcome {
            let most = model.ensemble.rounds - 1
            var fitting: [Int: Model] = [:]
            func fits(_ count: Int) throws(PruningError) -> (fits: Bool, size: Int) {
                while elimination.order.count < count { elimination.removeBest() }
                let pruned = try candidate(removing: Array(elimination.order.prefix(count)))
                let size = measure(pruned)
                if size <= bytes { fitting[count] = pruned }
                return (size <= bytes, size)
            }
            var low = 0, high = 1
            while true {
                let attempt = try fits(high)
                if attempt.fits { break }
                guard high < most else { throw .sizeBudgetUnreachable(bytes: bytes, smallest: attempt.size, rounds: 1) }
                low = high
                high = min(2 * high, most)
            }
            while high - low > 1 {
                let middle = (low + high) / 2
                if try fits(middle).fits { high = middle } else { low = middle }
            }
            guard let pruned = fitting[high] else { throw .inconsistentModel("the size search lost its result") }
            return Outcome(model: pruned, removed: Array(elimination.order.prefix(high)), evaluations: elimination.evaluations)
        }

        /// The merged model less the rounds in `removing`, its `pruning` parameter set.
        func candidate(removing: [Int]) throws(PruningError) -> Model {
            var pruned = try rebuilt(model, trees: trees, removing: removing)
            pruned.parameters["pruning"] = note(pruned.ensemble.rounds)
            return pruned
        }
    }
}
