/// The input checks every plot shares; each error names the input and the place.
enum PlotChecks {
    /// `count` must be `expected`; `shape` says where `expected` comes from ("500 rows × 12 features").
    static func count(_ count: Int, of name: String, expected: Int, shape: String) throws(ExplainError) {
        guard count == expected else {
            throw ExplainError("\(name) has \(count) values, but \(shape) need \(expected)")
        }
    }

    /// There must be at least one of `what`.
    static func nonEmpty(_ count: Int, _ what: String, in name: String) throws(ExplainError) {
        guard count > 0 else { throw ExplainError("\(name) has no \(what): there is nothing to plot") }
    }

    /// `maxDisplay` must be at least 1.
    static func maxDisplay(_ value: Int) throws(ExplainError) {
        guard value >= 1 else { throw ExplainError("maxDisplay is \(value); it must be at least 1") }
    }

    /// Every value of `values` must be finite; `place` names the position of index `i`.
    static func finite(_ values: [Double], _ name: String, place: (Int) -> String) throws(ExplainError) {
        for (index, value) in values.enumerated() where !value.isFinite {
            throw ExplainError("\(name) holds \(value) at \(place(index)); every value must be a finite number")
        }
    }

    /// The place of flat index `index` in a rows × features matrix.
    static func cell(_ index: Int, features names: [String]) -> String {
        let width = max(1, names.count)
        return "row \(index / width), feature `\(names[index % width])`"
    }

    /// `flags` must be empty (none) or one per feature.
    static func flags(_ flags: [Bool], features: Int) throws(ExplainError) {
        guard flags.isEmpty || flags.count == features else {
            throw ExplainError("categorical has \(flags.count) flags for \(features) features; give one per feature, or none")
        }
    }
}

/// The display order of features: by mean |attribution|, largest first, the rest summed
/// into one row when there are more than `maxDisplay` (as shap does).
struct FeatureSelection {
    /// The features shown one by one, top row first.
    let shown: [Int]
    /// The features summed into the last row ("Sum of N other features"), empty when none.
    let others: [Int]

    init(importance: [Double], maxDisplay: Int) {
        let order = importance.indices.sorted { importance[$0] != importance[$1] ? importance[$0] > importance[$1] : $0 < $1 }
        if order.count > maxDisplay {
            shown = Array(order.prefix(maxDisplay - 1))
            others = Array(order.dropFirst(maxDisplay - 1))
        } else {
            shown = order
            others = []
        }
    }

    /// The label of the summed row.
    var othersLabel: String { "Sum of \(others.count) other features" }
}

/// A deterministic stand-in for a shuffle: a well-mixed 64-bit hash of `value` (SplitMix64).
func plotHash(_ value: Int) -> UInt64 {
    var z = UInt64(bitPattern: Int64(value)) &+ 0x9E37_79B9_7F4A_7C15
    z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
    z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
    return z ^ (z >> 31)
}
