import ApusModel

/// Reads LightGBM text models (`Booster.save_model`) into Apus models that predict the same.
///
/// What maps how:
/// - trees keep LightGBM's node and leaf numbering (children `< 0` are leaves `~c`, as in
///   Apus); leaf values, leaf and node covers and split gains are copied;
/// - numeric splits go left when `value <= threshold`; a missing value (NaN) follows the
///   node's default direction when its missing type is NaN, and compares as 0 when it is
///   None (LightGBM turns NaN into 0 there); missing type Zero is read when 0 compares to the
///   default side, and refused otherwise (Apus has no "zero is missing");
/// - categorical splits keep their bitsets; NaN goes right (missing type NaN) or counts as
///   category 0, and negative categories go right, as in LightGBM. A categorical feature's
///   levels are pandas' categories when the file lists them (codes are their positions),
///   else the integers `0...max` (the number 3 is level "3");
/// - objectives: binary (and cross_entropy) → sigmoid, with a `sigmoid:` scale other than 1
///   folded into the leaf values (so raw scores are scale × LightGBM's); multiclass →
///   softmax; regression, regression_l1, huber, fair, quantile, mape → identity; poisson,
///   gamma, tweedie → exp. Linear trees and multiclassova are refused.
public enum LightGBMImport {
    /// The model the text of a LightGBM model file describes.
    ///
    /// - Parameter target: The name to give the target column (LightGBM does not record it).
    /// - Throws: ``ImportError`` naming the line, tree, node or field that cannot be read.
    public static func model(text: String, target: String = "label") throws(ImportError) -> Model {
        let file = try LightGBMTextModel(text: text)
        let names = (file.header["feature_names"] ?? "").split(separator: " ").map(String.init)
        let infos = (file.header["feature_infos"] ?? "").split(separator: " ").map(String.init)
        guard let maxFeature = Int(file.header["max_feature_idx"] ?? ""), maxFeature >= 0, maxFeature < 1_000_000,
              names.count == maxFeature + 1 else {
            throw ImportError("the header's max_feature_idx and feature_names disagree (\(names.count) names)")
        }
        guard infos.count == names.count else {
            throw ImportError("feature_infos has \(infos.count) entries for \(names.count) features")
        }
        let perIteration = Int(file.header["num_tree_per_iteration"] ?? file.header["num_class"] ?? "1") ?? 0
        guard perIteration >= 1, perIteration <= 10_000 else {
            throw ImportError("num_tree_per_iteration is \(file.header["num_tree_per_iteration"] ?? "missing")")
        }
        let objectiveLine = (file.header["objective"] ?? "regression").split(separator: " ").map(String.init)
        let objective = objectiveLine.first ?? "regression"
        let (task, link, scale) = try Self.objective(objective, options: objectiveLine.dropFirst(), perIteration: perIteration)

        // Categorical features: those with a categorical split, or listed as categories in feature_infos.
        var categorical = Set<Int>()
        for (index, info) in infos.enumerated() where !info.hasPrefix("[") && info != "none" { categorical.insert(index) }
        let categoricalOrder = categorical.sorted()
        var features: [Feature] = []
        for (index, name) in names.enumerated() {
            guard categorical.contains(index) else {
                features.append(Feature(name: name, kind: .numeric))
                continue
            }
            let levels: [String]
            if let lists = file.pandasCategorical, let position = categoricalOrder.firstIndex(of: index), position < lists.count {
                levels = lists[position]
            } else {
                let codes = infos[index].split(separator: ":").compactMap { Int($0) }.filter { $0 >= 0 }
                guard let largest = codes.max(), largest < 1_000_000 else {
                    throw ImportError("feature `\(name)`: feature_infos `\(infos[index].prefix(40))` lists no usable category")
                }
                levels = (0...largest).map(String.init)
            }
            features.append(Feature(name: name, kind: .categorical, levels: levels))
        }
        let schema: FeatureSchema
        do { schema = try FeatureSchema(features: features) } catch { throw ImportError("the features: \(error)") }

        guard !file.trees.isEmpty, file.trees.count % perIteration == 0 else {
            throw ImportError("\(file.trees.count) trees are not whole rounds of \(perIteration)")
        }
        var trees: [Tree] = []
        trees.reserveCapacity(file.trees.count)
        for (index, fields) in file.trees.enumerated() {
            trees.append(try Self.tree(fields, index: index, features: features, scale: scale))
        }
        let ensemble: TreeEnsemble
        do {
            ensemble = try TreeEnsemble(trees: trees, scoresPerRow: perIteration, baseScore: Array(repeating: 0, count: perIteration),
                                        link: link, featureKinds: features.map(\.kind))
        } catch {
            throw ImportError("the trees do not make a valid ensemble: \(error)")
        }
        let classes: [String] = switch task {
        case .binary: ["0", "1"]
        case .multiclass: (0..<perIteration).map(String.init)
        case .regression: []
        }
        var parameters = file.parameters
        parameters["imported_from"] = "lightgbm " + (file.header["version"] ?? "")
        let rounds = trees.count / perIteration
        return Model(task: task, objective: objective, target: target, classes: classes, schema: schema, ensemble: ensemble,
                     parameters: parameters,
                     training: TrainingSummary(rows: 0, roundsTrained: rounds, bestRound: rounds, apusVersion: "imported"))
    }

