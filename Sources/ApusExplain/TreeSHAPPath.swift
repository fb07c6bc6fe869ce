/// The path of Lundberg et al.'s TreeSHAP (Algorithm 2 of "Consistent Individualized
/// Feature Attribution for Tree Ensembles", 2018): the features met from the root to the
/// current node, each with the fraction of cover that passed it (`zero`: as if the feature
/// were unknown) and whether the row passed it (`one`), and the weights of the subsets of
/// those features, by size.
struct PathElement {
    var feature: Int32
    var zero: Double
    var one: Double
    var weight: Double
}

enum TreeSHAPPath {
    /// Adds a feature to the path of `depth` elements (`path[0..<depth]`), updating every
    /// subset weight.
    @inline(__always)
    static func extend(_ path: UnsafeMutablePointer<PathElement>, depth: Int, zero: Double, one: Double, feature: Int32) {
        path[depth] = PathElement(feature: feature, zero: zero, one: one, weight: depth == 0 ? 1 : 0)
        let size = Double(depth + 1)
        var i = depth - 1
        while i >= 0 {
            path[i + 1].weight += one * path[i].weight * Double(i + 1) / size
            path[i].weight = zero * path[i].weight * Double(depth - i) / size
            i -= 1
        }
    }

    /// Removes element `index` from the path of `depth + 1` elements, undoing its extension.
    @inline(__always)
    static func unwind(_ path: UnsafeMutablePointer<PathElement>, depth: Int, index: Int) {
        let one = path[index].one, zero = path[index].zero
        let size = Double(depth + 1)
        var next = path[depth].weight
        var i = depth - 1
        while i >= 0 {
            if one != 0 {
                let kept = path[i].weight
                path[i].weight = next * size / (Double(i + 1) * one)
                next = kept - path[i].weight * zero * Double(depth - i) / size
            } else {
                path[i].weight = path[i].weight * size / (zero * Double(depth - i))
            }
            i -= 1
        }
        for j in index..<depth {
            path[j].feature = path[j + 1].feature
            path[j].zero = path[j + 1].zero
            path[j].one = path[j + 1].one
        }
    }

    /// The total weight of the path's subsets with element `index` removed (without
    /// changing the path).
    @inline(__always)
    static func unwoundSum(_ path: UnsafeMutablePointer<PathElement>, depth: Int, index: Int) -> Double {
        let one = path[index].one, zero = path[index].zero
        let size = Double(depth + 1)
        var next = path[depth].weight, total = 0.0
        var i = depth - 1
        while i >= 0 {
            if one != 0 {
                let share = next * size / (Double(i + 1) * one)
                total += share
                next = path[i].weight - share * zero * Double(depth - i) / size
            } else if zero != 0 {
                total += path[i].weight / zero / (Double(depth - i) / size)
            }
            i -= 1
        }
        return total
    }
}
