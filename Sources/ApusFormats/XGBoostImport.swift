import ApusModel
import Foundation

/// Reads XGBoost JSON and UBJSON models (`Booster.save_model("model.json")` or `"model.ubj"`,
/// gbtree) into Apus models that predict the same.
///
/// What maps how:
/// - XGBoost goes left when `float32(value) < threshold`; Apus goes left when
///   `value <= threshold'`, with `threshold'` the largest double whose float32 rounding is
///   below the threshold, so every double goes the same way;
/// - a missing value follows `default_left`;
/// - a categorical split sends the categories in its set to the right; Apus sends its set
///   left, so the children are swapped. Categories are the integers `0...max` (XGBoost's
///   file does not keep the names), so rows send the integer codes;
/// - `base_score` is turned into the margin it stands for (the logit for logistic
///   objectives, the log for Poisson, gamma and Tweedie) and becomes the base score;
/// - objectives: binary:logistic, reg:logistic, binary:logitraw (sigmoid); multi:softprob and
///   multi:softmax (softmax); reg:squarederror, reg:absoluteerror, reg:pseudohubererror,
///   reg:quantileerror (identity); count:poisson, reg:gamma, reg:tweedie (exp).
public enum XGBoostImport {
    /// The model a JSON model file's bytes describe.
    ///
    /// - Throws: ``ImportError`` naming the field, tree or node that cannot be read.
    public static func model(json data: Data, target: String = "label") throws(ImportError) -> Model {
        guard let root = try? JSONSerialization.jsonObject(with: data) as? [String: Any] else {
            throw ImportError("not an XGBoost JSON model: not a JSON object (the old binary format is not read)")
        }
        return try model(root: root, target: target)
    }

    /// The model an XGBoost UBJSON model file's bytes describe (`save_model("model.ubj")`):
    /// the same document as the JSON form, in binary.
    ///
    /// - Throws: ``ImportError`` naming the byte offset, field, tree or node that cannot be read.
    public static func model(ubjson data: Data, target: String = "label") throws(ImportError) -> Model {
        guard let root = try UBJSONReader.value(of: Array(data)) as? [String: Any] else {
            throw ImportError("not an XGBoost UBJSON model: the document is not an object")
        }
        return try model(root: root, target: target)
    }

    /// Whether `data` looks like UBJSON rather than JSON text: an object marker followed
    /// by a count, type or key-length marker instead of a quote or white space.
    public static func isUBJSON(_ data: Data) -> Bool {
        guard data.count >= 2, data[data.startIndex] == UInt8(ascii: "{") else { return false }
        return Set("#$iUIlLN}".utf8).contains(data[data.startIndex + 1])
    }

    static func model(root: [String: Any], target: String) throws(ImportError) -> Model {
        guard let learner = root["learner"] as? [String: Any] else {
            throw ImportError("not an XGBoost model: no `learner` object")
        }
        let parameters = learner["learner_model_param"] as? [String: Any] ?? [:]
        guard let featureCount = Int(parameters["num_feature"] as? String ?? ""), featureCount > 0, featureCount < 1_000_000 else {
            throw ImportError("learner_model_param.num_feature is missing or out of range")
        }
        let objective = (learner["objective"] as? [String: Any])?["name"] as? String ?? ""
        let classCount = Int(parameters["num_class"] as? String ?? "0") ?? 0
        guard let booster = learner["gradient_booster"] as? [String: Any], booster["name"] as? String == "gbtree",
              let model = booster["model"] as? [String: Any], let treeObjects = model["trees"] as? [[String: Any]] else {
            throw ImportError("only gbtree boosters are read (found `\((learner["gradient_booster"] as? [String: Any])?["name"] ?? "none")`)")
        }
        let names = learner["feature_names"] as? [String] ?? (0..<featureCount).map { "f\($0)" }
        let types = learner["feature_types"] as? [String] ?? Array(repeating: "float", count: featureCount)
        guard names.count == featureCount, types.count == featureCount else {
            throw ImportError("feature_names or feature_types do not list \(featureCount) features")
        }
        let (task, link, scores) = try Self.objective(objective, classCount: classCount)
        let base = try Self.baseMargins(parameters["base_score"] as? String ?? "0.5", objective: objective, scores: scores)

        var trees: [Tree] = []
        var largestCategory = [Int](repeating: -1, count: featureCount)
        for (index, object) in treeObjects.enumerated() {
            trees.append(try Self.tree(object, index: index, featureCount: featureCount, types: types, largestCategory: &largestCategory))
        }
        let treeInfo = model["tree_info"] as? [Int] ?? []
        guard treeInfo.count == trees.count, trees.count % scores == 0,
              treeInfo.enumerated().allSatisfy({ $0.element == $0.offset % scores }) else {
            throw ImportError("tree_info does not give the trees round by round, one per class (num_parallel_tree > 1 is not read)")
        }
        var features: [Feature] = []
        for (index, name) in names.enumerated() {
            if types[index] == "c" {
                features.append(Feature(name: name, kind: .categorical, levels: (0...max(0, largestCategory[index])).map(String.init)))
            } else {
                features.append(Feature(name: name, kind: .numeric))
            }
        }
        let schema: FeatureSchema
        do { schema = try FeatureSchema(features: features) } catch { throw ImportError("the features: \(error)") }
        let ensemble: TreeEnsemble
        do {
            ensemble = try TreeEnsemble(trees: trees, scoresPerRow: scores, baseScore: base, link: link, featureKinds: features.map(\.kind))
        } catch {
            throw ImportError("the trees do not make a valid ensemble: \(error)")
        }
        let classes: [String] = task == .binary ? ["0", "1"] : task == .multiclass ? (0..<scores).map(String.init) : []
        let version = (root["version"] as? [Int]).map { $0.map(String.init).joined(separator: ".") } ?? ""
        return Model(task: task, objective: objective, target: target, classes: classes, schema: schema, ensemble: ensemble,
                     parameters: ["imported_from": "xgboost \(version)", "objective": objective],
                     training: TrainingSummary(rows: 0, roundsTrained: ensemble.rounds, bestRound: ensemble.rounds, apusVersion: "imported"))
    }

