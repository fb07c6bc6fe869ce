import Testing
import ApusTrain

@Suite struct MetricRegistryTests {
    @Test func everyMetricIsRegisteredOnceUnderItsName() throws {
        #expect(Metrics.names == [
            "auc", "average_precision", "logloss", "brier", "accuracy", "precision", "recall", "f1",
            "multi_logloss", "multi_error", "multi_accuracy", "rmse", "mae", "r2", "mape", "poisson_deviance",
        ])
        for name in Metrics.names {
            #expect(try Metrics.named(name).name == name)
            #expect(try Metrics.named(name.uppercased()).name == name)
        }
        for (alias, name) in Metrics.aliases {
            #expect(Metrics.names.contains(name), "\(alias)")
            #expect(try Metrics.named(alias).name == name)
        }
    }

    @Test func everyMetricDeclaresATaskAndADirection() {
        for metric in Metrics.all { #expect(!metric.tasks.isEmpty, "\(metric.name)") }
        #expect(Metrics.applicable(to: .regression).map(\.name) == ["rmse", "mae", "r2", "mape", "poisson_deviance"])
        #expect(Metrics.applicable(to: .multiclassClassification).count == 3)
        let higherIsBetter = Metrics.all.filter(\.isHigherBetter).map(\.name)
        #expect(higherIsBetter == [
            "auc", "average_precision", "accuracy", "precision", "recall", "f1", "multi_accuracy", "r2",
        ])
    }

    @Test func aMisspelledNameSuggestsTheClosest() {
        #expect(throws: MetricError.unknownMetric("acu", suggestion: "auc")) { try Metrics.named("acu") }
        #expect(throws: MetricError.unknownMetric("averge_precision", suggestion: "average_precision")) {
            try Metrics.named("averge_precision")
        }
        #expect(throws: MetricError.unknownMetric("multi_loglos", suggestion: "multi_logloss")) {
            try Metrics.named("multi_loglos")
        }
        let message = MetricError.unknownMetric("acu", suggestion: "auc").description
        #expect(message.hasPrefix("no metric named `acu`; did you mean `auc`? (known: auc, average_precision, "))
        let far = MetricError.unknownMetric("silhouette", suggestion: nil).description
        #expect(far.hasPrefix("no metric named `silhouette` (known: "))
    }

    @Test func everyMetricScoresAPerfectPrediction() throws {
        for metric in Metrics.applicable(to: .binaryClassification) {
            let value = try metric.evaluate(labels: [0, 1, 1, 0], predictions: [0, 1, 1, 0])
            #expect(value == (metric.isHigherBetter ? 1 : 0) || metric.name == "logloss", "\(metric.name)")
        }
        for metric in Metrics.applicable(to: .regression) {
            let value = try metric.evaluate(labels: [1, 2, 4], predictions: [1, 2, 4])
            #expect(value == (metric.isHigherBetter ? 1 : 0), "\(metric.name)")
        }
    }
}
