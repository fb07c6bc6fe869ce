import Testing
import ApusTrain

@Suite struct MetricErrorTests {
    @Test func lengthMismatchNamesBothLengths() {
        #expect(errorMessage { try AUC().evaluate(labels: [0, 1], predictions: [0.1]) }
            == "metric `auc`: 2 labels but 1 predictions")
        #expect(errorMessage { try RootMeanSquaredError().evaluate(labels: [1, 2], predictions: [1, 2], weights: [1, 1, 1]) }
            == "metric `rmse`: 2 labels but 3 weights")
        #expect(errorMessage { try MulticlassLogLoss().evaluate(labels: [0, 1], predictions: [0.5, 0.5, 1]) }
            == "metric `multi_logloss`: 3 probabilities do not form a matrix of 2 rows (one per label) by 2 or more classes")
    }

    @Test func emptyInputIsAnError() {
        for metric in Metrics.all {
            #expect(errorMessage { try metric.evaluate(labels: [], predictions: []) }
                == "metric `\(metric.name)`: no rows to score")
        }
    }

    @Test func nonFiniteValuesNameTheirRow() {
        #expect(errorMessage { try MeanAbsoluteError().evaluate(labels: [1, .nan], predictions: [1, 2]) }
            == "metric `mae`: the label at row 2 is nan, not a finite number")
        #expect(errorMessage { try AUC().evaluate(labels: [0, 1, 1], predictions: [0.1, 0.2, .infinity]) }
            == "metric `auc`: the prediction at row 3 is inf, not a finite number")
        #expect(errorMessage { try MulticlassError().evaluate(labels: [0, 1], predictions: [0.5, 0.5, 0.5, -.infinity]) }
            == "metric `multi_error`: the prediction at row 2 is -inf, not a finite number")
        #expect(errorMessage { try R2Score().evaluate(labels: [1, 2], predictions: [1, 2], weights: [.nan, 1]) }
            == "metric `r2`: the weight at row 1 is nan, not a finite number")
    }

    @Test func weightsMustBeNonNegativeAndNotAllZero() {
        #expect(errorMessage { try MeanAbsoluteError().evaluate(labels: [1, 2], predictions: [1, 2], weights: [1, -1]) }
            == "metric `mae`: the weight at row 2 is -1.0; weights must not be negative")
        #expect(errorMessage { try LogLoss().evaluate(labels: [1, 0], predictions: [0.5, 0.5], weights: [0, 0]) }
            == "metric `logloss`: every weight is zero")
    }

    @Test func curveMetricsNeedBothClasses() {
        #expect(errorMessage { try AUC().evaluate(labels: [1, 1], predictions: [0.2, 0.3]) }
            == "metric `auc` needs both classes, but every label (of positive weight) is 1")
        #expect(errorMessage { try AUC().evaluate(labels: [1, 0], predictions: [0.2, 0.3], weights: [0, 1]) }
            == "metric `auc` needs both classes, but every label (of positive weight) is 0")
        #expect(errorMessage { try AveragePrecision().evaluate(labels: [0, 0], predictions: [0.2, 0.3]) }
            == "metric `average_precision` needs both classes, but every label (of positive weight) is 0")
    }

    @Test func labelsOutsideTheTaskAreRejected() {
        #expect(errorMessage { try ThresholdMetric(.f1).evaluate(labels: [0, 2], predictions: [0.2, 0.3]) }
            == "metric `f1`: the label at row 2 is 2.0; expected 0 or 1")
        #expect(errorMessage { try MulticlassLogLoss().evaluate(labels: [0, 3], predictions: [0.5, 0.3, 0.2, 0.1, 0.1, 0.8]) }
            == "metric `multi_logloss`: the label at row 2 is 3.0; expected a class index in 0..<3")
        #expect(errorMessage { try MulticlassError().evaluate(labels: [0.5], predictions: [0.5, 0.5]) }
            == "metric `multi_error`: the label at row 1 is 0.5; expected a class index in 0..<2")
        #expect(errorMessage { try PoissonDeviance().evaluate(labels: [1, -2], predictions: [1, 1]) }
            == "metric `poisson_deviance`: the label at row 2 is -2.0; expected a value of 0 or more")
    }

    @Test func predictionsOutsideTheirRangeAreRejected() {
        #expect(errorMessage { try PoissonDeviance().evaluate(labels: [1, 2], predictions: [1, 0]) }
            == "metric `poisson_deviance`: the prediction at row 2 is 0.0; it must be positive")
        #expect(errorMessage { try BrierScore().evaluate(labels: [1, 0], predictions: [1.5, 0]) }
            == "metric `brier`: the prediction at row 1 is 1.5, not a probability in [0, 1]")
        #expect(errorMessage { try MulticlassLogLoss().evaluate(labels: [0, 1], predictions: [0.5, 0.5, -0.1, 1.1]) }
            == "metric `multi_logloss`: the prediction at row 2 is -0.1, not a probability in [0, 1]")
    }

    @Test func errorsAreTyped() {
        #expect(throws: MetricError.emptyInput(metric: "rmse")) {
            try RootMeanSquaredError().evaluate(labels: [], predictions: [])
        }
        #expect(throws: MetricError.negativeWeight(metric: "auc", row: 0, value: -2)) {
            try AUC().evaluate(labels: [0, 1], predictions: [0, 1], weights: [-2, 1])
        }
    }
}
