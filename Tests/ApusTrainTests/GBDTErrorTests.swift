import ApusModel
import ApusTable
import Foundation
import Testing
@testable import ApusTrain

/// The message of the error `body` throws, or nil if it returns.
func errorMessage<T>(_ body: () throws -> T) -> String? {
    do {
        _ = try body()
        return nil
    } catch let error as CustomStringConvertible {
        return error.description
    } catch {
        return "\(error)"
    }
}

@Suite("GBDT bad input")
struct GBDTErrorTests {
    let table = try! numericTable([("income", [1, 2, 3, 4]), ("label", [0, 1, 0, 1])])

    @Test("a missing target column is named, with the closest column")
    func missingTarget() {
        #expect(errorMessage { try TrainingData(table: table, target: "labels") }
            == "the data has no target column `labels` (did you mean `label`?)")
    }

    @Test("a constant target, and one class for binary, are refused")
    func constantTarget() throws {
        let constant = try numericTable([("x", [1, 2]), ("y", [5, 5])])
        #expect(errorMessage { try TrainingData(table: constant, target: "y") }
            == "target `y` is `5` in every row: there is nothing to learn")
        let oneClass = try Table([("x", .numeric(NumericColumn([1, 2]))), ("y", .categorical(CategoricalColumn(["yes", "yes"])))])
        #expect(errorMessage { try TrainingData(table: oneClass, target: "y") }
            == "target `y` has one class only (`yes`): binary classification needs two")
        #expect(errorMessage { try TrainingData(table: constant, target: "y", task: .binary) }
            == "target `y` has one class only (`5`): binary classification needs two")
    }

    @Test("a text target cannot be a regression target; three values are not binary")
    func targetKinds() throws {
        let text = try Table([("x", .numeric(NumericColumn([1, 2, 3]))), ("y", .categorical(CategoricalColumn(["a", "b", "c"])))])
        #expect(errorMessage { try TrainingData(table: text, target: "y", task: .regression) }
            == "target `y` is categorical, but a regression target must be numeric")
        #expect(errorMessage { try TrainingData(table: text, target: "y", task: .binary) }
            == "target `y` has 3 distinct values, which does not fit task binary (use --task multiclass)")
    }

    @Test("a missing label names its row")
    func missingLabel() throws {
        let gap = try numericTable([("x", [1, 2, 3]), ("y", [1, nil, 3])])
        #expect(errorMessage { try TrainingData(table: gap, target: "y") } == "target `y`, row 2: the label is missing")
    }

    @Test("an infinite label names its row")
    func infiniteLabel() throws {
        let infinite = try numericTable([("x", [1, 2, 3]), ("y", [1, 2, .infinity])])
        #expect(errorMessage { try train(infinite, target: "y") }
            == "target `y`: objective `regression`: the label at row 3 is inf, not a finite number")
    }

    @Test("a negative label for Poisson names its row")
    func negativePoisson() throws {
        let negative = try numericTable([("x", [1, 2, 3]), ("y", [1, -2, 3])])
        let message = errorMessage { try train(negative, target: "y", task: .poisson) }
        #expect(message == "target `y`: objective `poisson`: the label at row 2 is -2.0; expected a value of 0 or more")
    }

    @Test("an objective that does not fit the target is refused")
    func objectiveMismatch() throws {
        var parameters = GBDTParameters()
        parameters.objective = "multiclass"
        let data = try TrainingData(table: table, target: "label")
        #expect(errorMessage { try GBDTTrainer(parameters: parameters).train(data) }
            == "objective `multiclass` does not fit a binary target (`label`)")
    }

    @Test("monotone constraints must have one value per feature and not touch categorical features")
    func monotoneShape() throws {
        #expect(errorMessage { try train(table, target: "label", try GBDTParameters().setting(["monotone_constraints=1,0"])) }
            == "monotone_constraints has 2 values for 1 features (income)")
        let mixed = try Table([
            ("g", .categorical(CategoricalColumn(["a", "b", "a", "b"]))), ("y", .numeric(NumericColumn([1, 2, 3, 4]))),
        ])
        #expect(errorMessage { try train(mixed, target: "y", try GBDTParameters().setting(["monotone_constraints=1"])) }
            == "monotone_constraints: feature `g` is categorical and cannot be monotone")
    }

    @Test("more leaves than memory allows for their histograms are refused before allocating")
    func histogramMemory() throws {
        var random = SeededRandom(seed: 1)
        // 40 features: 5 groups × 2,048 bins × 16 bytes = 160 KiB of histograms per leaf,
        // and min_data_in_leaf=0 lets 30,000 rows hold 30,001 leaves: 4.6 GiB.
        let columns = (0..<40).map { index in ("x\(index)", (0..<30_000).map { _ in Double?(random.nextDouble()) }) }
        let wide = try numericTable(columns + [("y", (0..<30_000).map { Double?(Double($0 % 2)) })])
        let message = errorMessage { try train(wide, target: "y", try GBDTParameters().setting(["num_leaves=131072", "min_data_in_leaf=0"])) }
        #expect(message?.hasPrefix("num_leaves=131072 with 40 features needs") == true, "\(message ?? "")")
        #expect(message?.hasSuffix("lower num_leaves, or raise min_data_in_leaf") == true)
    }

    @Test("early stopping without a validation set is refused")
    func earlyStoppingNeedsValidation() {
        #expect(errorMessage { try train(table, target: "label", try GBDTParameters().setting(["early_stopping_round=5"])) }
            == "early_stopping_round needs a validation set (--valid FILE or --valid-fraction F)")
    }

    @Test("a validation label outside the training classes names its row")
    func unknownValidationClass() throws {
        let data = try TrainingData(table: table, target: "label")
        let other = try numericTable([("income", [1, 2]), ("label", [0, 2])])
        #expect(errorMessage { try data.encode(other) }
            == "target `label`, row 2: `2` is not one of the training classes (0, 1)")
    }

    @Test("a table missing a model feature names it and the closest column")
    func missingFeature() throws {
        let model = try train(try syntheticBinary(rows: 200, seed: 1), target: "label", try GBDTParameters().setting(["num_iterations=2"]))
        let renamed = try numericTable([("x_0", [1]), ("x1", [1]), ("x2", [1])])
        #expect(errorMessage { try model.schema.encode(table: renamed) }
            == "the model needs feature `x0`, which the input does not have (did you mean `x_0`?)")
    }

    @Test("only text columns besides the target: no features")
    func noFeatures() throws {
        let text = try Table([("note", .text(TextColumn(["a b", "c d"]))), ("y", .numeric(NumericColumn([1, 2])))])
        #expect(errorMessage { try TrainingData(table: text, target: "y") }
            == "there are no feature columns besides the target (text columns are not features)")
    }
}

