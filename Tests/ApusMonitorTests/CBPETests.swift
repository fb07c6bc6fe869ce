import Foundation
import Testing
@testable import ApusMonitor

@Suite("Isotonic calibration against scikit-learn, and CBPE")
struct CBPETests {
    static let isotonicCases = ["squared", "ties", "overconfident", "all_negative", "single_value", "near_ties", "hand"]

    @Test("IsotonicRegression(out_of_bounds='clip'): thresholds, values and predictions to 1e-12", arguments: isotonicCases)
    func isotonicMatchesSklearn(name: String) throws {
        let v = try CBPEReference.values(CBPEReference.sklearn, "iso_\(name).txt")
        let probabilities = try #require(v["probabilities"]), labels = try #require(v["labels"]).map { $0 == 1 }
        let calibration = try IsotonicCalibration(probabilities: probabilities, labels: labels)
        #expect(calibration.thresholds == v["thresholds"])
        let values = try #require(v["values"])
        try #require(calibration.values.count == values.count, "\(calibration.values.count) breakpoints vs \(values.count)")
        var worst = zip(calibration.values, values).map { abs($0 - $1) }.max() ?? 0
        for (input, output) in [("grid", "grid_predicted"), ("probabilities", "predicted")] {
            let xs = try #require(v[input]), expected = try #require(v[output])
            for (x, e) in zip(xs, expected) {
                let actual = calibration(x)
                #expect(abs(actual - e) <= 1e-12, "\(name) at \(x): \(actual) vs \(e)")
                worst = max(worst, abs(actual - e))
            }
        }
        #expect(worst <= 1e-12)
        print("isotonic \(name): \(calibration.thresholds.count) breakpoints, worst |Apus − sklearn| = \(worst)")
    }

    @Test("isotonic by hand: 0, 1, 0, 1 pools the middle two; clipped outside; interpolated between")
    func isotonicByHand() throws {
        let calibration = try IsotonicCalibration(probabilities: [0.3, 0.1, 0.4, 0.2], labels: [false, false, true, true])
        #expect(calibration.thresholds == [0.1, 0.2, 0.3, 0.4] && calibration.values == [0, 0.5, 0.5, 1])
        #expect(calibration(0.05) == 0 && calibration(0.9) == 1 && calibration(0.25) == 0.5)
        #expect(abs(calibration(0.35) - 0.75) < 1e-15 && abs(calibration(0.15) - 0.25) < 1e-15)
        #expect(calibration(.nan).isNaN)
    }

    @Test("CBPE by hand: four rows, threshold 0.5, no calibration")
    func byHand() throws {
        let e = try CBPE.estimate(probabilities: [0.9, 0.2, 0.6, 0.3], calibration: nil)
        // P = {0.9, 0.6}, N = {0.2, 0.3}: TP 1.5, FP 0.5, FN 0.5, TN 1.5; V_P = .09 + .24, V_N = .16 + .21.
        #expect(e.truePositives == 1.5 && abs(e.falsePositives - 0.5) < 1e-15 && e.falseNegatives == 0.5 && e.trueNegatives == 1.5)
        #expect(e.accuracy.value == 0.75 && abs(e.accuracy.standardError - (0.70).squareRoot() / 4) < 1e-15)
        #expect(e.precision.value == 0.75 && abs(e.precision.standardError - (0.33).squareRoot() / 2) < 1e-15)
        // recall = 1.5 / 2; SE² = (0.5²·0.33 + 1.5²·0.37) / 2⁴.
        #expect(e.recall.value == 0.75 && abs(e.recall.standardError - ((0.25 * 0.33 + 2.25 * 0.37) / 16).squareRoot()) < 1e-15)
        // specificity = 1.5 / 2; SE² = (0.5²·0.37 + 1.5²·0.33) / 2⁴.
        #expect(e.specificity.value == 0.75 && abs(e.specificity.standardError - ((0.25 * 0.37 + 2.25 * 0.33) / 16).squareRoot()) < 1e-15)
        // F1 = 2·1.5 / (1.5 + 0.5 + 2); SE² = (4·(0.5 + 2)²·0.33 + 4·1.5²·0.37) / 4⁴.
        #expect(e.f1.value == 0.75 && abs(e.f1.standardError - ((4 * 6.25 * 0.33 + 4 * 2.25 * 0.37) / 256).squareRoot()) < 1e-15)
        // Ascending 0.2, 0.3, 0.6, 0.9: Σ p_g·(q below + q_g / 2) = .08 + .345 + 1.02 + 1.755 = 3.2, over Σp·Σq = 4.
        #expect(abs(e.rocAUC.value - 0.8) < 1e-15)
        // Gradient g_k = (dU_k − 0.8·(Σq − Σp)) / 4 with Σq = Σp: dU = q below + ... − p above.
        let dU = [0 - (0.3 + 0.6 + 0.9), 0.8 - (0.6 + 0.9), 1.5 - 0.9, 1.9 - 0]
        let pq = [0.16, 0.21, 0.24, 0.09]
        let variance = zip(dU, pq).map { $1 * ($0 / 4) * ($0 / 4) }.reduce(0, +)
        #expect(abs(e.rocAUC.standardError - variance.squareRoot()) < 1e-15)
    }