    static func objective(_ name: String, options: ArraySlice<String>, perIteration: Int) throws(ImportError)
        -> (ModelTask, OutputLink, Double) {
        switch name {
        case "binary", "cross_entropy", "xentropy":
            var scale = 1.0
            for option in options where option.hasPrefix("sigmoid:") {
                guard let value = Double(option.dropFirst(8)), value > 0, value.isFinite else {
                    throw ImportError("objective option `\(option)` is not a positive number")
                }
                scale = value
            }
            guard perIteration == 1 else { throw ImportError("a binary model with \(perIteration) trees per iteration") }
            return (.binary, .sigmoid, scale)
        case "multiclass", "softmax":
            guard perIteration >= 2 else { throw ImportError("a multiclass model with \(perIteration) trees per iteration") }
            return (.multiclass, .softmax, 1)
        case "regression", "regression_l2", "l2", "mean_squared_error", "mse", "regression_l1", "l1", "huber", "fair",
             "quantile", "mape":
            return (.regression, .identity, 1)
        case "poisson", "gamma", "tweedie":
            return (.regression, .exp, 1)
        default:
            throw ImportError("objective `\(name)` is not one Apus can import (binary, multiclass, regression, poisson, ...)")
        }
    }

    static func tree(_ fields: [String: String], index: Int, features: [Feature], scale: Double) throws(ImportError) -> Tree {
        func numbers<T: LosslessStringConvertible>(_ key: String, _ count: Int, as _: T.Type) throws(ImportError) -> [T] {
            guard count > 0 else { return [] }
            guard let text = fields[key] else { throw ImportError("tree \(index) has no `\(key)`") }
            var values: [T] = []
            values.reserveCapacity(count)
            for token in text.split(separator: " ") {
                guard let value = T(String(token)) else { throw ImportError("tree \(index): `\(key)` holds `\(token.prefix(30))`") }
                values.append(value)
            }
            guard values.count == count else { throw ImportError("tree \(index): `\(key)` has \(values.count) values, not \(count)") }
            return values
        }
        if fields["is_linear"] == "1" { throw ImportError("tree \(index) is a linear tree, which Apus cannot import") }
        guard let leaves = Int(fields["num_leaves"] ?? ""), leaves >= 1, leaves <= 1 << 24 else {
            throw ImportError("tree \(index): num_leaves is `\(fields["num_leaves"] ?? "missing")`")
        }
        var tree = Tree()
        let nodes = leaves - 1
        let leafValues = try numbers("leaf_value", leaves, as: Double.self)
        tree.leafValue = leafValues.map { $0 * scale }
        tree.leafHessian = fields["leaf_weight"] != nil ? try numbers("leaf_weight", leaves, as: Double.self) : Array(repeating: 0, count: leaves)
        tree.leafRowCount = fields["leaf_count"] != nil ? try numbers("leaf_count", leaves, as: UInt64.self) : Array(repeating: 0, count: leaves)
        guard nodes > 0 else { return tree }
        let splitFeature = try numbers("split_feature", nodes, as: Int32.self)
        let thresholds = try numbers("threshold", nodes, as: Double.self)
        let decisions = try numbers("decision_type", nodes, as: Int.self)
        tree.leftChild = try numbers("left_child", nodes, as: Int32.self)
        tree.rightChild = try numbers("right_child", nodes, as: Int32.self)
        tree.splitGain = fields["split_gain"] != nil ? try numbers("split_gain", nodes, as: Double.self) : Array(repeating: 0, count: nodes)
        tree.nodeHessian = fields["internal_weight"] != nil ? try numbers("internal_weight", nodes, as: Double.self) : Array(repeating: 0, count: nodes)
        tree.nodeRowCount = fields["internal_count"] != nil ? try numbers("internal_count", nodes, as: UInt64.self) : Array(repeating: 0, count: nodes)
        let categoryCount = Int(fields["num_cat"] ?? "0") ?? -1
        guard categoryCount >= 0, categoryCount <= nodes else { throw ImportError("tree \(index): num_cat is `\(fields["num_cat"] ?? "")`") }
        let boundaries = try numbers("cat_boundaries", categoryCount > 0 ? categoryCount + 1 : 0, as: Int.self)
        let bitWords: [UInt32] = categoryCount > 0
            ? try numbers("cat_threshold", boundaries.last ?? 0, as: UInt32.self) : []
        for node in 0..<nodes {
            let feature = Int(splitFeature[node])
            guard feature >= 0, feature < features.count else {
                throw ImportError("tree \(index), node \(node): split feature \(feature) is not one of the \(features.count)")
            }
            let decision = decisions[node]
            let isCategorical = decision & 1 != 0
            let defaultLeft = decision & 2 != 0
            let missingType = (decision >> 2) & 3
            tree.splitFeature.append(Int32(feature))
            if isCategorical {
                guard features[feature].kind == .categorical else {
                    throw ImportError("tree \(index), node \(node): a categorical split on numeric feature `\(features[feature].name)`")
                }
                let slot = Int(thresholds[node])
                guard Double(slot) == thresholds[node], slot >= 0, slot + 1 < boundaries.count,
                      boundaries[slot] >= 0, boundaries[slot] <= boundaries[slot + 1], boundaries[slot + 1] <= bitWords.count else {
                    throw ImportError("tree \(index), node \(node): categorical threshold \(thresholds[node]) is outside cat_boundaries")
                }
                let words = Array(bitWords[boundaries[slot]..<boundaries[slot + 1]])
                var flags: Tree.Flags = .categorical
                // NaN: right for missing type NaN, else category 0. Negative: right.
                if missingType != 2, let first = words.first, first & 1 != 0 { flags.insert(.defaultLeft) }
                tree.threshold.append(0)
                tree.flags.append(flags.rawValue)
                tree.categoryStart.append(UInt32(tree.categoryWords.count))
                tree.categoryWordCount.append(UInt32(words.count))
                tree.categoryWords.append(contentsOf: words)
            } else {
                let threshold = thresholds[node]
                var left: Bool
                switch missingType {
                case 2: left = defaultLeft                      // NaN: default direction
                case 0: left = 0 <= threshold                   // None: NaN compares as 0
                default:                                        // Zero: 0 and NaN take the default
                    guard defaultLeft == (0 <= threshold) else {
                        throw ImportError("tree \(index), node \(node): zero-as-missing with a default direction 0 does not compare to (zero_as_missing models are not supported)")
                    }
                    left = defaultLeft
                }
                tree.threshold.append(threshold)
                tree.flags.append((left ? Tree.Flags.defaultLeft : []).rawValue)
                tree.categoryStart.append(UInt32(tree.categoryWords.count))
                tree.categoryWordCount.append(0)
            }
        }
        return tree
    }
}
