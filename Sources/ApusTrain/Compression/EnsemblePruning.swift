import ApusModel

/// Makes a tree ensemble smaller at a measured cost in validation loss (issue #6): merges
/// sibling leaves whose values are within a tolerance, then removes whole boosting rounds
/// by greedy backward elimination until a size or loss budget is met.
///
/// ```swift
/// let result = try EnsemblePruning.prune(model, validation: rows, budget: .lossIncrease(0.002))
/// print(result.report.roundsBefore, "→", result.report.roundsAfter)
/// ```
///
/// The loss is the model's objective on the validation rows, averaged with the weights
/// (binary or multiclass logloss, squared error / 2, absolute, Huber, pinball or Poisson
/// loss; docs/formats.md, "Pruning", lists the objective names each covers). Each step removes the round (one tree; `k` trees for multiclass,
/// since an ensemble holds whole rounds) whose removal increases the loss least, so rounds
/// that hurt the validation loss go first; at least one round is kept. Results do not
/// depend on the thread count.
public enum EnsemblePruning {
    /// Merges leaves within `mergeTolerance`, then removes rounds until `budget` is met.
    ///
    /// - Parameters:
    ///   - model: The model to prune.
    ///   - validation: Rows to measure the loss on (see ``PruningData``).
    ///   - budget: ``PruningBudget/size(bytes:measure:)``: remove rounds until the model
    ///     measures at most `bytes` (the fewest removals that do); or
    ///     ``PruningBudget/lossIncrease(_:)``: remove rounds while the loss, merging
    ///     included, stays within the increase.
    ///   - mergeTolerance: Sibling leaves whose values differ by at most this become one
    ///     leaf (0, the default, merges only equal leaves, which changes no prediction).
    ///   - threads: Threads for the per-row work; 0 means one per processor.
    /// - Returns: The pruned model and a ``PruningReport``.
    /// - Throws: ``PruningError`` for bad validation rows, an objective without a known
    ///   loss, a merge that alone exceeds the loss budget, or an unreachable size budget.
    /// - Complexity: O(trees × rows) to find every row's leaves, then O(rows) per
    ///   difference computed: one per round, plus the recomputations of stale ones.
    public static func prune(
        _ model: Model, validation: PruningData, budget: PruningBudget, mergeTolerance: Double = 0, threads: Int = 0
    ) throws(PruningError) -> PruningResult {
        let loss = try PruningLoss(model: model)
        let featureCount = try featureCount(of: model)
        try check(budget, mergeTolerance: mergeTolerance)
        try check(validation, featureCount: featureCount, loss: loss)
        let threads = threads > 0 ? threads : processorCount()
        let scoresBefore = try rawScores(model.ensemble, validation, threads: threads)
        let lossBefore = loss.mean(scores: scoresBefore, labels: validation.labels, weights: validation.weights)

        var trees = model.ensemble.trees, merges = 0
        for index in trees.indices {
            let merged = LeafMerging.merge(trees[index], tolerance: mergeTolerance)
            trees[index] = merged.tree
            merges += merged.merges
        }
        let merged = try rebuilt(model, trees: trees, removing: [])
        let search = Search(
            model: merged, trees: trees, loss: loss, data: validation, featureCount: featureCount, lossBefore: lossBefore,
            note: { rounds in
                "rounds \(model.ensemble.rounds)->\(rounds), leaves merged \(merges)" + (merges > 0 ? " (tolerance \(mergeTolerance))" : "")
            },
            threads: threads)
        let scoresMerged = merges > 0 ? try rawScores(merged.ensemble, validation, threads: threads) : scoresBefore
        let outcome = try search.run(budget: budget, mergeTolerance: mergeTolerance, scores: scoresMerged)
        let report = try report(
            original: model, outcome: outcome, loss: loss, data: validation, scoresBefore: scoresBefore, lossBefore: lossBefore,
            merges: merges, threads: threads)
        return PruningResult(model: outcome.model, report: report)
    }

    /// `model` with `trees` in place of its trees, less the rounds in `removing`.
    static func rebuilt(_ model: Model, trees: [Tree], removing: [Int]) throws(PruningError) -> Model {
        let k = model.ensemble.scoresPerRow
        var gone = [Bool](repeating: false, count: trees.count / k)
        for round in removing { gone[round] = true }
        var kept: [Tree] = []
        kept.reserveCapacity(trees.count - removing.count * k)
        for (index, tree) in trees.enumerated() where !gone[index / k] { kept.append(tree) }
        var result = model
        do {
            result.ensemble = try TreeEnsemble(
                trees: kept, scoresPerRow: k, baseScore: model.ensemble.baseScore, link: model.ensemble.link,
                featureKinds: model.ensemble.featureKinds)
        } catch {
            throw .inconsistentModel("the pruned ensemble is invalid: \(error.description)")
        }
        return result
    }

    /// The ensemble's raw scores of the validation rows.
    static func rawScores(_ ensemble: TreeEnsemble, _ data: PruningData, threads: Int) throws(PruningError) -> [Double] {
        do {
            return try ensemble.rawScores(features: data.features, threads: threads)
        } catch {
            throw .inconsistentModel(error.description)
        }
    }
}
