@testable import ApusFormats
import ApusModel
import Foundation

/// The models the C export tests compile: LightGBM's reference models in every quantization,
/// and small hand-built ones that reach every branch of the generated code.
enum CSourceTestModels {
    static let lightGBMNames = ["binary", "binary_sigmoid2", "multiclass", "regression", "poisson", "integer_categories"]
    static let handBuiltNames = [
        "edges_none_direct", "edges_none_indexed", "edges_f16", "edges_i8", "classes_none", "classes_i8",
        "constant_none", "constant_f16", "constant_i8", "empty_none", "wide_none", "wide_i8",
    ]
    static var allNames: [String] {
        lightGBMNames.flatMap { name in QuantizationMode.allCases.map { "\(name)_\($0.rawValue)" } } + handBuiltNames
    }

    /// Every case.
    static func cases() throws -> [CSourceCase] {
        let directory = try LightGBMImportTests.references.get()
        var cases: [CSourceCase] = []
        for name in lightGBMNames {
            let model = try LightGBMImport.model(text: try String(contentsOfFile: "\(directory)/\(name).txt", encoding: .utf8))
            let (features, _) = try LightGBMImportTests.rows("\(directory)/\(name).csv", schema: model.schema)
            let rows = features + edgeRows(model, base: Array(features.prefix(model.schema.count)))
            for mode in QuantizationMode.allCases {
                cases.append(try make("\(name)_\(mode.rawValue)", model, mode, rows: rows))
            }
        }
        let edges = try edgesModel()
        let edgeRows = edgesRows()
        cases.append(try make("edges_none_direct", edges, .none, rows: edgeRows, layout: .direct))
        cases.append(try make("edges_none_indexed", edges, .none, rows: edgeRows, layout: .indexed))
        cases.append(try make("edges_f16", edges, .f16, rows: edgeRows))
        cases.append(try make("edges_i8", edges, .i8, rows: edgeRows))
        let classes = try classesModel()
        let grid: [Double] = [-2, -0.5, 0, 0.3, 1.7, .nan]
        let classRows = grid.flatMap { a in grid.flatMap { b in [a, b] } }
        cases.append(try make("classes_none", classes, .none, rows: classRows))
        cases.append(try make("classes_i8", classes, .i8, rows: classRows))
        let constant = try model(features: [], trees: [Tree(leafValue: 0.4, hessian: 1, count: 1), Tree(leafValue: -0.15, hessian: 1, count: 1)],
                                 task: .regression, base: [0.3], link: .exp)
        for mode in QuantizationMode.allCases { cases.append(try make("constant_\(mode.rawValue)", constant, mode, rows: [])) }
        let empty = try model(features: [Feature(name: "x", kind: .numeric)], trees: [], task: .binary, base: [-0.7], link: .sigmoid)
        cases.append(try make("empty_none", empty, .none, rows: [0, .nan, 5]))
        let (wide, wideRows) = try wideModel()
        cases.append(try make("wide_none", wide, .none, rows: wideRows))
        cases.append(try make("wide_i8", wide, .i8, rows: wideRows))
        return cases
    }

    static func make(
        _ name: String, _ model: Model, _ mode: QuantizationMode, rows: [Double], layout: CSourceTables.ThresholdLayout? = nil
    ) throws -> CSourceCase {
        let files = try CSourceExport.files(for: model, options: .init(prefix: name, quantization: mode), layout: layout)
        return CSourceCase(name: name, reference: try ModelQuantization.quantize(model, mode: mode), files: files, rows: rows.map { Float($0) })
    }

    /// Rows that sit on every numeric threshold's float and the next float up, and that send
    /// unseen, missing and out-of-range codes to every categorical feature.
    static func edgeRows(_ model: Model, base: [Double]) -> [Double] {
        var rows: [Double] = []
        for tree in model.ensemble.trees {
            for node in 0..<tree.internalNodeCount where !tree.isCategorical(node) {
                let threshold = ModelQuantization.floatAtOrBelow(tree.threshold[node])
                for value in [threshold, threshold.nextUp] {
                    var row = base
                    row[Int(tree.splitFeature[node])] = Double(value)
                    rows += row
                }
            }
        }
        for (index, feature) in model.schema.features.enumerated() where feature.kind == .categorical {
            for code in [-1, .nan, Double(feature.levels.count), Double(feature.levels.count + 40), 1e10, 2.5] {
                var row = base
                row[index] = code
                rows += row
            }
        }
        return rows
    }

