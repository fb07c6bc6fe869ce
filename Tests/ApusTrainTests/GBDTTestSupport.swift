import ApusModel
import Foundation
import ApusTable
@testable import ApusTrain

/// A table of numeric columns (nil is missing).
func numericTable(_ columns: [(String, [Double?])]) throws -> Table {
    try Table(columns.map { ($0.0, Column.numeric(NumericColumn($0.1))) })
}

/// Parameters for tiny hand-checked data: no minimum bin or leaf sizes.
func tinyParameters(_ assignments: [String] = []) throws -> GBDTParameters {
    try GBDTParameters().setting(["min_data_in_leaf=1", "min_data_in_bin=1", "min_sum_hessian_in_leaf=0"] + assignments)
}

/// Trains on `table` with the objective its data implies and `parameters` on top.
func train(
    _ table: Table, target: String, task: TaskChoice = .auto, _ parameters: GBDTParameters = GBDTParameters(),
    validation: Table? = nil
) throws -> Model {
    let data = try TrainingData(table: table, target: target, task: task)
    var check: GBDTTrainer.Validation?
    if let validation {
        let encoded = try data.encode(validation)
        check = GBDTTrainer.Validation(features: encoded.features, labels: encoded.labels)
    }
    return try GBDTTrainer(parameters: parameters).train(data, validation: check)
}

/// The model's predictions for `table`.
func predictions(_ model: Model, _ table: Table) throws -> [Double] {
    try model.ensemble.predict(features: model.schema.encode(table: table))
}

/// A seeded binary data set: `x0` drives the label up, `x1` down, `x2` is noise, and
/// `region` shifts it; about 8% of `x0` is missing, and missing `x0` means a high label.
func syntheticBinary(rows: Int, seed: UInt64) throws -> Table {
    var random = SeededRandom(seed: seed)
    var x0: [Double?] = [], x1: [Double?] = [], x2: [Double?] = [], region: [String?] = [], label: [Double?] = []
    let regions = ["north", "south", "east", "west", "centre"]
    let shift = [-1.0, 0.5, 1.5, -0.5, 0]
    for _ in 0..<rows {
        let a = random.nextGaussian(), b = random.nextGaussian(), c = random.nextGaussian()
        let r = random.nextInt(below: regions.count)
        let missing = random.nextDouble() < 0.08
        let score = (missing ? 2.0 : 1.5 * a) - b + shift[r]
        let p = 1 / (1 + exp(-score))
        x0.append(missing ? nil : a)
        x1.append(b)
        x2.append(c)
        region.append(regions[r])
        label.append(random.nextDouble() < p ? 1 : 0)
    }
    return try Table([
        ("x0", .numeric(NumericColumn(x0))), ("x1", .numeric(NumericColumn(x1))), ("x2", .numeric(NumericColumn(x2))),
        ("region", .categorical(CategoricalColumn(region))), ("label", .numeric(NumericColumn(label))),
    ])
}
