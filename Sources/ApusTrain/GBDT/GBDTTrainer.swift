import ApusModel
import ApusTable

/// The version of Apus recorded in every model it trains.
public let apusVersion = "0.3.0"

/// One round of training, as the progress display and the log see it.
public struct RoundReport: Sendable {
    /// The round just finished, from 1.
    public let round: Int
    /// Rounds asked for.
    public let rounds: Int
    /// The validation metric's name and value after this round, if there is a validation set.
    public let validation: (metric: String, value: Double)?
    /// The best round so far on the validation metric (the current round without one).
    public let bestRound: Int
}

/// The histogram gradient-boosting trainer.
///
/// ```swift
/// let data = try TrainingData(table: table, target: "default")
/// let model = try GBDTTrainer(parameters: GBDTParameters()).train(data)
/// ```
public struct GBDTTrainer: Sendable {
    /// The parameters every training run uses.
    public var parameters: GBDTParameters

    /// A trainer with `parameters`.
    public init(parameters: GBDTParameters) { self.parameters = parameters }

    /// A validation set: features encoded with the training data's schema
    /// (``TrainingData/encode(_:)``) and labels under its classes.
    public struct Validation: Sendable {
        /// `labels.count` rows of the schema's features, row-major.
        public let features: [Double]
        /// One label per row (class indices for classification).
        public let labels: [Double]
        /// A validation set from encoded features and labels.
        public init(features: [Double], labels: [Double]) {
            self.features = features
            self.labels = labels
        }
    }