    @Test("accuracy and precision standard errors are exact: all 2¹⁰ label vectors enumerated")
    func exactByEnumeration() throws {
        let p = [0.95, 0.81, 0.7, 0.62, 0.55, 0.5, 0.38, 0.3, 0.12, 0.04]
        let e = try CBPE.estimate(probabilities: p, threshold: 0.5, calibration: nil)
        var moments = [0.0, 0.0, 0.0, 0.0]  // accuracy, accuracy², precision, precision²
        for mask in 0..<(1 << p.count) {
            var weight = 1.0, correct = 0.0, tp = 0.0
            for (i, pi) in p.enumerated() {
                let y = mask & (1 << i) != 0
                weight *= y ? pi : 1 - pi
                let predicted = pi >= 0.5
                if y == predicted { correct += 1 }
                if y && predicted { tp += 1 }
            }
            let accuracy = correct / 10, precision = tp / 6
            moments[0] += weight * accuracy; moments[1] += weight * accuracy * accuracy
            moments[2] += weight * precision; moments[3] += weight * precision * precision
        }
        #expect(abs(e.accuracy.value - moments[0]) < 1e-14)
        #expect(abs(e.accuracy.standardError - (moments[1] - moments[0] * moments[0]).squareRoot()) < 1e-12)
        #expect(abs(e.precision.value - moments[2]) < 1e-14)
        #expect(abs(e.precision.standardError - (moments[3] - moments[2] * moments[2]).squareRoot()) < 1e-12)
    }

    @Test("empty denominators are 0 as in NannyML; ROC AUC is NaN without any expected positive")
    func zeroDenominators() throws {
        let low = try CBPE.estimate(probabilities: [0.1, 0.2, 0.3], calibration: nil)
        #expect(low.precision == EstimatedMetric(value: 0, standardError: 0))
        #expect(low.f1.value == 0 && low.recall.value == 0)
        let zero = try CBPE.estimate(probabilities: [0, 0, 0.7], threshold: 0.9, calibration: nil)
        #expect(zero.precision.value == 0 && zero.specificity.value == 1)
        let none = try CBPE.estimate(probabilities: [0, 0], calibration: nil)
        #expect(none.rocAUC.value.isNaN && none.recall.value == 0 && none.accuracy.value == 1 && none.accuracy.standardError == 0)
    }

    /// Realised metrics of one label draw: accuracy, precision, recall, F1, specificity, ROC AUC.
    static func realised(labels: [Bool], predicted: [Bool], order: [Int], scores: [Double]) -> [Double] {
        var tp = 0.0, fp = 0.0, fn = 0.0, tn = 0.0
        for (y, d) in zip(labels, predicted) {
            switch (y, d) {
            case (true, true): tp += 1
            case (false, true): fp += 1
            case (true, false): fn += 1
            case (false, false): tn += 1
            }
        }
        func div(_ a: Double, _ b: Double) -> Double { b == 0 ? 0 : a / b }
        var u = 0.0, negativesBelow = 0.0, start = 0
        while start < order.count {
            var end = start, pos = 0.0, neg = 0.0
            while end < order.count && scores[order[end]] == scores[order[start]] {
                if labels[order[end]] { pos += 1 } else { neg += 1 }
                end += 1
            }
            u += pos * (negativesBelow + 0.5 * neg)
            negativesBelow += neg
            start = end
        }
        let positives = tp + fn, negatives = fp + tn
        return [(tp + tn) / Double(labels.count), div(tp, tp + fp), div(tp, tp + fn), div(2 * tp, 2 * tp + fp + fn),
                div(tn, tn + fp), u / (positives * negatives)]
    }

