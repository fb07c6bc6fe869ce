import ApusExplain
import ApusModel
import ApusTable
import ApusTrain
import Foundation
import Testing

/// Apus's own trees, trained here on numeric features with missing values, handed to shap
/// in its custom tree format (shap_custom_trees.py): shap's path-dependent, interaction and
/// interventional values of the same trees equal Apus's.
@Suite("Apus trees explained by shap")
struct ShapCustomTreeTests {
    static let names = ["apus_binary", "apus_multiclass"]

    /// The models, rows and background, and the folder shap wrote its values to.
    static let explained = Result { () throws -> (directory: String, models: [String: Model], rows: [Double], background: [Double]) in
        let directory = NSTemporaryDirectory() + "apus-shap-custom-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        let rows = NumericFixture.rows(count: 40, seed: 21), background = NumericFixture.rows(count: 25, seed: 22)
        var models: [String: Model] = [:]
        for name in names {
            let model = try NumericFixture.model(multiclass: name == "apus_multiclass")
            models[name] = model
            let json = try ShapTreeFormat.json(model.ensemble, rows: rows, background: background)
            try json.write(to: URL(fileURLWithPath: "\(directory)/\(name).json"))
        }
        try ShapScript.run("shap_custom_trees.py", [directory] + names)
        return (directory, models, rows, background)
    }

    static func compare(_ name: String, _ kind: String, _ values: [Double]) throws {
        let expected = try ShapScript.numbers("\(try explained.get().directory)/\(name).\(kind).csv")
        #expect(values.count == expected.count, "\(name) \(kind): \(values.count) values, shap gave \(expected.count)")
        let (worst, index) = ShapScript.worstDifference(values, expected)
        #expect(worst <= 1e-5, "\(name) \(kind): largest relative difference \(worst) at value \(index)")
    }

    @Test(arguments: names)
    func pathDependentValuesEqualShaps(name: String) throws {
        let (_, models, rows, _) = try Self.explained.get()
        let model = try #require(models[name])
        try Self.compare(name, "path", try TreeSHAP(model.ensemble).values(features: rows, threads: 2))
    }

    @Test(arguments: names)
    func interactionValuesEqualShaps(name: String) throws {
        let (_, models, rows, _) = try Self.explained.get()
        let model = try #require(models[name])
        try Self.compare(name, "interactions", try TreeSHAP(model.ensemble).interactionValues(features: rows, threads: 2))
    }

    @Test(arguments: names)
    func interventionalValuesEqualShaps(name: String) throws {
        let (_, models, rows, background) = try Self.explained.get()
        let model = try #require(models[name])
        let explainer = try InterventionalTreeSHAP(model: model, background: background)
        try Self.compare(name, "interventional", try explainer.values(features: rows, threads: 2))
    }
}

/// An ensemble in shap's custom tree format (shap's `SingleTree` from a dict): per tree,
/// nodes numbered internal first then leaves, `children_left/right` (−1 at leaves),
/// `children_default` (where a missing value goes), `features`, `thresholds` (left when
/// `value <= threshold`, as in Apus), `values` (the leaf values; internal nodes' are
/// recomputed by shap) and `node_sample_weight` (row counts, Apus's covers).
enum ShapTreeFormat {
    static func json(_ ensemble: TreeEnsemble, rows: [Double], background: [Double]) throws -> Data {
        let trees = ensemble.trees.map { tree -> [String: Any] in
            let n = tree.internalNodeCount
            let node = { (child: Int32) -> Int in child >= 0 ? Int(child) : n + Int(~child) }
            let leaves = [Int](repeating: -1, count: tree.leafCount)
            return [
                "children_left": tree.leftChild.map(node) + leaves,
                "children_right": tree.rightChild.map(node) + leaves,
                "children_default": (0..<n).map { node(tree.defaultLeft($0) ? tree.leftChild[$0] : tree.rightChild[$0]) } + leaves,
                "features": tree.splitFeature.map(Int.init) + leaves,
                "thresholds": tree.threshold + [Double](repeating: 0, count: tree.leafCount),
                "values": [Double](repeating: 0, count: n) + tree.leafValue,
                "node_sample_weight": (tree.nodeRowCount + tree.leafRowCount).map { Double($0) },
            ]
        }
        let f = ensemble.featureKinds.count
        let table = { (values: [Double]) -> [[Any]] in
            stride(from: 0, to: values.count, by: f).map { start in values[start..<start + f].map { $0.isNaN ? NSNull() : $0 as Any } }
        }
        let object: [String: Any] = ["trees": trees, "base_score": ensemble.baseScore, "rows": table(rows), "background": table(background)]
        return try JSONSerialization.data(withJSONObject: object)
    }
}

/// Small Apus models on numeric features, some values missing, and rows for them.
enum NumericFixture {
    static func model(multiclass: Bool) throws -> Model {
        var random = SeededRandom(seed: multiclass ? 31 : 30)
        var columns = [[Double?]](repeating: [], count: 4), label: [String?] = []
        for _ in 0..<300 {
            let x = (0..<4).map { _ in random.nextGaussian() }
            let missing = random.nextDouble() < 0.1
            let score = (missing ? 1.5 : x[0]) - x[1] + 0.5 * x[2] * x[0] + 0.5 * random.nextGaussian()
            for (feature, value) in x.enumerated() { columns[feature].append(feature == 0 && missing ? nil : value) }
            label.append(multiclass ? (score < -0.5 ? "low" : score < 0.8 ? "mid" : "high") : (score > 0 ? "yes" : "no"))
        }
        let table = try Table((0..<4).map { ("x\($0)", Column.numeric(NumericColumn(columns[$0]))) }
            + [("label", .categorical(CategoricalColumn(label)))])
        let parameters = try GBDTParameters().setting(["num_iterations=\(multiclass ? 15 : 50)", "num_leaves=8", "min_data_in_leaf=5"])
        return try GBDTTrainer(parameters: parameters).train(try TrainingData(table: table, target: "label"))
    }

    /// Rows of four features; the first is missing in every fifth row.
    static func rows(count: Int, seed: UInt64) -> [Double] {
        var random = SeededRandom(seed: seed)
        return (0..<count).flatMap { row in (0..<4).map { feature in feature == 0 && row % 5 == 3 ? .nan : random.nextGaussian() } }
    }
}
