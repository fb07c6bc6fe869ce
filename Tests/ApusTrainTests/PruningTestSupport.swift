import ApusModel
import ApusTable
@testable import ApusTrain

/// A tree with one numeric split: `x[feature] <= threshold` goes to `left`.
func stump(_ threshold: Double, left: Double, right: Double, feature: Int = 0) -> Tree {
    var tree = Tree()
    let root = tree.appendNumericNode(feature: feature, threshold: threshold, defaultLeft: true, gain: 1, hessian: 2, count: 2)
    tree.leftChild[root] = tree.appendLeaf(value: left, hessian: 1, count: 1)
    tree.rightChild[root] = tree.appendLeaf(value: right, hessian: 1, count: 1)
    return tree
}

/// A model of hand-made trees over `features` numeric features named x0, x1, ...
func handModel(
    _ trees: [Tree], objective: String, features: Int = 1, classes: Int = 1, baseScore: Double = 0,
    parameters: [String: String] = [:]
) throws -> Model {
    let task: ModelTask, link: OutputLink
    switch objective {
    case "binary": (task, link) = (.binary, .sigmoid)
    case "multiclass": (task, link) = (.multiclass, .softmax)
    case "poisson": (task, link) = (.regression, .exp)
    default: (task, link) = (.regression, .identity)
    }
    let schema = try FeatureSchema(features: (0..<features).map { Feature(name: "x\($0)", kind: .numeric) })
    let ensemble = try TreeEnsemble(
        trees: trees, scoresPerRow: classes, baseScore: [Double](repeating: baseScore, count: classes), link: link,
        featureKinds: [FeatureKind](repeating: .numeric, count: features))
    let names = task == .binary ? ["no", "yes"] : task == .multiclass ? (0..<classes).map { "c\($0)" } : []
    return Model(
        task: task, objective: objective, target: "y", classes: names, schema: schema, ensemble: ensemble,
        parameters: parameters,
        training: TrainingSummary(rows: 10, roundsTrained: trees.count / classes, bestRound: trees.count / classes, apusVersion: "test"))
}

/// Random trees of depth 2 over two features, leaf values N(0, 0.4²).
func randomTrees(_ count: Int, random: inout SeededRandom) -> [Tree] {
    (0..<count).map { _ in
        var tree = Tree()
        let root = tree.appendNumericNode(
            feature: random.nextInt(below: 2), threshold: random.nextGaussian() * 0.7, defaultLeft: random.nextDouble() < 0.5,
            gain: 1, hessian: 4, count: 4)
        for side in 0..<2 {
            let node = tree.appendNumericNode(
                feature: random.nextInt(below: 2), threshold: random.nextGaussian() * 0.7, defaultLeft: false, gain: 1,
                hessian: 2, count: 2)
            if side == 0 { tree.leftChild[root] = Int32(node) } else { tree.rightChild[root] = Int32(node) }
            tree.leftChild[node] = tree.appendLeaf(value: 0.4 * random.nextGaussian(), hessian: 1, count: 1)
            tree.rightChild[node] = tree.appendLeaf(value: 0.4 * random.nextGaussian(), hessian: 1, count: 1)
        }
        return tree
    }
}

/// `rows` rows of two N(0, 1) features (5% missing), labels fitting `objective`, and
/// weights in [0.5, 2).
func randomRows(_ rows: Int, objective: String, classes: Int = 3, random: inout SeededRandom) -> PruningData {
    var features: [Double] = [], labels: [Double] = [], weights: [Double] = []
    for _ in 0..<rows {
        for _ in 0..<2 { features.append(random.nextDouble() < 0.05 ? .nan : random.nextGaussian()) }
        switch objective {
        case "binary": labels.append(random.nextDouble() < 0.4 ? 1 : 0)
        case "multiclass": labels.append(Double(random.nextInt(below: classes)))
        case "poisson": labels.append(Double(random.nextInt(below: 5)))
        default: labels.append(random.nextGaussian())
        }
        weights.append(0.5 + 1.5 * random.nextDouble())
    }
    return PruningData(features: features, labels: labels, weights: weights)
}

/// The weighted mean loss of `model` on `data`, from scratch (the reference objective's
/// loss on the ensemble's raw scores).
func referenceLoss(_ model: Model, _ data: PruningData) throws -> Double {
    let loss = try PruningLoss(model: model)
    let scores = try model.ensemble.rawScores(features: data.features, threads: 1)
    return loss.mean(scores: scores, labels: data.labels, weights: data.weights)
}

/// `model` without the rounds in `removed`.
func without(_ model: Model, rounds removed: [Int]) throws -> Model {
    try EnsemblePruning.rebuilt(model, trees: model.ensemble.trees, removing: removed)
}

/// The message of the error `body` throws, or nil.
func pruningError(_ body: () throws -> PruningResult) -> String? {
    do {
        _ = try body()
        return nil
    } catch let error as PruningError {
        return error.description
    } catch {
        return "not a PruningError: \(error)"
    }
}