    /// Trains a model on `data`.
    ///
    /// - Parameters:
    ///   - weights: One weight per row, or nil for equal weights.
    ///   - validation: Scored after every round; required for early stopping.
    ///   - dataFingerprint: Recorded in the model's lineage.
    ///   - progress: Called after every round, on the calling thread.
    /// - Throws: ``TrainingError`` for parameters that do not fit the data, or labels the
    ///   objective cannot train on.
    public func train(
        _ data: TrainingData, weights: [Double]? = nil, validation: Validation? = nil, dataFingerprint: String? = nil,
        progress: ((RoundReport) -> Void)? = nil
    ) throws(TrainingError) -> Model {
        let parameters = self.parameters
        let featureCount = data.schema.count
        let objective = try Self.objective(for: data, parameters: parameters)
        let monotone = try Self.monotone(parameters, schema: data.schema)
        let k = objective.scoresPerRow
        let rows = data.rowCount
        if let weights, weights.count != rows {
            throw .validation("there are \(weights.count) weights for \(rows) rows")
        }
        let initial: [Double]
        do {
            initial = try withBuffers(data.labels, weights) { (labels, weights) throws(ObjectiveError) in
                try objective.initialScore(labels: labels, weights: weights)
            }
        } catch {
            throw .objective("target `\(data.target)`: \(error.description)")
        }
        if parameters.earlyStoppingRound > 0 && validation == nil {
            throw .parameter(.inconsistent("early_stopping_round needs a validation set (--valid FILE or --valid-fraction F)"))
        }
        let metric = try Self.metric(parameters: parameters, objective: objective.name)
        let link = objective.link
        let threads = parameters.numThreads > 0 ? parameters.numThreads : processorCount()

        let slots = TreeLearner.histogramSlots(parameters: parameters, rows: rows)
        let histogramBytes = slots * BinnedDataset.totalBins(featureCount: featureCount) * MemoryLayout<HistogramBin>.stride
        guard histogramBytes <= TreeLearner.maximumHistogramBytes else {
            throw .parameter(.inconsistent(
                "num_leaves=\(parameters.numLeaves) with \(featureCount) features needs \(histogramBytes >> 20) MiB of "
                + "histograms (\(TreeLearner.maximumHistogramBytes >> 30) GiB at most): lower num_leaves, or raise min_data_in_leaf"))
        }
        let binned = BinnedDataset(columns: data.columns, rows: rows, parameters: parameters, threads: threads)
        let learner = TreeLearner(data: binned, parameters: parameters, monotone: monotone, threads: threads)
        var scores = [Double](repeating: 0, count: rows * k)
        for row in 0..<rows { for c in 0..<k { scores[row * k + c] = initial[c] } }
        var validationScores: [Double] = []
        var validationRows = 0
        if let validation {
            guard validation.features.count == validation.labels.count * featureCount else {
                throw .validation("the validation features do not hold \(validation.labels.count) rows of \(featureCount) features")
            }
            validationRows = validation.labels.count
            validationScores = [Double](repeating: 0, count: validationRows * k)
            for row in 0..<validationRows { for c in 0..<k { validationScores[row * k + c] = initial[c] } }
        }

        var gradients = [Double](repeating: 0, count: rows * k)
        var hessians = gradients
        // Multiclass: the same values class by class (`k × rows`), so a tree reads its
        // class's gradients contiguously.
        var classGradients = k > 1 ? gradients : []
        var classHessians = classGradients
        var trees: [Tree] = []
        var history: [Double] = []
        var bestRound = 0
        var bestValue = 0.0
        var bagRandom = SeededRandom(seed: UInt64(parameters.seed) &+ 0x6261_6767)
        var featureRandom = SeededRandom(seed: UInt64(parameters.seed) &+ 0x6665_6174)
        var inBag = [Bool](repeating: true, count: rows)
        let bagging = parameters.baggingFreq > 0 && parameters.baggingFraction < 1
        let allFeatures = Array(0..<featureCount)

        for round in 0..<parameters.numIterations {
            if bagging && round % parameters.baggingFreq == 0 {
                var bag: [UInt32] = []
                for row in 0..<rows {
                    inBag[row] = bagRandom.nextDouble() < parameters.baggingFraction
                    if inBag[row] { bag.append(UInt32(row)) }
                }
                learner.setBag(bag)
            }
            Self.computeGradients(objective, labels: data.labels, scores: scores, weights: weights,
                                  gradients: &gradients, hessians: &hessians, threads: threads)
            if k > 1 {
                Self.groupByClass(gradients, into: &classGradients, k: k, threads: threads)
                Self.groupByClass(hessians, into: &classHessians, k: k, threads: threads)
            }
            var roundTrees: [Tree] = []
            for c in 0..<k {
                let features = Self.featureSubset(allFeatures, fraction: parameters.featureFraction, random: &featureRandom)
                // Class c's gradients: contiguous (multiclass gradients are regrouped by class).
                let source = k > 1 ? (classGradients, classHessians) : (gradients, hessians)
                var grown = source.0.withUnsafeBufferPointer { g in
                    source.1.withUnsafeBufferPointer { h in
                        learner.grow(gradients: GradientView(gradients: g.baseAddress! + c * rows, hessians: h.baseAddress! + c * rows,
                                                             stride: 1),
                                     features: features)
                    }
                }
                if let quantile = objective.leafRenewalQuantile {
                    renewLeaves(&grown, learner: learner, labels: data.labels, scores: scores, weights: weights, alpha: quantile)
                }
                for leaf in 0..<grown.tree.leafCount { grown.tree.leafValue[leaf] *= parameters.learningRate }
                updateScores(&scores, k: k, c: c, grown: grown, learner: learner, inBag: bagging ? inBag : nil, binned: binned)
                if validationRows > 0, let validation {
                    validation.features.withUnsafeBufferPointer { features in
                        for row in 0..<validationRows {
                            let values = UnsafeBufferPointer(rebasing: features[row * featureCount ..< (row + 1) * featureCount])
                            validationScores[row * k + c] += grown.tree.leafValue[grown.tree.leaf(for: values)]
                        }
                    }
                }
                roundTrees.append(grown.tree)
            }
            if roundTrees.allSatisfy({ $0.internalNodeCount == 0 }) && round > 0 {
                // No leaf can split any more: further rounds would add constants only.
                break
            }
            trees.append(contentsOf: roundTrees)
            var report: (String, Double)?
            if let validation, let metric {
                var predictions = validationScores
                predictions.withUnsafeMutableBufferPointer { link.apply($0, scoresPerRow: k) }
                let value: Double
                do {
                    value = try metric.evaluate(labels: validation.labels, predictions: predictions)
                } catch {
                    throw .validation("validation metric \(metric.name): \(error.description)")
                }
                history.append(value)
                if round == 0 || (metric.isHigherBetter ? value > bestValue : value < bestValue) {
                    bestValue = value
                    bestRound = round + 1
                }
                report = (metric.name, value)
            } else {
                bestRound = round + 1
            }
            progress?(RoundReport(round: round + 1, rounds: parameters.numIterations, validation: report, bestRound: bestRound))
            if parameters.earlyStoppingRound > 0 && round + 1 - bestRound >= parameters.earlyStoppingRound { break }
        }
        let roundsTrained = trees.count / k
        if parameters.earlyStoppingRound > 0 { trees = Array(trees.prefix(bestRound * k)) }
        let ensemble: TreeEnsemble
        do {
            ensemble = try TreeEnsemble(trees: trees, scoresPerRow: k, baseScore: initial, link: link,
                                        featureKinds: data.schema.features.map(\.kind))
        } catch {
            throw .validation("internal error: the trained ensemble is invalid: \(error.description)")
        }
        var recorded = parameters
        recorded.objective = objective.name
        return Model(
            task: data.task, objective: objective.name, target: data.target, classes: data.classes, schema: data.schema,
            ensemble: ensemble, parameters: recorded.canonicalText,
            training: TrainingSummary(
                rows: rows, validationRows: validationRows, dataFingerprint: dataFingerprint, roundsTrained: roundsTrained,
                bestRound: trees.count / k, validationMetric: validation == nil ? nil : metric?.name,
                validationHistory: history, apusVersion: apusVersion))
    }
}
