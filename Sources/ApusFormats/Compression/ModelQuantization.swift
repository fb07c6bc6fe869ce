import ApusModel

/// How an export stores leaf values (issue #6's compression).
///
/// Thresholds are never rounded to fewer than 32 bits: a threshold that moves sends rows
/// down the other branch, which costs far more accuracy than a rounded leaf. Quantized
/// exports store each numeric threshold as the largest `Float` not above it (so a float32
/// input takes the branch it takes in Apus) and may index a per-feature table of those
/// floats instead of repeating them (see the formats' documentation).
public enum QuantizationMode: String, CaseIterable, Sendable, Codable {
    /// Leaf values as 64-bit doubles: nothing is rounded.
    case none
    /// Leaf values rounded to the nearest IEEE 754 half-precision float (float16).
    case f16
    /// Leaf values as signed 8-bit integers times a per-tree scale: the tree's scale is
    /// its largest absolute leaf value over 127, rounded to the nearest `Float`; a leaf is
    /// its nearest multiple of the scale in −127…127.
    case i8
}

/// Rounds a model's numbers to what a quantized export stores, so Apus predicts exactly
/// what the export predicts and the loss of accuracy can be measured before export.
public enum ModelQuantization {
    /// The largest absolute leaf value float16 holds.
    public static let largestHalf = 65504.0

    /// `model` with its leaf values rounded as `mode` stores them and, unless `mode` is
    /// ``QuantizationMode/none``, its numeric thresholds rounded down to `Float`.
    ///
    /// - Throws: ``ImportError`` when a leaf value is beyond float16's range (`f16`).
    public static func quantize(_ model: Model, mode: QuantizationMode) throws(ImportError) -> Model {
        guard mode != .none else { return model }
        var trees = model.ensemble.trees
        for index in trees.indices {
            for node in 0..<trees[index].internalNodeCount where !trees[index].isCategorical(node) {
                trees[index].threshold[node] = Double(floatAtOrBelow(trees[index].threshold[node]))
            }
            switch mode {
            case .none:
                break
            case .f16:
                for leaf in trees[index].leafValue.indices {
                    let value = trees[index].leafValue[leaf]
                    guard abs(value) <= largestHalf else {
                        throw ImportError("trees[\(index)].leaf[\(leaf)]: value \(value) is beyond float16's range (±65504); use --quantize i8")
                    }
                    trees[index].leafValue[leaf] = halfRounded(value)
                }
            case .i8:
                let scale = leafScale(of: trees[index])
                for leaf in trees[index].leafValue.indices {
                    trees[index].leafValue[leaf] = Double(leafCode(trees[index].leafValue[leaf], scale: scale)) * scale
                }
            }
        }
        var result = model
        do {
            result.ensemble = try TreeEnsemble(
                trees: trees, scoresPerRow: model.ensemble.scoresPerRow, baseScore: model.ensemble.baseScore,
                link: model.ensemble.link, featureKinds: model.ensemble.featureKinds)
        } catch {
            // Only finite values changed, and finite values stay finite: the trees are as valid as before.
            throw ImportError("the quantized ensemble is invalid: \(error)")
        }
        result.parameters["quantization"] = mode.rawValue
        return result
    }

    /// The `i8` scale of a tree: its largest absolute leaf value over 127, as the nearest
    /// `Float` (1 when every leaf is 0, so that codes stay 0).
    public static func leafScale(of tree: Tree) -> Double {
        let largest = tree.leafValue.reduce(0) { max($0, abs($1)) }
        guard largest > 0 else { return 1 }
        let scale = Double(Float(largest / 127))
        // Float rounding can make the scale a hair small, putting the largest leaf at 127.0000001.
        return scale * 127 < largest ? Double(Float(scale).nextUp) : scale
    }

    /// The `i8` code of a leaf value at `scale`: the nearest integer to `value / scale`, in −127…127.
    public static func leafCode(_ value: Double, scale: Double) -> Int8 {
        Int8(max(-127, min(127, (value / scale).rounded(.toNearestOrEven))))
    }

    /// The largest `Float` not above `value` (`value` when it is a float already;
    /// ±infinity beyond float's range). A float `x` satisfies `x <= floatAtOrBelow(t)`
    /// exactly when `Double(x) <= t`.
    public static func floatAtOrBelow(_ value: Double) -> Float {
        let nearest = Float(value)
        return Double(nearest) > value ? nearest.nextDown : nearest
    }

    /// `value` rounded to the nearest float16, ties to even; subnormal halves included.
    /// The caller keeps `|value| <= 65504`.
    public static func halfRounded(_ value: Double) -> Double {
        guard value != 0, value.isFinite else { return value }
        // The exponent of value's leading bit, no lower than float16's smallest normal (−14):
        // below it, halves are spaced 2^−24 apart.
        let exponent = max(Int(value.magnitude.exponent), -14)
        let spacing = Double(sign: .plus, exponent: exponent - 10, significand: 1)
        return (value / spacing).rounded(.toNearestOrEven) * spacing
    }

    /// The IEEE 754 binary16 bits of `value`, which ``halfRounded(_:)`` must have rounded
    /// already (so the conversion is exact).
    public static func halfBits(_ value: Double) -> UInt16 {
        let sign: UInt16 = value.sign == .minus ? 0x8000 : 0
        let magnitude = value.magnitude
        guard magnitude != 0 else { return sign }
        let exponent = Int(magnitude.exponent)
        if exponent < -14 {
            // Subnormal: the value in units of 2^−24.
            return sign | UInt16(magnitude * 16_777_216)
        }
        let fraction = UInt16((magnitude / Double(sign: .plus, exponent: exponent, significand: 1) - 1) * 1024)
        return sign | UInt16(exponent + 15) << 10 | fraction
    }

    /// The value of IEEE 754 binary16 `bits` (``Float16Bits/value(_:)``, which the runtime uses).
    public static func halfValue(_ bits: UInt16) -> Double { Float16Bits.value(bits) }
}