    static func model(features: [Feature], trees: [Tree], task: ModelTask, base: [Double], link: OutputLink) throws -> Model {
        let ensemble = try TreeEnsemble(trees: trees, scoresPerRow: base.count, baseScore: base, link: link, featureKinds: features.map(\.kind))
        let classes = task == .binary ? ["no", "yes"] : task == .multiclass ? (0..<base.count).map { "class \($0)" } : []
        return Model(task: task, objective: "test", target: "y", classes: classes, schema: try FeatureSchema(features: features),
                     ensemble: ensemble, parameters: [:], training: TrainingSummary(rows: 1, roundsTrained: 1, bestRound: 1, apusVersion: "test"))
    }

    static func stump(feature: Int, threshold: Double, defaultLeft: Bool, leaves: (Double, Double)) -> Tree {
        var tree = Tree()
        let node = tree.appendNumericNode(feature: feature, threshold: threshold, defaultLeft: defaultLeft, gain: 1, hessian: 2, count: 2)
        tree.leftChild[node] = tree.appendLeaf(value: leaves.0, hessian: 1, count: 1)
        tree.rightChild[node] = tree.appendLeaf(value: leaves.1, hessian: 1, count: 1)
        return tree
    }

    static func categoricalStump(feature: Int, codes: [Int], defaultLeft: Bool, unseenLeft: Bool, leaves: (Double, Double)) -> Tree {
        var tree = Tree()
        let node = tree.appendCategoricalNode(feature: feature, leftCodes: codes, defaultLeft: defaultLeft, unseenLeft: unseenLeft,
                                              gain: 1, hessian: 2, count: 2)
        tree.leftChild[node] = tree.appendLeaf(value: leaves.0, hessian: 1, count: 1)
        tree.rightChild[node] = tree.appendLeaf(value: leaves.1, hessian: 1, count: 1)
        return tree
    }

    /// Regression on a numeric and a categorical feature whose names and levels hold comment
    /// and trigraph characters: NaN both ways, unseen levels both ways, codes beyond the
    /// level set, a level set with trailing zero words, a repeated level set, a single leaf.
    static func edgesModel() throws -> Model {
        var levels = (0..<50).map { "level \($0)" }
        levels[0] = "x/*y"
        levels[1] = "a??/"
        levels[2] = "line\nbreak\\"
        levels[3] = "end*/"
        let features = [Feature(name: "x */ \"quoted\"", kind: .numeric), Feature(name: "colour", kind: .categorical, levels: levels)]
        var padded = categoricalStump(feature: 1, codes: [1, 3, 40], defaultLeft: false, unseenLeft: true, leaves: (10, 20))
        padded.categoryWords += [0, 0]
        padded.categoryWordCount[0] += 2
        var nested = Tree()
        let root = nested.appendCategoricalNode(feature: 1, leftCodes: [5], defaultLeft: false, unseenLeft: false, gain: 1, hessian: 3, count: 3)
        let inner = nested.appendNumericNode(feature: 0, threshold: 2, defaultLeft: true, gain: 1, hessian: 2, count: 2)
        nested.leftChild[root] = Int32(inner)
        nested.leftChild[inner] = nested.appendLeaf(value: 0.3, hessian: 1, count: 1)
        nested.rightChild[inner] = nested.appendLeaf(value: -0.3, hessian: 1, count: 1)
        nested.rightChild[root] = nested.appendLeaf(value: 0.7, hessian: 1, count: 1)
        let trees = [
            stump(feature: 0, threshold: 0.1, defaultLeft: true, leaves: (1, -2)),
            stump(feature: 0, threshold: -3.5, defaultLeft: false, leaves: (0.5, 0.125)),
            padded,
            categoricalStump(feature: 1, codes: [0, 2], defaultLeft: true, unseenLeft: false, leaves: (100, 200)),
            Tree(leafValue: 0.001, hessian: 1, count: 1),
            nested,
            categoricalStump(feature: 1, codes: [1, 3, 40], defaultLeft: true, unseenLeft: false, leaves: (-1, 1)),
        ]
        return try model(features: features, trees: trees, task: .regression, base: [0.25], link: .identity)
    }

