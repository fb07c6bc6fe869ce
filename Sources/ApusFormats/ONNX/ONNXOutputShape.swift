import ApusModel
import FormatProtos

/// What an ONNX tree node's outputs mean: how many scores a row has, which of the file's
/// targets feeds which score, the base scores, the link and the class labels.
struct ONNXOutputShape {
    var scoresPerRow: Int
    var link: OutputLink
    var baseScore: [Double]
    var classes: [String]
    /// The file's target (class) id → Apus's score index.
    var scoreOfTarget: [Int: Int]
    /// Each leaf is multiplied by this (1 / trees for `AVERAGE`).
    var leafScale: Double

    static func read(_ node: Onnx_NodeProto, attributes: ONNXAttributes, graph: Onnx_GraphProto) throws(ImportError) -> ONNXOutputShape {
        let op = node.opType
        switch op {
        case "TreeEnsembleClassifier":
            var labels = attributes.strings("classlabels_strings")
            if labels.isEmpty { labels = try attributes.ints("classlabels_int64s", required: false).map { String($0) } }
            guard labels.count >= 2, labels.count <= 1 << 12 else {
                throw ImportError("\(op) has \(labels.count) class labels; Apus imports classifiers of 2 to 4,096 classes")
            }
            let used = Set(try attributes.ints("class_ids"))
            let transform = attributes.string("post_transform", default: "NONE")
            let base = try attributes.reals("base_values", required: false)
            if labels.count == 2, used.count <= 1 {
                guard transform == "LOGISTIC" else {
                    throw ImportError("\(op): a binary classifier with post_transform `\(transform)`; Apus imports LOGISTIC (probabilities from summed scores)")
                }
                guard base.count <= 1 else { throw ImportError("\(op): base_values has \(base.count) values for a binary classifier's one score") }
                let id = Int(used.first ?? 0)
                return ONNXOutputShape(scoresPerRow: 1, link: .sigmoid, baseScore: [base.first ?? 0], classes: labels,
                                       scoreOfTarget: [id: 0], leafScale: try leafScale(attributes))
            }
            guard transform == "SOFTMAX" else {
                throw ImportError("\(op): a classifier of \(labels.count) classes with post_transform `\(transform)`; Apus imports SOFTMAX")
            }
            guard base.isEmpty || base.count == labels.count else {
                throw ImportError("\(op): base_values has \(base.count) values for \(labels.count) classes")
            }
            var map: [Int: Int] = [:]
            for index in labels.indices { map[index] = index }
            return ONNXOutputShape(scoresPerRow: labels.count, link: .softmax, baseScore: base.isEmpty ? [Double](repeating: 0, count: labels.count) : base,
                                   classes: labels, scoreOfTarget: map, leafScale: try leafScale(attributes))
        case "TreeEnsembleRegressor":
            let targets = attributes.int("n_targets", default: 1)
            guard targets == 1 else { throw ImportError("\(op) has n_targets = \(targets); Apus imports one target") }
            let transform = attributes.string("post_transform", default: "NONE")
            guard transform == "NONE" else { throw ImportError("\(op): post_transform `\(transform)`; Apus imports NONE (then an optional Exp)") }
            let base = try attributes.reals("base_values", required: false)
            guard base.count <= 1 else { throw ImportError("\(op): base_values has \(base.count) values for one target") }
            let link: OutputLink = consumer(of: node.output.first, in: graph)?.opType == "Exp" ? .exp : .identity
            return ONNXOutputShape(scoresPerRow: 1, link: link, baseScore: [base.first ?? 0], classes: [], scoreOfTarget: [0: 0],
                                   leafScale: try leafScale(attributes))
        default:
            return try treeEnsemble(node, attributes: attributes, graph: graph)
        }
    }

    /// Opset 5: the scores, then an optional `Add` of a constant, then an optional link.
    private static func treeEnsemble(_ node: Onnx_NodeProto, attributes: ONNXAttributes, graph: Onnx_GraphProto) throws(ImportError) -> ONNXOutputShape {
        let targets = attributes.int("n_targets", default: 0)
        guard targets >= 1, targets <= 1 << 12 else { throw ImportError("TreeEnsemble has n_targets = \(targets)") }
        let scores = Int(targets)
        let aggregate = attributes.int("aggregate_function", default: 1)
        guard aggregate == 1 || aggregate == 0 else { throw ImportError("TreeEnsemble: aggregate_function \(aggregate); Apus imports SUM (1) and AVERAGE (0)") }
        var base = [Double](repeating: 0, count: scores)
        var output = node.output.first
        if let add = consumer(of: output, in: graph), add.opType == "Add", add.input.count == 2 {
            let other = add.input[0] == output ? add.input[1] : add.input[0]
            if let constant = graph.initializer.first(where: { $0.name == other }) {
                let values = try ONNXAttributes.reals(of: constant, name: "initializer `\(other)`")
                guard values.count == scores || values.count == 1 else {
                    throw ImportError("initializer `\(other)` added to the scores has \(values.count) values for \(scores) scores")
                }
                base = values.count == 1 ? [Double](repeating: values[0], count: scores) : values
                output = add.output.first
            }
        }
        var link: OutputLink
        switch attributes.int("post_transform", default: 0) {
        case 0:
            switch consumer(of: output, in: graph)?.opType {
            case "Sigmoid": link = .sigmoid
            case "Softmax": link = .softmax
            case "Exp": link = .exp
            default: link = .identity
            }
        case 1: link = .softmax
        case 2: link = .sigmoid
        case let other: throw ImportError("TreeEnsemble: post_transform \(other); Apus imports NONE (0), SOFTMAX (1) and LOGISTIC (2)")
        }
        if scores > 1, link != .softmax { throw ImportError("TreeEnsemble: \(scores) targets without a softmax; Apus imports one regression target") }
        if scores == 1, link == .softmax { link = .identity }
        let classes = link == .sigmoid ? ["0", "1"] : link == .softmax ? (0..<scores).map(String.init) : []
        var map: [Int: Int] = [:]
        for index in 0..<scores { map[index] = index }
        let roots = try attributes.ints("tree_roots").count
        return ONNXOutputShape(scoresPerRow: scores, link: link, baseScore: base, classes: classes, scoreOfTarget: map,
                               leafScale: aggregate == 0 ? 1 / Double(max(1, roots)) : 1)
    }

    private static func leafScale(_ attributes: ONNXAttributes) throws(ImportError) -> Double {
        switch attributes.string("aggregate_function", default: "SUM") {
        case "SUM": return 1
        case "AVERAGE": return 1 / Double(max(1, Set(try attributes.ints("nodes_treeids")).count))
        case let other: throw ImportError("\(attributes.node): aggregate_function `\(other)`; Apus imports SUM and AVERAGE")
        }
    }

    /// The one node reading `value`, if exactly one does.
    static func consumer(of value: String?, in graph: Onnx_GraphProto) -> Onnx_NodeProto? {
        guard let value else { return nil }
        let readers = graph.node.filter { $0.input.contains(value) }
        return readers.count == 1 ? readers[0] : nil
    }
}
