import Testing
import ApusTrain
import Foundation

@Suite struct BinaryMetricTests {
    @Test func aucCountsATieBetweenClassesAsOneHalf() throws {
        // Pairs (positive, negative): 0.4 > 0.1, 0.4 = 0.4 (½), 0.8 > both: 3.5 of 4.
        let auc = try score("auc", [0, 1, 0, 1], [0.1, 0.4, 0.4, 0.8])
        #expect(auc == 0.875)
        #expect(try score("auc", [0, 1], [0.3, 0.3]) == 0.5)
        #expect(try score("auc", [1, 0], [0.3, 0.7]) == 0)
    }

    @Test func averagePrecisionGroupsTies() throws {
        // 0.8: P = 1, ΔR = ½; 0.4 (one positive, one negative): P = ⅔, ΔR = ½.
        let ap = try score("average_precision", [0, 1, 0, 1], [0.1, 0.4, 0.4, 0.8])
        #expect(isClose(ap, 0.5 + 1.0 / 3))
        #expect(try score("average_precision", [1, 1], [0.2, 0.9]) == 1)
    }

    @Test func curveMetricsAgreeWithScikitLearn() throws {
        let (y, s, w) = (Fixture.binaryLabels, Fixture.binaryScores, Fixture.binaryWeights)
        #expect(isClose(try score("auc", y, s), 0.62))
        #expect(isClose(try score("auc", y, s, weights: w), 0.6598240469208212))
        #expect(isClose(try score("average_precision", y, s), 0.7142857142857142))
        #expect(isClose(try score("average_precision", y, s, weights: w), 0.7273803954764504))
    }

    @Test func logLossAndBrierByHand() throws {
        #expect(isClose(try score("logloss", [1, 0], [0.8, 0.4]), -(log(0.8) + log(0.6)) / 2))
        #expect(isClose(try score("brier", [1, 0], [0.8, 0.4]), 0.1))
        // A certain wrong prediction is clipped to 1e-15, not infinite.
        #expect(isClose(try score("logloss", [1], [0]), -log(1e-15)))
        #expect(try score("logloss", [1, 0], [0.8, 0.4], weights: [1, 0]) == -log(0.8))
    }

    @Test func logLossAndBrierAgreeWithScikitLearn() throws {
        let (y, s, w) = (Fixture.binaryLabels, Fixture.binaryScores, Fixture.binaryWeights)
        #expect(isClose(try score("logloss", y, s), 0.699717945534161))
        #expect(isClose(try score("logloss", y, s, weights: w), 0.6390686172688114))
        #expect(isClose(try score("brier", y, s), 0.2435))
        #expect(isClose(try score("brier", y, s, weights: w), 0.2184905660377359))
    }

    @Test func thresholdMetricsByHand() throws {
        // Predicted positive (> 0.5): 0.9, 0.6, 0.7; a score of exactly 0.5 is negative.
        let y: [Double] = [1, 1, 0, 0, 1]
        let s = [0.9, 0.5, 0.6, 0.2, 0.7]  // TP 2, FN 1, FP 1, TN 1
        #expect(isClose(try score("accuracy", y, s), 0.6))
        #expect(isClose(try score("precision", y, s), 2.0 / 3))
        #expect(isClose(try score("recall", y, s), 2.0 / 3))
        #expect(isClose(try score("f1", y, s), 2.0 / 3))
        let strict = ThresholdMetric(.recall, threshold: 0.4)
        #expect(try strict.evaluate(labels: y, predictions: s) == 1)
    }

    @Test func thresholdMetricsGiveZeroForZeroDivision() throws {
        for name in ["precision", "recall", "f1"] {
            #expect(try score(name, [0, 0, 1], [0.1, 0.2, 0.3]) == 0, "\(name)")
        }
        #expect(try score("recall", [0, 0], [0.9, 0.9]) == 0)
    }

    @Test func thresholdMetricsAgreeWithScikitLearn() throws {
        let (y, s, w) = (Fixture.binaryLabels, Fixture.binaryScores, Fixture.binaryWeights)
        let expected: [(String, Double, Double)] = [
            ("accuracy", 0.6, 0.6981132075471698),
            ("precision", 0.6666666666666666, 0.6666666666666666),
            ("recall", 0.4, 0.5454545454545454),
            ("f1", 0.5, 0.6),
        ]
        for (name, plain, weighted) in expected {
            #expect(isClose(try score(name, y, s), plain), "\(name)")
            #expect(isClose(try score(name, y, s, weights: w), weighted), "\(name) weighted")
        }
        let f1 = try ThresholdMetric(.f1, threshold: 0.3).evaluate(labels: y, predictions: s)
        #expect(isClose(f1, 0.6666666666666666))
        let precision = try ThresholdMetric(.precision, threshold: 0.3)
            .evaluate(labels: y, predictions: s, weights: w)
        #expect(isClose(precision, 0.4090909090909091))
    }
}