    static func objective(_ name: String, classCount: Int) throws(ImportError) -> (ModelTask, OutputLink, Int) {
        switch name {
        case "binary:logistic", "reg:logistic", "binary:logitraw": return (.binary, .sigmoid, 1)
        case "multi:softprob", "multi:softmax":
            guard classCount >= 2 else { throw ImportError("`\(name)` with num_class \(classCount)") }
            return (.multiclass, .softmax, classCount)
        case "reg:squarederror", "reg:absoluteerror", "reg:pseudohubererror", "reg:quantileerror", "reg:linear":
            return (.regression, .identity, 1)
        case "count:poisson", "reg:gamma", "reg:tweedie": return (.regression, .exp, 1)
        default: throw ImportError("objective `\(name)` is not one Apus can import")
        }
    }

    /// The margins `base_score` ("0.5" or "[5E-1]" or "[a,b,c]") stands for.
    static func baseMargins(_ text: String, objective: String, scores: Int) throws(ImportError) -> [Double] {
        let values = text.trimmingCharacters(in: CharacterSet(charactersIn: "[] ")).split(separator: ",")
            .compactMap { Double($0.trimmingCharacters(in: .whitespaces)) }
        guard !values.isEmpty, values.allSatisfy(\.isFinite) else { throw ImportError("base_score `\(text.prefix(40))` is not a number") }
        let margins = values.map { value -> Double in
            switch objective {
            case "binary:logistic", "reg:logistic": return log(value / (1 - value))
            case "count:poisson", "reg:gamma", "reg:tweedie": return log(value)
            default: return value
            }
        }
        guard margins.allSatisfy(\.isFinite) else { throw ImportError("base_score `\(text)` has no finite margin for `\(objective)`") }
        if margins.count == scores { return margins }
        guard margins.count == 1 else { throw ImportError("base_score has \(margins.count) values for \(scores) scores") }
        return Array(repeating: margins[0], count: scores)
    }

    /// The largest double `d` such that `x <= d` exactly when `Float(x) < threshold`.
    static func doubleThreshold(below threshold: Float) -> Double {
        if threshold.isNaN { return -.infinity }
        if threshold == -.infinity { return -.infinity }
        let previous = threshold.nextDown  // the largest float below the threshold
        if previous == -.infinity { return -Double.greatestFiniteMagnitude.nextDown }
        if threshold == .infinity { return Double.infinity.nextDown }
        // Doubles round to `previous` up to the midpoint; the midpoint itself rounds to the
        // float with the even significand.
        let midpoint = (Double(previous) + Double(threshold)) / 2
        return previous.significandBitPattern & 1 == 0 ? midpoint : midpoint.nextDown
    }

