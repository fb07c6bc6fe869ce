import Testing
import ApusTable
import ApusTrain
import Foundation

/// Every registered objective, with binary's `scale_pos_weight` and non-default parameters too.
let objectiveConfigurations: [ObjectiveParameters] = [
    ObjectiveParameters(classCount: 3),
    ObjectiveParameters(classCount: 4, alpha: 0.3, scalePositiveWeight: 2.5, poissonMaxDeltaStep: 0.2),
]

@Suite struct ObjectiveDerivativeTests {
    /// Gradients and hessians against central differences (step 1e-5) of `loss`, away
    /// from kinks; constant hessians are checked to be the documented 1.
    @Test(arguments: Objectives.names, objectiveConfigurations)
    func derivativesMatchFiniteDifferences(name: String, parameters: ObjectiveParameters) throws {
        let objective = try objective(name, parameters)
        var random = SeededRandom(seed: 17)
        let k = objective.scoresPerRow
        let step = 1e-5
        for _ in 0..<20 {
            let label = randomLabels(for: objective, rows: 1, &random)[0]
            let scores = randomScores(k, &random)
            if k == 1, let kink = kinks(of: objective, label: label), kink.contains(where: { abs(scores[0] - $0) < 1e-3 }) {
                continue
            }
            let (gradients, hessians) = try objective.gradients(labels: [label], scores: scores)
            for j in 0..<k {
                var up = scores, down = scores
                up[j] += step
                down[j] -= step
                let slope = (objective.loss(label: label, scores: up) - objective.loss(label: label, scores: down)) / (2 * step)
                #expect(isNear(gradients[j], slope, tolerance: 1e-6), "\(name) gradient \(j) at \(scores), label \(label)")
                let curvature = (try objective.gradients(labels: [label], scores: up).gradients[j]
                    - objective.gradients(labels: [label], scores: down).gradients[j]) / (2 * step)
                if objective.hasConstantHessian {
                    #expect(hessians[j] == 1)
                } else {
                    #expect(isNear(hessians[j], hessianConvention(objective) * curvature, tolerance: 1e-6),
                            "\(name) hessian \(j) at \(scores), label \(label)")
                }
            }
        }
    }

    /// Where the loss of a one-score objective has no second derivative.
    func kinks(of objective: any Objective, label: Double) -> [Double]? {
        switch objective {
        case let huber as HuberLoss: [label - huber.delta, label + huber.delta]
        case is AbsoluteError, is QuantileLoss: [label]
        default: nil
        }
    }

    /// The documented factor between the hessian written and the loss's true one.
    func hessianConvention(_ objective: any Objective) -> Double {
        switch objective {
        case let poisson as PoissonLoss: exp(poisson.maxDeltaStep)
        case let softmax as MulticlassSoftmax: Double(softmax.classCount) / Double(softmax.classCount - 1)
        default: 1
        }
    }

    @Test func huberGradientMatchesTheQuadraticInsideDelta() throws {
        let huber = try HuberLoss()
        let (gradients, _) = try huber.gradients(labels: [1, 1], scores: [1.5, 0.2])
        #expect(isNear(gradients[0], 0.5) && isNear(gradients[1], -0.8))
    }

    /// A row of weight w has w times the gradients and hessians of an unweighted row.
    @Test(arguments: Objectives.names)
    func weightsScaleGradientsAndHessians(name: String) throws {
        let objective = try objective(name, ObjectiveParameters(classCount: 3, scalePositiveWeight: 2))
        var random = SeededRandom(seed: 5)
        let rows = 12, k = objective.scoresPerRow
        let labels = randomLabels(for: objective, rows: rows, &random)
        let scores = randomScores(rows * k, &random)
        let weights = (0..<rows).map { row in row == 3 ? 0 : 3 * random.nextDouble() }
        let plain = try objective.gradients(labels: labels, scores: scores)
        let weighted = try objective.gradients(labels: labels, scores: scores, weights: weights)
        for index in 0..<rows * k {
            #expect(isNear(weighted.gradients[index], weights[index / k] * plain.gradients[index]))
            #expect(isNear(weighted.hessians[index], weights[index / k] * plain.hessians[index]))
        }
    }
}