    static func edgesRows() -> [Double] {
        let xs: [Double] = [.nan, Double(Float(0.1)), Double(ModelQuantization.floatAtOrBelow(0.1)), -3.5, Double(Float(-3.5).nextUp),
                            .infinity, -.infinity, 2, 0]
        let codes: [Double] = [.nan, -1, -0.5, -0.0, 0, 1, 2, 3, 5, 31, 32, 40, 41, 63, 64, 95, 96, 1000, 1e10, 4_294_967_040,
                               .infinity, -.infinity, 2.5]
        return xs.flatMap { x in codes.flatMap { [x, $0] } }
    }

    /// Three classes, two rounds of stumps on two numeric features, softmax.
    static func classesModel() throws -> Model {
        let features = [Feature(name: "a", kind: .numeric), Feature(name: "b", kind: .numeric)]
        let trees = [
            stump(feature: 0, threshold: 0, defaultLeft: true, leaves: (0.5, -0.5)),
            stump(feature: 1, threshold: 0.3, defaultLeft: false, leaves: (-0.25, 0.75)),
            stump(feature: 0, threshold: 1.7, defaultLeft: false, leaves: (-1, 2)),
            stump(feature: 1, threshold: -0.5, defaultLeft: true, leaves: (0.1, -0.1)),
            stump(feature: 0, threshold: -2, defaultLeft: true, leaves: (3, 0)),
            Tree(leafValue: 0.2, hessian: 1, count: 1),
        ]
        return try model(features: features, trees: trees, task: .multiclass, base: [0.1, -0.2, 0.3], link: .softmax)
    }

    /// 300 features (every tenth categorical with 40 levels), two random trees of 200 nodes:
    /// children need int16 and feature indices uint16.
    static func wideModel() throws -> (Model, [Double]) {
        var random = SplitMix(seed: 6)
        func unit() -> Double { Double(random.next() >> 11) / Double(1 << 53) }
        let features = (0..<300).map { index in
            index % 10 == 0 ? Feature(name: "c\(index)", kind: .categorical, levels: (0..<40).map { "v\($0)" })
                            : Feature(name: "f\(index)", kind: .numeric)
        }
        func grow(_ tree: inout Tree, nodes: Int) -> Int32 {
            guard nodes > 0 else { return tree.appendLeaf(value: unit() * 2 - 1, hessian: 1, count: 1) }
            let feature = Int(random.next() % 300)
            let node = feature % 10 == 0
                ? tree.appendCategoricalNode(feature: feature, leftCodes: (0..<40).filter { _ in random.next() % 2 == 0 },
                                             defaultLeft: unit() < 0.5, unseenLeft: unit() < 0.5, gain: 1, hessian: 1, count: 1)
                : tree.appendNumericNode(feature: feature, threshold: (unit() * 2 - 1) * 1.000_000_1, defaultLeft: unit() < 0.5,
                                         gain: 1, hessian: 1, count: 1)
            let left = Int(random.next() % UInt64(nodes))
            let leftChild = grow(&tree, nodes: left)
            tree.leftChild[node] = leftChild
            let rightChild = grow(&tree, nodes: nodes - 1 - left)
            tree.rightChild[node] = rightChild
            return Int32(node)
        }
        var trees: [Tree] = []
        for _ in 0..<2 {
            var tree = Tree()
            _ = grow(&tree, nodes: 200)
            trees.append(tree)
        }
        var rows: [Double] = []
        for _ in 0..<100 {
            for index in 0..<300 {
                let draw = unit()
                rows.append(draw < 0.05 ? .nan : index % 10 == 0 ? Double(Int(unit() * 46) - 1) : draw * 2.4 - 1.2)
            }
        }
        return (try model(features: features, trees: trees, task: .binary, base: [0.05], link: .sigmoid), rows)
    }
}
