@testable import ApusFormats
import ApusModel
import Testing

/// Quantization rounds leaves as the exports store them, checked against the standard
/// library's Float16 and by hand.
@Suite("Model quantization")
struct ModelQuantizationTests {
    /// A seeded spread of values across float16's range, subnormals included.
    static let values: [Double] = {
        var state: UInt64 = 0x9E37_79B9_7F4A_7C15
        var values: [Double] = [0, -0.0, 1, -1, 65504, -65504, 0x1p-24, 0x1p-14, 0.1, 1.0 / 3, 2049, 2051]
        for _ in 0..<20_000 {
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            let unit = Double(state >> 11) / Double(1 << 53)
            let magnitude = Double(sign: .plus, exponent: Int(unit * 40) - 24, significand: 1 + unit)
            values.append(state & 1 == 0 ? magnitude : -magnitude)
        }
        return values.filter { abs($0) <= 65504 }
    }()

    #if arch(x86_64) || arch(arm64)
    @Test func halfRoundingIsFloat16s() {
        for value in Self.values {
            let expected = Double(Float16(Float(value)))
            // Float(value) rounds first; compare only where that double rounding cannot differ.
            if Double(Float(value)) == value {
                #expect(ModelQuantization.halfRounded(value) == expected, "\(value)")
            }
            let rounded = ModelQuantization.halfRounded(value)
            #expect(Float16(bitPattern: ModelQuantization.halfBits(rounded)) == Float16(Float(rounded)), "\(value)")
            #expect(ModelQuantization.halfValue(ModelQuantization.halfBits(rounded)) == rounded, "\(value)")
        }
    }
    #endif

    @Test func floatAtOrBelowKeepsEveryFloatsBranch() {
        for threshold in [0.1, -0.1, 1.0 / 3, 1e30, -1e-30, 2.5, 1e300, -1e300] {
            let below = ModelQuantization.floatAtOrBelow(threshold)
            #expect(Double(below) <= threshold)
            #expect(Double(below.nextUp) > threshold || below.nextUp.isInfinite)
        }
        #expect(ModelQuantization.floatAtOrBelow(2.5) == 2.5)
    }

    @Test func i8CodesAreWithinRangeAndNearest() {
        var tree = Tree()
        for value in [0.5, -0.25, 0.001, -0.499] { _ = tree.appendLeaf(value: value, hessian: 1, count: 1) }
        let scale = ModelQuantization.leafScale(of: tree)
        #expect(scale * 127 >= 0.5 && scale == Double(Float(scale)))
        #expect(ModelQuantization.leafCode(0.5, scale: scale) == 127)
        for value in [-0.25, -0.499, 0.3] {
            let code = ModelQuantization.leafCode(value, scale: scale)
            #expect(abs(Double(code) * scale - value) <= scale / 2, "\(value) → \(code)")
        }
        #expect(ModelQuantization.leafCode(0.001, scale: scale) == 0)
        #expect(ModelQuantization.leafScale(of: Tree(leafValue: 0, hessian: 1, count: 1)) == 1)
    }

    @Test func quantizedModelsRoundLeavesAndThresholds() throws {
        let model = try Self.smallModel(leaves: [0.123456789, -70000])
        let i8 = try ModelQuantization.quantize(model, mode: .i8)
        let tree = i8.ensemble.trees[0]
        #expect(tree.threshold[0] == Double(ModelQuantization.floatAtOrBelow(0.1)))
        let scale = ModelQuantization.leafScale(of: model.ensemble.trees[0])
        #expect(tree.leafValue == [0, -127 * scale])
        #expect(i8.parameters["quantization"] == "i8")
        #expect(try ModelQuantization.quantize(model, mode: .none).ensemble.trees == model.ensemble.trees)
        #expect(throws: ImportError.self) { try ModelQuantization.quantize(model, mode: .f16) }
        let f16 = try ModelQuantization.quantize(try Self.smallModel(leaves: [0.123456789, -7]), mode: .f16)
        #expect(f16.ensemble.trees[0].leafValue == [ModelQuantization.halfRounded(0.123456789), -7])
    }

    static func smallModel(leaves: [Double]) throws -> Model {
        var tree = Tree()
        let node = tree.appendNumericNode(feature: 0, threshold: 0.1, defaultLeft: true, gain: 1, hessian: 2, count: 2)
        tree.leftChild[node] = tree.appendLeaf(value: leaves[0], hessian: 1, count: 1)
        tree.rightChild[node] = tree.appendLeaf(value: leaves[1], hessian: 1, count: 1)
        let schema = try FeatureSchema(features: [Feature(name: "x", kind: .numeric)])
        let ensemble = try TreeEnsemble(trees: [tree], scoresPerRow: 1, baseScore: [0], link: .identity, featureKinds: [.numeric])
        return Model(task: .regression, objective: "regression", target: "y", classes: [], schema: schema, ensemble: ensemble,
                     parameters: [:], training: TrainingSummary(rows: 2, roundsTrained: 1, bestRound: 1, apusVersion: "test"))
    }
}