@Suite struct ObjectiveValueTests {
    struct Case: Sendable, CustomStringConvertible {
        let name: String, parameters: ObjectiveParameters
        let label: Double, scores: [Double], gradients: [Double], hessians: [Double]
        var description: String { "\(name) y=\(label) s=\(scores)" }
    }

    static let handComputed: [Case] = [
        Case(name: "binary", parameters: .init(), label: 1, scores: [0], gradients: [-0.5], hessians: [0.25]),
        Case(name: "binary", parameters: .init(), label: 0, scores: [0], gradients: [0.5], hessians: [0.25]),
        Case(name: "binary", parameters: .init(), label: 1, scores: [log(3)], gradients: [-0.25], hessians: [0.1875]),
        Case(name: "binary", parameters: .init(scalePositiveWeight: 2), label: 1, scores: [0], gradients: [-1], hessians: [0.5]),
        Case(name: "binary", parameters: .init(scalePositiveWeight: 2), label: 0, scores: [0], gradients: [0.5], hessians: [0.25]),
        Case(name: "multiclass", parameters: .init(classCount: 3), label: 1, scores: [0, 0, 0],
             gradients: [1.0 / 3, -2.0 / 3, 1.0 / 3], hessians: [1.0 / 3, 1.0 / 3, 1.0 / 3]),
        Case(name: "multiclass", parameters: .init(classCount: 3), label: 0, scores: [0, log(2), 0],
             gradients: [-0.75, 0.5, 0.25], hessians: [0.28125, 0.375, 0.28125]),
        Case(name: "regression", parameters: .init(), label: 3, scores: [2.5], gradients: [-0.5], hessians: [1]),
        Case(name: "regression_l1", parameters: .init(), label: 3, scores: [2.5], gradients: [-1], hessians: [1]),
        Case(name: "regression_l1", parameters: .init(), label: 1, scores: [4], gradients: [1], hessians: [1]),
        Case(name: "regression_l1", parameters: .init(), label: 2, scores: [2], gradients: [0], hessians: [1]),
        Case(name: "huber", parameters: .init(), label: 3, scores: [2.5], gradients: [-0.5], hessians: [1]),
        Case(name: "huber", parameters: .init(), label: 0, scores: [2], gradients: [0.9], hessians: [1]),
        Case(name: "huber", parameters: .init(), label: 0, scores: [-5], gradients: [-0.9], hessians: [1]),
        Case(name: "quantile", parameters: .init(), label: 3, scores: [2.5], gradients: [-0.9], hessians: [1]),
        Case(name: "quantile", parameters: .init(), label: 1, scores: [2], gradients: [0.1], hessians: [1]),
        Case(name: "poisson", parameters: .init(), label: 2, scores: [0], gradients: [-1], hessians: [2.0137527074704766]),
        Case(name: "poisson", parameters: .init(), label: 0, scores: [log(2)], gradients: [2], hessians: [4.027505414940953]),
    ]

    @Test(arguments: handComputed)
    func handComputedGradients(_ example: Case) throws {
        let objective = try objective(example.name, example.parameters)
        let (gradients, hessians) = try objective.gradients(labels: [example.label], scores: example.scores)
        for j in example.scores.indices {
            #expect(isNear(gradients[j], example.gradients[j]), "gradient \(j)")
            #expect(isNear(hessians[j], example.hessians[j]), "hessian \(j)")
        }
    }

