import Testing
import ApusTrain

@Suite struct ObjectiveErrorTests {
    @Test func badLabelsNameTheirRow() throws {
        #expect(objectiveErrorMessage { try BinaryLogistic().validate(labels: [0, 1, 0.5]) }
            == "objective `binary`: the label at row 3 is 0.5; expected 0 or 1")
        #expect(objectiveErrorMessage { try BinaryLogistic().initialScore(labels: [0, -1]) }
            == "objective `binary`: the label at row 2 is -1.0; expected 0 or 1")
        let softmax = try MulticlassSoftmax(classCount: 3)
        #expect(objectiveErrorMessage { try softmax.validate(labels: [0, 3]) }
            == "objective `multiclass`: the label at row 2 is 3.0; expected a class index in 0..<3")
        #expect(objectiveErrorMessage { try softmax.validate(labels: [1.5]) }
            == "objective `multiclass`: the label at row 1 is 1.5; expected a class index in 0..<3")
        #expect(objectiveErrorMessage { try softmax.validate(labels: [0, 1, -1]) }
            == "objective `multiclass`: the label at row 3 is -1.0; expected a class index in 0..<3")
        #expect(objectiveErrorMessage { try PoissonLoss().validate(labels: [1, -2]) }
            == "objective `poisson`: the label at row 2 is -2.0; expected a value of 0 or more")
        #expect(objectiveErrorMessage { try PoissonLoss().initialScore(labels: [0, 0, 3], weights: [1, 1, 0]) }
            == "objective `poisson`: every label (of positive weight) is 0, so the mean is 0 and its log is −∞")
    }

    @Test(arguments: Objectives.names)
    func nonFiniteLabelsAreRejected(name: String) throws {
        let objective = try objective(name)
        #expect(objectiveErrorMessage { try objective.validate(labels: [1, .nan]) }
            == "objective `\(name)`: the label at row 2 is nan, not a finite number")
        #expect(objectiveErrorMessage { try objective.initialScore(labels: [0, 1, .infinity]) }
            == "objective `\(name)`: the label at row 3 is inf, not a finite number")
        #expect(objectiveErrorMessage { try objective.validate(labels: []) }
            == "objective `\(name)`: no rows to train on")
    }

    @Test func badWeightsAndLengths() {
        #expect(objectiveErrorMessage { try SquaredError().validate(labels: [1, 2], weights: [1, -1]) }
            == "objective `regression`: the weight at row 2 is -1.0; weights must not be negative")
        #expect(objectiveErrorMessage { try SquaredError().validate(labels: [1, 2], weights: [.nan, 1]) }
            == "objective `regression`: the weight at row 1 is nan, not a finite number")
        #expect(objectiveErrorMessage { try AbsoluteError().initialScore(labels: [1, 2], weights: [0, 0]) }
            == "objective `regression_l1`: every weight is zero")
        #expect(objectiveErrorMessage { try SquaredError().validate(labels: [1, 2], weights: [1]) }
            == "objective `regression`: expected 2 weights but found 1")
        #expect(objectiveErrorMessage { try SquaredError().gradients(labels: [1, 2], scores: [1]) }
            == "objective `regression`: expected 2 scores but found 1")
        #expect(objectiveErrorMessage { try MulticlassSoftmax(classCount: 3).gradients(labels: [1, 2], scores: [0, 0, 0]) }
            == "objective `multiclass`: expected 6 scores but found 3")
    }

    @Test func badParameters() {
        #expect(objectiveErrorMessage { try QuantileLoss(alpha: 1.5) }
            == "objective `quantile`: `alpha` is 1.5; expected a number in (0, 1)")
        #expect(objectiveErrorMessage { try Objectives.named("huber", parameters: .init(alpha: -1)) }
            == "objective `huber`: `alpha` is -1.0; expected a positive number")
        #expect(objectiveErrorMessage { try BinaryLogistic(scalePositiveWeight: 0) }
            == "objective `binary`: `scale_pos_weight` is 0.0; expected a positive number")
        #expect(objectiveErrorMessage { try PoissonLoss(maxDeltaStep: .nan) }
            == "objective `poisson`: `poisson_max_delta_step` is nan; expected a positive number")
        #expect(objectiveErrorMessage { try MulticlassSoftmax(classCount: 1) }
            == "objective `multiclass`: `num_class` is 1; expected 2 or more")
        #expect(objectiveErrorMessage { try Objectives.named("softmax") }
            == "objective `multiclass` needs `num_class`")
    }
}

@Suite struct ObjectiveRegistryTests {
    @Test func everyNameAndAliasResolves() throws {
        for name in Objectives.names {
            #expect(try objective(name).name == name)
        }
        let expected = [
            "softmax": "multiclass", "regression_l2": "regression", "l2": "regression", "mse": "regression",
            "mean_squared_error": "regression", "l1": "regression_l1", "mae": "regression_l1",
            "mean_absolute_error": "regression_l1", "L2": "regression", "Binary": "binary",
        ]
        for (alias, name) in expected {
            #expect(try objective(alias).name == name, "\(alias)")
        }
        #expect(try objective("multiclass", .init(classCount: 5)).scoresPerRow == 5)
        #expect(try (objective("quantile", .init(alpha: 0.25)) as? QuantileLoss)?.alpha == 0.25)
        #expect(try (objective("huber") as? HuberLoss)?.delta == 0.9)
        #expect(try (objective("poisson") as? PoissonLoss)?.maxDeltaStep == 0.7)
    }

    @Test func misspellingsGetASuggestion() {
        let known = "(known: binary, multiclass, regression, regression_l1, huber, poisson, quantile)"
        #expect(objectiveErrorMessage { try Objectives.named("binnary") }
            == "no objective named `binnary`; did you mean `binary`? \(known)")
        #expect(objectiveErrorMessage { try Objectives.named("regresion") }
            == "no objective named `regresion`; did you mean `regression`? \(known)")
        #expect(objectiveErrorMessage { try Objectives.named("xentropy_lambda_rank") }
            == "no objective named `xentropy_lambda_rank` \(known)")
    }
}
