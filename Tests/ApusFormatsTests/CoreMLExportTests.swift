@testable import ApusFormats
import ApusModel
import FormatProtos
import Foundation
import Testing

/// Every model exported to Core ML is read by coremltools, passes the checks Core ML's
/// validator makes, and predicts what Apus predicts on the same double rows (to 1e-9) when an
/// independent walker of Core ML's tree semantics evaluates it (coreml_check.py; Core ML's own
/// prediction needs macOS).
@Suite("Core ML export")
struct CoreMLExportTests {
    /// One model and the rows it is checked on.
    struct Case: Sendable {
        var name: String
        var model: Model
        /// Row-major features.
        var features: [Double]
    }

    static let lightGBMCases = ["binary", "multiclass", "regression", "integer_categories"]
    static let caseNames = lightGBMCases + ["edges", "edges_multiclass", "nested_categories", "logistic_regression"]

    /// The cases, exported to a temporary folder and checked by coreml_check.py once per test process.
    static let exported: Result<(directory: String, cases: [String: Case]), any Error> = Result {
        let references = try LightGBMImportTests.references.get()
        var cases: [String: Case] = [:]
        for name in lightGBMCases {
            let model = try LightGBMImport.model(text: try String(contentsOfFile: "\(references)/\(name).txt", encoding: .utf8))
            let (features, _) = try LightGBMImportTests.rows("\(references)/\(name).csv", schema: model.schema)
            cases[name] = Case(name: name, model: model, features: withEdgeRows(features, model: model))
        }
        let edgeModels = [
            ("edges", try EdgeModels.binary()), ("edges_multiclass", try EdgeModels.multiclass()),
            ("nested_categories", try Self.nestedCategories()), ("logistic_regression", try Self.logisticRegression()),
        ]
        for (name, model) in edgeModels {
            cases[name] = Case(name: name, model: model, features: withEdgeRows(EdgeModels.rows, model: model))
        }
        let directory = NSTemporaryDirectory() + "apus-coreml-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        for (name, testCase) in cases {
            let bytes = try CoreMLExport.bytes(for: testCase.model, producerVersion: "test")
            try Data(bytes).write(to: URL(fileURLWithPath: "\(directory)/\(name).mlmodel"))
            try testCase.features.withUnsafeBytes { try Data($0).write(to: URL(fileURLWithPath: "\(directory)/\(name).f64")) }
        }
        _ = try PythonReference.run("coreml_check.py", packages: "coremltools numpy", arguments: [directory]).get()
        return (directory, cases)
    }

    /// `features` plus rows that reach the corners of every split: all missing, every
    /// categorical feature unseen (−1), codes beyond every level set, and the first row with
    /// a numeric feature exactly at, and just above, each of the first 40 numeric thresholds.
    static func withEdgeRows(_ features: [Double], model: Model) -> [Double] {
        let schema = model.schema
        var rows = features
        rows += [Double](repeating: .nan, count: schema.count)
        rows += schema.features.map { $0.kind == .categorical ? -1 : 0 }
        rows += schema.features.map { $0.kind == .categorical ? 1000 : 1e30 }
        rows += schema.features.map { $0.kind == .categorical ? 0 : -1e30 }
        let first = Array(features.prefix(schema.count))
        var thresholds = 0
        for tree in model.ensemble.trees {
            for node in 0..<tree.internalNodeCount where !tree.isCategorical(node) && thresholds < 40 {
                thresholds += 1
                for value in [tree.threshold[node], tree.threshold[node].nextUp] {
                    var row = first
                    row[Int(tree.splitFeature[node])] = value
                    rows += row
                }
            }
        }
        return rows
    }

    @Test(arguments: caseNames)
    func theWalkerPredictsWhatApusPredicts(name: String) throws {
        let (directory, cases) = try Self.exported.get()
        let testCase = try #require(cases[name])
        let stem = "\(directory)/\(name)"
        if let error = try? String(contentsOfFile: stem + ".error", encoding: .utf8) {
            Issue.record("coreml_check.py refused \(name): \(error)")
            return
        }
        let said = try String(contentsOfFile: stem + ".coremltools.txt", encoding: .utf8)
        #expect(said.contains("MLModel: inputs Features(input)"), "coremltools' MLModel said: \(said)")
        let output = try Data(contentsOf: URL(fileURLWithPath: stem + ".out.f64"))
        let got: [Double] = output.withUnsafeBytes { raw in Array(raw.bindMemory(to: Double.self)) }
        let model = testCase.model
        var expected: [Double] = try model.ensemble.predict(features: testCase.features, threads: 1)
        if model.task == .binary {
            // Classifiers answer both classes.
            expected = expected.flatMap { (positive: Double) -> [Double] in [1 - positive, positive] }
        }
        #expect(got.count == expected.count, "\(got.count) outputs for \(expected.count) expected")
        var worst = 0.0, worstIndex = 0
        for (index, (value, want)) in zip(got, expected).enumerated() {
            let difference = abs(value - want) / max(1, abs(want))
            if difference > worst { (worst, worstIndex) = (difference, index) }
        }
        #expect(worst <= 1e-9, "\(name): largest relative difference \(worst) at output \(worstIndex)")
        guard model.task != .regression else { return }
        let labels = try String(contentsOfFile: stem + ".label.txt", encoding: .utf8).split(separator: "\n").map(String.init)
        let perRow = model.task == .binary ? 2 : model.ensemble.scoresPerRow
        var agree = 0
        for row in 0..<labels.count {
            let probabilities = Array(expected[row * perRow..<(row + 1) * perRow])
            let sorted = probabilities.sorted(by: >)
            let best = try #require(probabilities.firstIndex(of: sorted[0]))
            // Where the top two probabilities tie to rounding, either label is right.
            if labels[row] == model.classes[best] || sorted[0] - sorted[1] < 1e-12 { agree += 1 }
        }
        #expect(labels.count == expected.count / perRow && agree == labels.count, "\(agree) of \(labels.count) labels agree")
    }

    @Test func theFileDescribesTheModel() throws {
        let model = try EdgeModels.binary()
        let proto = try CoreMLExport.modelProto(for: model, producerVersion: "1.2.3")
        #expect(proto.specificationVersion == 1)
        let description = proto.description_p
        #expect(description.input.map(\.name) == ["input"])
        #expect(description.input.first?.type.multiArrayType.shape == [3])
        #expect(description.input.first?.type.multiArrayType.dataType == .double)
        #expect(description.output.map(\.name) == ["label", "probabilities"])
        #expect(description.predictedFeatureName == "label" && description.predictedProbabilitiesName == "probabilities")
        let metadata = description.metadata.userDefined
        #expect(metadata[CoreMLDescription.versionKey] == "1.2.3")
        let embedded = try EmbeddedModelDescription.decode(json: try #require(metadata[EmbeddedModelDescription.key]))
        #expect(embedded.features == model.schema.features && embedded.classes == model.classes)
        let classifier = proto.treeEnsembleClassifier
        #expect(classifier.stringClassLabels.vector == ["no", "yes"])
        #expect(classifier.postEvaluationTransform == .regressionLogistic)
        #expect(classifier.treeEnsemble.numPredictionDimensions == 1 && classifier.treeEnsemble.basePredictionValue == [-0.2])

        let multiclass = try CoreMLExport.modelProto(for: try EdgeModels.multiclass(), producerVersion: "")
        #expect(multiclass.treeEnsembleClassifier.postEvaluationTransform == .classificationSoftMax)
        #expect(multiclass.treeEnsembleClassifier.treeEnsemble.numPredictionDimensions == 3)
        #expect(multiclass.description_p.metadata.userDefined[CoreMLDescription.versionKey] == nil)
        // Trees 0, 1, 2, 3... add to classes 0, 1, 2, 0...
        let leaves = multiclass.treeEnsembleClassifier.treeEnsemble.nodes.filter { $0.nodeBehavior == .leafNode }
        #expect(leaves.allSatisfy { $0.evaluationInfo.count == 1 && $0.evaluationInfo[0].evaluationIndex == $0.treeID % 3 })

        let regression = try CoreMLExport.modelProto(for: try Self.nestedCategories(), producerVersion: "")
        #expect(regression.description_p.output.map(\.name) == ["prediction"] && regression.description_p.predictedFeatureName == "prediction")
        #expect(regression.treeEnsembleRegressor.postEvaluationTransform == .noTransform)
    }

    /// EdgeModels' categorical tree, by hand: the root sends {0, 3, 33, 39} and unseen levels
    /// left (missing values right), its right child sends {5} left (missing values too).
    @Test func categoricalSplitsBecomeChainsOfTests() throws {
        let tree = EdgeModels.trees(leafOffset: 0)[1]
        #expect(CoreMLTrees.tests(tree, node: 0) == [
            .init(behavior: .branchOnValueLessThan, value: 0), .init(behavior: .branchOnValueEqual, value: 0),
            .init(behavior: .branchOnValueEqual, value: 3), .init(behavior: .branchOnValueEqual, value: 33),
            .init(behavior: .branchOnValueEqual, value: 39),
        ])
        // 5 tests, 5 copies of the left leaf, and the right child's test and two leaves.
        #expect(CoreMLTrees.expandedSize(tree) == 13)
        var nodes: [CoreMLTrees.Node] = []
        CoreMLTrees.append(tree, id: 7, dimension: 0, to: &nodes)
        #expect(nodes.count == 13 && nodes.allSatisfy { $0.treeID == 7 })
        #expect(Set(nodes.map(\.nodeID)) == Set(0..<13))
        let branches = nodes.filter { $0.nodeBehavior != .leafNode }
        #expect(branches.count == 6 && branches.allSatisfy { $0.branchFeatureIndex == 1 })
        // Only the right child's single test sends missing values to its true child.
        #expect(branches.filter(\.missingValueTracksTrueChild).map(\.branchFeatureValue) == [5])
        let leafValues = nodes.filter { $0.nodeBehavior == .leafNode }.map { $0.evaluationInfo[0].evaluationValue }
        #expect(leafValues.sorted() == [-2, 0.3, 1.25, 1.25, 1.25, 1.25, 1.25])
        // The nested model: the root's 5 tests each copy a 5-node subtree, plus the 3-node
        // empty-set split on the right.
        #expect(CoreMLTrees.expandedSize(try Self.nestedCategories().ensemble.trees[0]) == 33)
        // A one-leaf tree is one leaf node.
        nodes = []
        CoreMLTrees.append(Tree(leafValue: 0.5, hessian: 1, count: 1), id: 0, dimension: 2, to: &nodes)
        #expect(nodes.count == 1 && nodes[0].nodeBehavior == .leafNode && nodes[0].evaluationInfo.first?.evaluationIndex == 2)
    }

    /// Core ML's validator counts on one tree at least.
    @Test func aModelOfNoRoundsGetsOneZeroLeaf() throws {
        let empty = try EdgeModels.multiclass().ensemble.prefix(rounds: 0)
        let nodes = try CoreMLTrees.nodes(for: empty)
        #expect(nodes.count == 1 && nodes[0].nodeBehavior == .leafNode && nodes[0].evaluationInfo.map(\.evaluationValue) == [0])
    }

    @Test func exportingTwiceGivesTheSameBytes() throws {
        for model in [try EdgeModels.multiclass(), try Self.nestedCategories()] {
            #expect(try CoreMLExport.bytes(for: model, producerVersion: "9.9") == CoreMLExport.bytes(for: model, producerVersion: "9.9"))
        }
    }

    @Test func aPoissonModelIsRefusedNamingItsLink() throws {
        let references = try LightGBMImportTests.references.get()
        let model = try LightGBMImport.model(text: try String(contentsOfFile: "\(references)/poisson.txt", encoding: .utf8))
        do {
            _ = try CoreMLExport.bytes(for: model)
            Issue.record("a Poisson model was exported")
        } catch {
            #expect(error.description.contains("Core ML has no exponential post-evaluation transform, so the `exp` link"))
            #expect(error.description.contains("objective `poisson`"))
        }
    }

    @Test func modelsCoreMLCannotExpressAreRefused() throws {
        let kinds = EdgeModels.schema.features.map(\.kind)
        let binary = try EdgeModels.binary()
        var threeClasses = binary
        threeClasses.classes = ["a", "b", "c"]
        var repeated = try EdgeModels.multiclass()
        repeated.classes = ["a", "b", "a"]
        let identity = EdgeModels.model(
            task: .binary, objective: "binary", classes: ["no", "yes"],
            ensemble: try TreeEnsemble(trees: EdgeModels.trees(leafOffset: 0), scoresPerRow: 1, baseScore: [0], link: .identity, featureKinds: kinds))
        // Each of three nested splits sends all 40 levels left to the next: 40³ copies.
        let deep = EdgeModels.tree { tree in
            var parent = -1
            for depth in 0..<3 {
                let node = tree.appendCategoricalNode(feature: 1, leftCodes: Array(0..<40), defaultLeft: false, unseenLeft: false, gain: 1, hessian: 1, count: 1)
                tree.rightChild[node] = tree.appendLeaf(value: Double(depth), hessian: 1, count: 1)
                if parent >= 0 { tree.leftChild[parent] = Int32(node) }
                parent = node
            }
            tree.leftChild[parent] = tree.appendLeaf(value: 9, hessian: 1, count: 1)
        }
        let explosive = EdgeModels.model(
            task: .regression, objective: "regression", classes: [],
            ensemble: try TreeEnsemble(trees: [deep], scoresPerRow: 1, baseScore: [0], link: .identity, featureKinds: kinds))
        let cases: [(Model, String)] = [
            (threeClasses, "a binary model needs 2 class names for Core ML's class labels, found 3"),
            (repeated, "the class names [\"a\", \"b\", \"a\"] repeat"),
            (identity, "a binary model with the `identity` link has no Core ML form"),
            (explosive, "the Core ML trees would need 131281 nodes, more than 50 times the model's 7 (tree 0 alone needs 131281)"),
        ]
        for (model, message) in cases {
            do {
                _ = try CoreMLExport.bytes(for: model)
                Issue.record("exported: \(message)")
            } catch {
                #expect(error.description.contains(message), "\(error.description)")
            }
        }
    }

    /// A regression tree whose categorical root copies a subtree holding another categorical
    /// split, and whose right child sends an empty set left (so only missing values go left).
    static func nestedCategories() throws -> Model {
        let nested = EdgeModels.tree { tree in
            let root = tree.appendCategoricalNode(feature: 1, leftCodes: [1, 2, 7, 35], defaultLeft: true, unseenLeft: true, gain: 1, hessian: 10, count: 10)
            let numeric = tree.appendNumericNode(feature: 0, threshold: 0.25, defaultLeft: false, gain: 1, hessian: 6, count: 6)
            let inner = tree.appendCategoricalNode(feature: 1, leftCodes: [2], defaultLeft: false, unseenLeft: false, gain: 1, hessian: 4, count: 4)
            let empty = tree.appendCategoricalNode(feature: 1, leftCodes: [], defaultLeft: true, unseenLeft: false, gain: 1, hessian: 4, count: 4)
            tree.leftChild[root] = Int32(numeric)
            tree.rightChild[root] = Int32(empty)
            tree.leftChild[numeric] = Int32(inner)
            tree.rightChild[numeric] = tree.appendLeaf(value: 1.5, hessian: 2, count: 2)
            tree.leftChild[inner] = tree.appendLeaf(value: -0.75, hessian: 2, count: 2)
            tree.rightChild[inner] = tree.appendLeaf(value: 0.25, hessian: 2, count: 2)
            tree.leftChild[empty] = tree.appendLeaf(value: 3, hessian: 2, count: 2)
            tree.rightChild[empty] = tree.appendLeaf(value: -3, hessian: 2, count: 2)
        }
        let ensemble = try TreeEnsemble(trees: [nested] + EdgeModels.trees(leafOffset: 0.5), scoresPerRow: 1, baseScore: [0.4], link: .identity,
                                        featureKinds: EdgeModels.schema.features.map(\.kind))
        return EdgeModels.model(task: .regression, objective: "regression", classes: [], ensemble: ensemble)
    }

    /// A regressor with a logistic link (as cross-entropy on probabilities trains).
    static func logisticRegression() throws -> Model {
        let ensemble = try TreeEnsemble(trees: EdgeModels.trees(leafOffset: 0.25), scoresPerRow: 1, baseScore: [0.1], link: .sigmoid,
                                        featureKinds: EdgeModels.schema.features.map(\.kind))
        return EdgeModels.model(task: .regression, objective: "cross_entropy", classes: [], ensemble: ensemble)
    }
}
