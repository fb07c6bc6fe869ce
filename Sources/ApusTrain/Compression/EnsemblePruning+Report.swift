import ApusModel

extension EnsemblePruning {
    /// The report of pruning `original` into `pruned`, measured on the validation rows.
    static func report(
        original: Model, outcome: Outcome, loss: PruningLoss, data: PruningData, scoresBefore: [Double], lossBefore: Double,
        merges: Int, threads: Int
    ) throws(PruningError) -> PruningReport {
        let pruned = outcome.model
        var scoresAfter = outcome.scores ?? []
        if outcome.scores == nil { scoresAfter = try rawScores(pruned.ensemble, data, threads: threads) }
        let lossAfter = loss.mean(scores: scoresAfter, labels: data.labels, weights: data.weights)
        let k = original.ensemble.scoresPerRow
        var before = scoresBefore, after = scoresAfter
        before.withUnsafeMutableBufferPointer { original.ensemble.link.apply($0, scoresPerRow: k) }
        after.withUnsafeMutableBufferPointer { original.ensemble.link.apply($0, scoresPerRow: k) }
        var largest = 0.0
        for index in before.indices { largest = max(largest, abs(before[index] - after[index])) }
        let (metricName, metric) = headline(loss.kind)
        return PruningReport(
            treesBefore: original.ensemble.trees.count, treesAfter: pruned.ensemble.trees.count,
            roundsBefore: original.ensemble.rounds, roundsAfter: pruned.ensemble.rounds, removedRounds: outcome.removed,
            leavesMerged: merges, lossName: loss.name, lossBefore: lossBefore, lossAfter: lossAfter, metricName: metricName,
            metricBefore: try? metric.evaluate(labels: data.labels, predictions: before, weights: data.weights),
            metricAfter: try? metric.evaluate(labels: data.labels, predictions: after, weights: data.weights),
            maxPredictionDifference: largest, differencesComputed: outcome.evaluations)
    }

    /// The task's headline metric: AUC (binary), multiclass logloss, or RMSE (regression).
    static func headline(_ kind: PruningLoss.Kind) -> (String, any Metric) {
        switch kind {
        case .logistic: ("auc", AUC())
        case .softmax: ("multi_logloss", MulticlassLogLoss())
        case .squared, .absolute, .huber, .quantile, .poisson: ("rmse", RootMeanSquaredError())
        }
    }
}