    @Test("simulation: 2000 label draws from the calibrated p; mean within 3 SE, spread within 15% of the SE")
    func simulation() throws {
        var rng = SplitMix64(state: 2026)
        // Reference: scores with true p = score^1.6 (a miscalibrated model); analysis: a shifted window.
        let reference = (0..<3000).map { _ in rng.uniform() }
        let labels = reference.map { rng.uniform() < pow($0, 1.6) }
        let calibration = try IsotonicCalibration(probabilities: reference, labels: labels)
        let analysis = (0..<1500).map { _ in (rng.uniform() + rng.uniform() + rng.uniform()) / 3 }
        let estimate = try CBPE.estimate(probabilities: analysis, threshold: 0.45, calibration: calibration)
        let calibrated = calibration(analysis), predicted = analysis.map { $0 >= 0.45 }
        let order = analysis.indices.sorted { analysis[$0] < analysis[$1] }
        let draws = 2000
        var sum = [Double](repeating: 0, count: 6), sumSquares = sum
        var y = [Bool](repeating: false, count: analysis.count)
        for _ in 0..<draws {
            for i in y.indices { y[i] = rng.uniform() < calibrated[i] }
            for (k, m) in Self.realised(labels: y, predicted: predicted, order: order, scores: analysis).enumerated() {
                sum[k] += m; sumSquares[k] += m * m
            }
        }
        let metrics = [("accuracy", estimate.accuracy), ("precision", estimate.precision), ("recall", estimate.recall),
                       ("f1", estimate.f1), ("specificity", estimate.specificity), ("roc_auc", estimate.rocAUC)]
        for (k, (name, metric)) in metrics.enumerated() {
            let mean = sum[k] / Double(draws)
            let spread = ((sumSquares[k] - Double(draws) * mean * mean) / Double(draws - 1)).squareRoot()
            #expect(abs(mean - metric.value) <= 3 * metric.standardError, "\(name): mean \(mean) vs estimate \(metric.value)")
            #expect(abs(spread / metric.standardError - 1) <= 0.15, "\(name): spread \(spread) vs SE \(metric.standardError)")
            let z = (mean - metric.value) / (spread / Double(draws).squareRoot())
            #expect(abs(z) <= 4, "\(name): the mean realised metric is \(z) of its own standard errors from the estimate")
            print("CBPE simulation \(name): estimate \(metric.value) SE \(metric.standardError); realised mean \(mean) sd \(spread); "
                + "spread/SE \(spread / metric.standardError); (mean − estimate)/(sd/√2000) \(z)")
        }
    }

    @Test("NannyML 0.13 estimators on the same data (needs APUS_NANNYML_PYTHON; not in CI)",
          .enabled(if: CBPEReference.nannymlPython != nil), arguments: ["continuous", "shifted"])
    func matchesNannyML(name: String) throws {
        let v = try CBPEReference.values(CBPEReference.nannyml, "nanny_\(name).txt")
        let calibration = try IsotonicCalibration(probabilities: try #require(v["reference"]),
                                                  labels: try #require(v["labels"]).map { $0 == 1 })
        let analysis = try #require(v["analysis"]), threshold = try #require(v["threshold"]?.first)
        let calibrated = calibration(analysis), expected = try #require(v["calibrated"])
        #expect(zip(calibrated, expected).allSatisfy { abs($0 - $1) <= 1e-12 })
        let e = try CBPE.estimate(probabilities: analysis, threshold: threshold, calibration: calibration)
        let pairs = [("accuracy", e.accuracy), ("precision", e.precision), ("recall", e.recall), ("f1", e.f1),
                     ("specificity", e.specificity)]
        for (key, metric) in pairs {
            let nanny = try #require(v[key]?.first)
            #expect(abs(metric.value - nanny) <= 1e-12, "\(key): \(metric.value) vs \(nanny)")
            print("NannyML \(name) \(key): \(metric.value) vs \(nanny), difference \(metric.value - nanny)")
        }
        // NannyML rounds its cumulative expected counts to 5 decimals before the trapezoid.
        let auc = try #require(v["roc_auc"]?.first)
        #expect(abs(e.rocAUC.value - auc) <= 1e-5, "roc_auc: \(e.rocAUC.value) vs \(auc)")
        print("NannyML \(name) roc_auc: \(e.rocAUC.value) vs \(auc), difference \(e.rocAUC.value - auc)")
    }

    @Test("bad input names the arguments")
    func badInput() {
        func message(_ body: () throws -> Void) -> String {
            do { try body() } catch { return "\(error)" }
            return "no error"
        }
        #expect(message { _ = try CBPE.estimate(probabilities: [], calibration: nil) } == "probabilities is empty; at least one row is needed")
        #expect(message { _ = try CBPE.estimate(probabilities: [0.2, 1.5], calibration: nil) }
            == "probabilities[1] is 1.5; probabilities must be in [0, 1]")
        #expect(message { _ = try CBPE.estimate(probabilities: [0.2], threshold: .nan, calibration: nil) } == "threshold = nan is out of range")
        #expect(message { _ = try IsotonicCalibration(probabilities: [0.1, 0.2], labels: [true]) }
            == "labels has 1 value but probabilities has 2; they must have one value per row")
        #expect(message { _ = try IsotonicCalibration(probabilities: [], labels: []) } == "probabilities is empty; at least one row is needed")
        #expect(message { _ = try IsotonicCalibration(probabilities: [.nan], labels: [true]) }
            == "probabilities[0] is nan; probabilities must be in [0, 1]")
    }
}
