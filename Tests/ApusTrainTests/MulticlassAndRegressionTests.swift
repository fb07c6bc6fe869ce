import Testing
import ApusTrain
import Foundation

@Suite struct MulticlassAndRegressionTests {
    @Test func multiclassByHand() throws {
        let p = [0.5, 0.3, 0.2, 0.1, 0.6, 0.3]
        #expect(isClose(try score("multi_logloss", [0, 1], p), -(log(0.5) + log(0.6)) / 2))
        #expect(try score("multi_error", [0, 1], p) == 0)
        #expect(try score("multi_accuracy", [0, 2], p) == 0.5)
        // A tie goes to the first class, as NumPy's argmax.
        #expect(try score("multi_error", [1], [0.4, 0.4, 0.2]) == 1)
        #expect(try score("multi_error", [0], [0.4, 0.4, 0.2]) == 0)
    }

    @Test func multiclassAgreesWithScikitLearn() throws {
        let (y, p, w) = (Fixture.classLabels, Fixture.classProbabilities, Fixture.classWeights)
        #expect(isClose(try score("multi_logloss", y, p), 0.8445342742641083))
        #expect(isClose(try score("multi_logloss", y, p, weights: w), 0.7988171120363644))
        #expect(isClose(try score("multi_accuracy", y, p), 0.6666666666666666))
        #expect(isClose(try score("multi_accuracy", y, p, weights: w), 0.7878787878787878))
        #expect(isClose(try score("multi_error", y, p, weights: w), 1 - 0.7878787878787878))
    }

    @Test func regressionByHand() throws {
        let y: [Double] = [1, 2, 3]
        let p: [Double] = [1, 3, 5]
        #expect(isClose(try score("rmse", y, p), (5.0 / 3).squareRoot()))
        #expect(try score("mae", y, p) == 1)
        #expect(try score("r2", y, p) == -1.5)  // 1 − 5 / 2
        #expect(isClose(try score("mape", y, p), (0.5 + 2.0 / 3) / 3))
        // Row 0: 2 (0 − 0 + 1); row 1: 2 (2 log 1 − 2 + 2) = 0.
        #expect(try score("poisson_deviance", [0, 2], [1, 2]) == 1)
    }

    @Test func regressionAgreesWithScikitLearn() throws {
        let (y, p, w) = (Fixture.regressionLabels, Fixture.regressionPredictions, Fixture.regressionWeights)
        let expected: [(String, Double, Double)] = [
            ("rmse", 0.5877215894168485, 0.6711184694225006),
            ("mae", 0.47500000000000003, 0.604),
            ("r2", 0.9468163592622294, 0.9465362518398936),
            ("mape", 75059993789508.52, 18014398509482.395),
        ]
        for (name, plain, weighted) in expected {
            #expect(isClose(try score(name, y, p), plain), "\(name)")
            #expect(isClose(try score(name, y, p, weights: w), weighted), "\(name) weighted")
        }
        let (c, q) = (Fixture.countLabels, Fixture.countPredictions)
        #expect(isClose(try score("poisson_deviance", c, q), 0.36389786937725316))
        #expect(isClose(try score("poisson_deviance", c, q, weights: w), 0.47686441739184976))
    }

    @Test func r2OfAConstantTargetIsOneWhenExactAndZeroOtherwise() throws {
        // scikit-learn (force_finite=True): 1.0 and 0.0.
        #expect(try score("r2", [2, 2, 2], [2, 2, 2]) == 1)
        #expect(try score("r2", [2, 2, 2], [2, 2.5, 2]) == 0)
        #expect(try score("r2", [0.1, 0.1, 0.1], [0.1, 0.1, 0.2]) == 0)
        // Rows of zero weight do not count: the target is constant where it matters.
        #expect(try score("r2", [2, 5, 2], [2, 0, 2], weights: [1, 0, 1]) == 1)
    }

    @Test func anIntegerWeightEqualsRepeatingTheRow() throws {
        let cases: [([Double], [Double], [String])] = [
            (Fixture.binaryLabels, Fixture.binaryScores,
             ["auc", "average_precision", "logloss", "brier", "accuracy", "precision", "recall", "f1"]),
            (Fixture.regressionLabels, Fixture.regressionPredictions, ["rmse", "mae", "r2", "mape"]),
            (Fixture.countLabels, Fixture.countPredictions, ["poisson_deviance"]),
        ]
        for (labels, predictions, names) in cases {
            let weights = labels.indices.map { Double($0 % 3) }
            var repeatedLabels: [Double] = []
            var repeatedPredictions: [Double] = []
            for row in labels.indices {
                for _ in 0..<Int(weights[row]) {
                    repeatedLabels.append(labels[row])
                    repeatedPredictions.append(predictions[row])
                }
            }
            for name in names {
                let weighted = try score(name, labels, predictions, weights: weights)
                let repeated = try score(name, repeatedLabels, repeatedPredictions)
                #expect(isClose(weighted, repeated, tolerance: 1e-12), "\(name)")
            }
        }
    }
}