    @Test func initialScoresOfMeans() throws {
        #expect(try SquaredError().initialScore(labels: [1, 2, 3, 10]) == [4])
        #expect(isNear(try SquaredError().initialScore(labels: [1, 2, 3, 10], weights: [3, 1, 1, 0])[0], 1.6))
        #expect(isNear(try HuberLoss().initialScore(labels: [1, 2, 3, 10], weights: [3, 1, 1, 0])[0], 1.6))
        #expect(isNear(try BinaryLogistic().initialScore(labels: [1, 0, 0, 1, 1])[0], log(1.5)))
        #expect(isNear(try BinaryLogistic().initialScore(labels: [1, 0, 1], weights: [1, 1, 2])[0], log(3)))
        // scale_pos_weight does not enter the initial score, as in LightGBM.
        #expect(isNear(try BinaryLogistic(scalePositiveWeight: 4).initialScore(labels: [1, 0, 0, 1, 1])[0], log(1.5)))
        // The mean 1 is clipped to 1 − 1e-15: log-odds about 34.5, not ∞.
        #expect(isNear(try BinaryLogistic().initialScore(labels: [1, 1])[0], log((1 - 1e-15) / 1e-15), tolerance: 1e-3))
        #expect(isNear(try PoissonLoss().initialScore(labels: [0, 1, 2, 5])[0], log(2)))
        #expect(isNear(try PoissonLoss().initialScore(labels: [0, 4], weights: [3, 1])[0], 0))
        let priors = try MulticlassSoftmax(classCount: 3).initialScore(labels: [0, 0, 1, 2])
        #expect(priors.count == 3 && isNear(priors[0], log(0.5)) && isNear(priors[1], log(0.25)) && isNear(priors[2], log(0.25)))
        let absent = try MulticlassSoftmax(classCount: 3).initialScore(labels: [0, 1], weights: [1, 3])
        #expect(isNear(absent[0], log(0.25)) && isNear(absent[1], log(0.75)) && absent[2] == log(1e-15))
    }

    @Test func initialScoresOfQuantiles() throws {
        let median = AbsoluteError()
        #expect(try median.initialScore(labels: [5, 1, 3]) == [3])
        #expect(try median.initialScore(labels: [4, 1, 3, 2]) == [2.5])
        #expect(try median.initialScore(labels: [1, 2, 3], weights: [1, 1, 3]) == [3])
        // Cumulative weight exactly half at 2: every value in [2, 3] minimises; the midpoint.
        #expect(try median.initialScore(labels: [1, 2, 3], weights: [1, 1, 2]) == [2.5])
        #expect(try median.initialScore(labels: [1, 100, 2], weights: [1, 0, 1]) == [1.5])
        #expect(try QuantileLoss().initialScore(labels: (1...10).map(Double.init)) == [9.5])
        #expect(try QuantileLoss(alpha: 0.75).initialScore(labels: [5, 4, 3, 2, 1]) == [4])
        #expect(try QuantileLoss(alpha: 0.5).initialScore(labels: [10, 20], weights: [1, 9]) == [20])
    }

    @Test func transformsMapRawScoresToPredictions() throws {
        let binary = try BinaryLogistic().transform([0, log(3), -1000, 1000])
        #expect(binary[0] == 0.5 && isNear(binary[1], 0.75) && binary[2] < 1e-300 && binary[3] == 1)
        let softmax = try MulticlassSoftmax(classCount: 3).transform([0, log(2), 0, 1000, 0, 0])
        let expected = [0.25, 0.5, 0.25, 1, 0, 0]
        #expect(zip(softmax, expected).allSatisfy { isNear($0, $1) })
        #expect(SquaredError().transform([-1.5, 2]) == [-1.5, 2])
        #expect(AbsoluteError().transform([-1.5]) == [-1.5])
        #expect(try HuberLoss().transform([3]) == [3])
        #expect(try QuantileLoss().transform([3]) == [3])
        let poisson = try PoissonLoss().transform([0, log(2)])
        #expect(poisson[0] == 1 && isNear(poisson[1], 2))
    }

    @Test func leafRenewalAndConstantHessiansAreDeclared() throws {
        #expect(AbsoluteError().leafRenewalQuantile == 0.5)
        #expect(try QuantileLoss(alpha: 0.3).leafRenewalQuantile == 0.3)
        #expect(try HuberLoss().leafRenewalQuantile == nil && SquaredError().leafRenewalQuantile == nil)
        #expect(try BinaryLogistic().hasConstantHessian == false && SquaredError().hasConstantHessian)
    }
}