    static func tree(_ object: [String: Any], index: Int, featureCount: Int, types: [String],
                     largestCategory: inout [Int]) throws(ImportError) -> Tree {
        func ints(_ key: String) throws(ImportError) -> [Int] {
            guard let values = object[key] as? [Int] else { throw ImportError("tree \(index) has no integer list `\(key)`") }
            return values
        }
        func doubles(_ key: String) throws(ImportError) -> [Double] {
            guard let values = object[key] as? [Double] ?? (object[key] as? [NSNumber])?.map(\.doubleValue) else {
                throw ImportError("tree \(index) has no number list `\(key)`")
            }
            return values
        }
        let left = try ints("left_children"), right = try ints("right_children")
        let features = try ints("split_indices"), conditions = try doubles("split_conditions")
        let defaults = try ints("default_left")
        let splitTypes = (object["split_type"] as? [Int]) ?? Array(repeating: 0, count: left.count)
        let hessians = (try? doubles("sum_hessian")) ?? Array(repeating: 0, count: left.count)
        let gains = (try? doubles("loss_changes")) ?? Array(repeating: 0, count: left.count)
        let count = left.count
        guard count >= 1, count <= 1 << 24, [right.count, features.count, conditions.count, defaults.count, splitTypes.count,
                                            hessians.count, gains.count].allSatisfy({ $0 == count }) else {
            throw ImportError("tree \(index): its node lists have different lengths")
        }
        let categoryNodes = (object["categories_nodes"] as? [Int]) ?? []
        let segments = (object["categories_segments"] as? [Int]) ?? []
        let sizes = (object["categories_sizes"] as? [Int]) ?? []
        let categories = (object["categories"] as? [Int]) ?? []
        guard categoryNodes.count == segments.count, segments.count == sizes.count else {
            throw ImportError("tree \(index): categories_nodes, _segments and _sizes differ in length")
        }
        // XGBoost numbers internal nodes and leaves together; Apus numbers each apart.
        var internalIndex = [Int](repeating: -1, count: count), leafIndex = [Int](repeating: -1, count: count)
        var internalCount = 0, leafCount = 0
        for node in 0..<count {
            if left[node] == -1 { leafIndex[node] = leafCount; leafCount += 1 } else { internalIndex[node] = internalCount; internalCount += 1 }
        }
        var tree = Tree()
        for node in 0..<count where left[node] == -1 {
            _ = tree.appendLeaf(value: conditions[node], hessian: hessians[node], count: 0)
        }
        guard internalCount > 0 else { return tree }
        guard left[0] != -1 else { throw ImportError("tree \(index): the root is a leaf but the tree has splits") }
        func child(_ node: Int) throws(ImportError) -> Int32 {
            guard node > 0, node < count else { throw ImportError("tree \(index): a child index \(node) is outside the tree") }
            return left[node] == -1 ? ~Int32(leafIndex[node]) : Int32(internalIndex[node])
        }
        for node in 0..<count where left[node] != -1 {
            let feature = features[node]
            guard feature >= 0, feature < featureCount else {
                throw ImportError("tree \(index), node \(node): split feature \(feature) is not one of the \(featureCount)")
            }
            let position: Int
            if splitTypes[node] == 1 {
                guard types[feature] == "c", let slot = categoryNodes.firstIndex(of: node),
                      segments[slot] >= 0, sizes[slot] >= 0, segments[slot] + sizes[slot] <= categories.count else {
                    throw ImportError("tree \(index), node \(node): a categorical split without its categories")
                }
                let set = Array(categories[segments[slot]..<segments[slot] + sizes[slot]])
                guard set.allSatisfy({ $0 >= 0 && $0 < 1 << 20 }) else {
                    throw ImportError("tree \(index), node \(node): a category outside 0..<1048576")
                }
                largestCategory[feature] = max(largestCategory[feature], set.max() ?? 0)
                // XGBoost sends the set right: Apus sends it left, so the children swap.
                position = tree.appendCategoricalNode(
                    feature: feature, leftCodes: set, defaultLeft: defaults[node] == 0, unseenLeft: false,
                    gain: gains[node], hessian: hessians[node], count: 0)
                tree.leftChild[position] = try child(right[node])
                tree.rightChild[position] = try child(left[node])
            } else {
                position = tree.appendNumericNode(
                    feature: feature, threshold: doubleThreshold(below: Float(conditions[node])), defaultLeft: defaults[node] != 0,
                    gain: gains[node], hessian: hessians[node], count: 0)
                tree.leftChild[position] = try child(left[node])
                tree.rightChild[position] = try child(right[node])
            }
            guard position == internalIndex[node] else { throw ImportError("tree \(index): node order is inconsistent") }
        }
        return tree
    }
}