@Suite("GBDT parameters")
struct GBDTParameterTests {
    @Test("LightGBM names and aliases set the same parameter")
    func aliases() throws {
        let parameters = try GBDTParameters().setting([
            "n_estimators=7", "eta=0.3", "max_leaves=15", "min_child_samples=5", "reg_lambda=1.5", "subsample=0.8",
            "subsample_freq=1", "colsample_bytree=0.5", "random_state=9", "mc=1,-1",
        ])
        #expect(parameters.numIterations == 7 && parameters.learningRate == 0.3 && parameters.numLeaves == 15)
        #expect(parameters.minDataInLeaf == 5 && parameters.lambdaL2 == 1.5 && parameters.baggingFraction == 0.8)
        #expect(parameters.baggingFreq == 1 && parameters.featureFraction == 0.5 && parameters.seed == 9)
        #expect(parameters.monotoneConstraints == [1, -1])
    }

    @Test("an unknown name suggests the closest; a value out of range names the range")
    func rejects() throws {
        #expect(errorMessage { try GBDTParameters().setting(["num_leafs=3"]) } == "unknown parameter `num_leafs` (did you mean `num_leaves`?)")
        #expect(errorMessage { try GBDTParameters().setting(["num_leaves=1"]) }
            == "parameter `num_leaves`: `1` is not an integer in 2...131072")
        #expect(errorMessage { try GBDTParameters().setting(["learning_rate=0"]) }
            == "parameter `learning_rate`: `0` is not a number in (0, 1000]")
        #expect(errorMessage { try GBDTParameters().setting(["bagging_fraction=1.5"]) }
            == "parameter `bagging_fraction`: `1.5` is not a number in (0, 1]")
        #expect(errorMessage { try GBDTParameters().setting(["lambda_l2=nan"]) }
            == "parameter `lambda_l2`: `nan` is not a number in [0, ∞)")
        #expect(errorMessage { try GBDTParameters().setting(["objective=softmax2"]) }
            == "parameter `objective`: `softmax2` is not one of binary, multiclass, regression, regression_l1, huber, poisson, quantile")
        #expect(try GBDTParameters().setting(["objective="]).objective == "")
        #expect(errorMessage { try GBDTParameters().setting(["monotone_constraints=1,2"]) }
            == "parameter `monotone_constraints`: `1,2` is not a comma-separated list of -1, 0 or 1")
        #expect(errorMessage { try GBDTParameters().setting(["num_leaves"]) }
            == "parameter `num_leaves`: `num_leaves` is not of the form NAME=VALUE")
        #expect(errorMessage { try GBDTParameters().setting(["metric=aucc"]) }?.hasPrefix("parameter `metric`: `aucc` is not one of auc,") == true)
    }

    @Test("canonical text round-trips every parameter and leaves num_threads out")
    func canonicalText() throws {
        let parameters = try GBDTParameters().setting(["learning_rate=0.05", "monotone_constraints=0,1", "metric=l1", "num_threads=3"])
        let text = parameters.canonicalText
        #expect(text["learning_rate"] == "0.05" && text["monotone_constraints"] == "0,1" && text["metric"] == "mae")
        #expect(text["num_threads"] == nil)
        var again = GBDTParameters()
        for (name, value) in text { try again.set(name, to: value) }
        again.numThreads = 3
        #expect(again == parameters)
        #expect(text.count == GBDTParameters.specifications.count - 1)
    }
}
