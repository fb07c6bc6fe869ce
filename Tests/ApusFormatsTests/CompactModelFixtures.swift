import ApusModel

/// Seeded random models and rows for the compact format's round trips.
enum CompactModelFixtures {
    /// Numeric and categorical features; `wide` has 40 levels (two words of level set).
    static let schema = try! FeatureSchema(features: [
        Feature(name: "x", kind: .numeric),
        Feature(name: "colour", kind: .categorical, levels: ["red", "green", "blue", "violet", "black"]),
        Feature(name: "y", kind: .numeric),
        Feature(name: "wide", kind: .categorical, levels: (0..<40).map { "level\($0)" }),
        Feature(name: "z", kind: .numeric),
    ])
    static var kinds: [FeatureKind] { schema.features.map(\.kind) }
    static func levelCount(_ feature: Int) -> Int { schema.features[feature].levels.count }

    /// A random model of `rounds` rounds for `task` (binary: sigmoid, multiclass: three
    /// classes, regression: Poisson's exp link).
    static func model(_ task: ModelTask, rounds: Int = 20, depth: Int = 5, seed: UInt64 = 1) throws -> Model {
        var random = SplitMix(seed: seed)
        let k = task == .multiclass ? 3 : 1
        let trees = (0..<rounds * k).map { index in
            // Every seventh tree is a single leaf.
            index % 7 == 6 ? Tree(leafValue: uniform(&random) - 0.5, hessian: 1, count: 1) : tree(depth: depth, random: &random)
        }
        let link: OutputLink = task == .multiclass ? .softmax : task == .binary ? .sigmoid : .exp
        let ensemble = try TreeEnsemble(
            trees: trees, scoresPerRow: k, baseScore: (0..<k).map { Double($0) * 0.1 - 0.05 }, link: link, featureKinds: kinds)
        let classes = task == .multiclass ? ["a", "b", "c"] : task == .binary ? ["no", "yes"] : []
        return Model(
            task: task, objective: task == .regression ? "poisson" : task.rawValue, target: "target", classes: classes,
            schema: schema, ensemble: ensemble, parameters: ["learning_rate": "0.1"],
            training: TrainingSummary(rows: 100, roundsTrained: rounds, bestRound: rounds, apusVersion: "test"))
    }

    /// A random tree of depth at most `depth`.
    static func tree(depth: Int, random: inout SplitMix) -> Tree {
        var tree = Tree()
        func grow(_ depth: Int) -> Int32 {
            if depth == 0 || random.next() % 5 == 0 {
                return tree.appendLeaf(value: (uniform(&random) - 0.5) * 3, hessian: uniform(&random), count: 1)
            }
            let feature = Int(random.next() % UInt64(kinds.count))
            let node: Int
            if kinds[feature] == .categorical {
                let codes = (0..<levelCount(feature)).filter { _ in random.next() % 3 == 0 }
                node = tree.appendCategoricalNode(
                    feature: feature, leftCodes: codes, defaultLeft: random.next() % 2 == 0,
                    unseenLeft: random.next() % 2 == 0, gain: 1, hessian: 1, count: 1)
            } else {
                // Thresholds on a coarse grid (as histogram bins are), most not floats.
                let threshold = (Double(random.next() % 200) - 100) / 33
                node = tree.appendNumericNode(feature: feature, threshold: threshold, defaultLeft: random.next() % 2 == 0, gain: 1, hessian: 1, count: 1)
            }
            let left = grow(depth - 1), right = grow(depth - 1)
            tree.leftChild[node] = left
            tree.rightChild[node] = right
            return Int32(node)
        }
        _ = grow(depth)
        return tree
    }

    /// Random rows: values on and between the grid (some exactly at thresholds), NaN,
    /// ±infinity, unseen codes (−1), codes beyond the level sets and beyond 2^32.
    static func rows(_ count: Int, seed: UInt64 = 2) -> [Double] {
        var random = SplitMix(seed: seed)
        var values: [Double] = []
        for _ in 0..<count {
            for (feature, kind) in kinds.enumerated() {
                let pick = random.next() % 20
                switch (kind, pick) {
                case (_, 0): values.append(.nan)
                case (.numeric, 1): values.append(random.next() % 2 == 0 ? .infinity : -.infinity)
                case (.numeric, 2...9): values.append((Double(random.next() % 200) - 100) / 33)
                case (.numeric, 10): values.append(Double(Float((Double(random.next() % 200) - 100) / 33)))
                case (.numeric, _): values.append(uniform(&random) * 8 - 4)
                case (.categorical, 1): values.append(-1)
                case (.categorical, 2): values.append(Double(levelCount(feature) + Int(random.next() % 70)))
                case (.categorical, 3): values.append(5e9)
                case (.categorical, _): values.append(Double(random.next() % UInt64(levelCount(feature))))
                }
            }
        }
        return values
    }

    static func uniform(_ random: inout SplitMix) -> Double { Double(random.next() >> 11) * 0x1p-53 }

    /// A model of `trees` trees of `leaves` leaves each, grown leaf-wise over `features`
    /// numeric features with 255 candidate thresholds each (a LightGBM-sized model).
    static func large(trees: Int, leaves: Int, features: Int) throws -> Model {
        var random = SplitMix(seed: 99)
        let grid = (0..<features).map { _ in (0..<255).map { _ in uniform(&random) * 10 - 5 } }
        var built: [Tree] = []
        for _ in 0..<trees {
            var tree = Tree()
            // Leaves to split: (parent node, is left child); the first split is the root.
            var open: [(parent: Int, left: Bool)] = []
            var splits = 0
            func split(_ slot: (parent: Int, left: Bool)?) {
                let feature = Int(random.next() % UInt64(features))
                let node = tree.appendNumericNode(
                    feature: feature, threshold: grid[feature][Int(random.next() % 255)], defaultLeft: random.next() % 2 == 0,
                    gain: 1, hessian: 1, count: 1)
                if let slot { if slot.left { tree.leftChild[slot.parent] = Int32(node) } else { tree.rightChild[slot.parent] = Int32(node) } }
                open += [(node, true), (node, false)]
                splits += 1
            }
            split(nil)
            while splits < leaves - 1 { split(open.remove(at: Int(random.next() % UInt64(open.count)))) }
            for slot in open {
                let leaf = tree.appendLeaf(value: (uniform(&random) - 0.5) * 0.2, hessian: 1, count: 1)
                if slot.left { tree.leftChild[slot.parent] = leaf } else { tree.rightChild[slot.parent] = leaf }
            }
            built.append(tree)
        }
        let schema = try FeatureSchema(features: (0..<features).map { Feature(name: "f\($0)", kind: .numeric) })
        let ensemble = try TreeEnsemble(
            trees: built, scoresPerRow: 1, baseScore: [0], link: .sigmoid, featureKinds: Array(repeating: .numeric, count: features))
        return Model(
            task: .binary, objective: "binary", target: "y", classes: ["0", "1"], schema: schema, ensemble: ensemble,
            parameters: [:], training: TrainingSummary(rows: 1, roundsTrained: trees, bestRound: trees, apusVersion: "test"))
    }
}
