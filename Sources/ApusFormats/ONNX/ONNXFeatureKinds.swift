import ApusModel

/// Which features are categorical: those the metadata says, or, without it, those split only
/// by set tests (`BRANCH_MEMBER`, `BRANCH_EQ`) on whole numbers.
struct ONNXFeatureKinds {
    var kinds: [FeatureKind]
    /// Categorical features: their level count (codes `0..<count`).
    var levelCounts: [Int]

    /// One more than the largest level code a set may hold (a set is a bitset: this bounds
    /// the memory a hostile file can ask for).
    static let largestCode = 1 << 16

    static func infer(forest: ONNXSourceForest, featureCount: Int, description: EmbeddedModelDescription?) throws(ImportError) -> ONNXFeatureKinds {
        var thresholded = [Bool](repeating: false, count: featureCount)
        var setTested = [Bool](repeating: false, count: featureCount)
        var largest = [Int](repeating: -1, count: featureCount)
        for (treeIndex, tree) in forest.trees.enumerated() {
            for node in tree.nodes {
                let place = "tree \(treeIndex), feature \(node.feature)"
                guard node.mode == .leaf || (node.feature >= 0 && node.feature < featureCount) else {
                    throw ImportError("tree \(treeIndex): a split reads feature \(node.feature), but the model has \(featureCount) features")
                }
                switch node.mode {
                case .leaf:
                    continue
                case .notEqual:
                    throw ImportError("\(place): BRANCH_NEQ splits are not supported")
                case .lessOrEqual, .less, .greaterOrEqual, .greater:
                    guard !node.value.isNaN else { throw ImportError("\(place): threshold is NaN") }
                    thresholded[node.feature] = true
                case .equal, .member:
                    setTested[node.feature] = true
                    for value in node.mode == .equal ? [node.value] : node.members where !value.isNaN {
                        guard value == value.rounded(), value >= -1, value < Double(largestCode) else {
                            throw ImportError("\(place): set value \(value) is not a level code (a whole number from −1)")
                        }
                        largest[node.feature] = max(largest[node.feature], Int(value))
                    }
                }
            }
        }
        var kinds: [FeatureKind] = [], counts: [Int] = []
        for feature in 0..<featureCount {
            if thresholded[feature], setTested[feature] {
                throw ImportError("feature \(feature) is split both by thresholds and by equality; Apus imports equality on categorical features only")
            }
            if let description {
                let declared = description.features[feature]
                if declared.kind == .numeric, setTested[feature] {
                    throw ImportError("feature `\(declared.name)` is numeric in the metadata but split by equality")
                }
                if declared.kind == .categorical, thresholded[feature] {
                    throw ImportError("feature `\(declared.name)` is categorical in the metadata but split by thresholds")
                }
                kinds.append(declared.kind)
                counts.append(declared.levels.count)
            } else {
                kinds.append(setTested[feature] ? .categorical : .numeric)
                counts.append(setTested[feature] ? largest[feature] + 1 : 0)
            }
        }
        return ONNXFeatureKinds(kinds: kinds, levelCounts: counts)
    }
}
