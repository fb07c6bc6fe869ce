/// Path-dependent TreeSHAP on one tree for one row, with one feature optionally held out of
/// the game: held known (the row's branch is always taken) or held unknown (both branches,
/// weighted by cover). Interaction values are half the difference of the two (Lundberg et
/// al., 2020, as shap's `tree_shap_recursive` with its `condition` argument).
///
/// Lundberg et al.'s recursion, plus the condition; with `.none` it is the paper's TreeSHAP,
/// which ``TreeSHAP`` runs for paths of more than 64 distinct features and when asked.
struct ConditionedTreeSHAP {
    enum Condition {
        case none
        /// The feature is always known: only the row's branch is followed at its splits.
        case known(Int32)
        /// The feature is never known: both branches are followed, weighted by cover.
        case unknown(Int32)
    }

    let tree: ExplainedTree
    let features: UnsafeBufferPointer<Double>
    /// Room for the path's segments: `(maxDepth + 2)(maxDepth + 3) / 2` elements.
    let path: UnsafeMutablePointer<PathElement>

    /// Adds the tree's SHAP values for the row under `condition` to `phi` (one per feature;
    /// the bias is not touched).
    func values(into phi: UnsafeMutablePointer<Double>, condition: Condition) {
        guard tree.internalCount > 0 else { return }
        recurse(node: 0, phi: phi, path: path, depth: 0, zero: 1, one: 1, feature: -1, condition: condition, fraction: 1)
    }

    /// TreeSHAP's RECURSE: the parent's path holds `depth` elements; this node's segment
    /// starts after them. `fraction` is the share of this subtree under the condition.
    private func recurse(
        node: Int, phi: UnsafeMutablePointer<Double>, path parent: UnsafeMutablePointer<PathElement>, depth: Int,
        zero: Double, one: Double, feature: Int32, condition: Condition, fraction: Double
    ) {
        guard fraction != 0 else { return }
        let held: Int32? = switch condition {
        case .none: nil
        case .known(let feature), .unknown(let feature): feature
        }
        let path = parent + depth
        if depth > 0 { path.update(from: parent, count: depth) }
        // The last element's index; the held feature is never put on the path.
        var last = depth - 1
        if feature != held {
            TreeSHAPPath.extend(path, depth: depth, zero: zero, one: one, feature: feature)
            last = depth
        }
        if node >= tree.internalCount {
            let value = tree.tree.leafValue[node - tree.internalCount]
            guard last > 0 else { return }
            for i in 1...last {
                let element = path[i]
                let weight = TreeSHAPPath.unwoundSum(path, depth: last, index: i)
                phi[Int(element.feature)] += weight * (element.one - element.zero) * fraction * value
            }
            return
        }
        let split = tree.tree.splitFeature[node]
        let goesLeft = tree.tree.goesLeft(node, value: features[Int(split)])
        let hot = Int(goesLeft ? tree.left[node] : tree.right[node])
        let cold = Int(goesLeft ? tree.right[node] : tree.left[node])
        let hotFraction = goesLeft ? tree.leftFraction[node] : tree.rightFraction[node]
        let coldFraction = goesLeft ? tree.rightFraction[node] : tree.leftFraction[node]
        var incomingZero = 1.0, incomingOne = 1.0
        // A feature met before on this path: undo that element and carry its fractions.
        var index = 1
        while index <= last, path[index].feature != split { index += 1 }
        if index <= last {
            incomingZero = path[index].zero
            incomingOne = path[index].one
            TreeSHAPPath.unwind(path, depth: last, index: index)
            last -= 1
        }
        var hotShare = fraction, coldShare = fraction
        switch condition {
        case .known(let feature) where feature == split: coldShare = 0
        case .unknown(let feature) where feature == split:
            hotShare *= hotFraction
            coldShare *= coldFraction
        default: break
        }
        recurse(node: hot, phi: phi, path: path, depth: last + 1, zero: hotFraction * incomingZero, one: incomingOne,
                feature: split, condition: condition, fraction: hotShare)
        recurse(node: cold, phi: phi, path: path, depth: last + 1, zero: coldFraction * incomingZero, one: 0,
                feature: split, condition: condition, fraction: coldShare)
    }
}

extension ConditionedTreeSHAP {
    /// One worker's buffers: the path, SHAP values per score, and the values with one
    /// feature held known and unknown.
    struct Scratch {
        let path: UnsafeMutablePointer<PathElement>
        let shap: UnsafeMutablePointer<Double>
        let known: UnsafeMutablePointer<Double>
        let unknown: UnsafeMutablePointer<Double>

        init(maxDepth: Int, featureCount: Int, scoresPerRow: Int) {
            path = .allocate(capacity: (maxDepth + 2) * (maxDepth + 3) / 2)
            shap = .allocate(capacity: max(1, scoresPerRow * featureCount))
            known = .allocate(capacity: max(1, featureCount))
            unknown = .allocate(capacity: max(1, featureCount))
            shap.initialize(repeating: 0, count: max(1, scoresPerRow * featureCount))
            known.initialize(repeating: 0, count: max(1, featureCount))
            unknown.initialize(repeating: 0, count: max(1, featureCount))
        }

        func deallocate() {
            path.deallocate()
            shap.deallocate()
            known.deallocate()
            unknown.deallocate()
        }
    }
}
