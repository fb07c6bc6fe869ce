import ApusModel
import ApusTable
import Testing
@testable import ApusTrain

@Suite("Encoding a table for a model")
struct FeatureEncodingTests {
    let schema = try! FeatureSchema(features: [
        Feature(name: "income", kind: .numeric),
        Feature(name: "region", kind: .categorical, levels: ["north", "south", "7"]),
    ])

    @Test("columns are found by name; levels map to the model's codes; missing is NaN; unseen levels are −1")
    func encodes() throws {
        let table = try Table([
            ("extra", .numeric(NumericColumn([9, 9, 9]))),
            ("region", .categorical(CategoricalColumn(["south", nil, "east"]))),
            ("income", .numeric(NumericColumn([1.5, nil, 3]))),
        ])
        let matrix = try schema.encode(table: table, threads: 2)
        #expect(matrix.count == 6)
        #expect(matrix[0] == 1.5 && matrix[1] == 1)
        #expect(matrix[2].isNaN && matrix[3].isNaN)
        #expect(matrix[4] == 3 && matrix[5] == -1)
    }

    @Test("numbers in a categorical feature are matched as text; numeric text in a numeric feature is parsed")
    func parsesOtherKinds() throws {
        let table = try Table([
            ("income", .categorical(CategoricalColumn(["12.5", nil]))),
            ("region", .numeric(NumericColumn([7, 8]))),
        ])
        let matrix = try schema.encode(table: table)
        #expect(matrix[0] == 12.5 && matrix[1] == 2)
        #expect(matrix[2].isNaN && matrix[3] == -1)
    }

    @Test("text in a numeric feature names the feature, the row and the value")
    func rejectsText() throws {
        let table = try Table([
            ("income", .categorical(CategoricalColumn(["10", "12k"]))),
            ("region", .categorical(CategoricalColumn(["north", "south"]))),
        ])
        #expect(throws: ModelError.invalidValue(feature: "income", row: 1, value: "12k", expected: "a number")) {
            try schema.encode(table: table)
        }
        #expect("\(ModelError.invalidValue(feature: "income", row: 1, value: "12k", expected: "a number"))"
            == "feature `income`, row 2: `12k` is not a number")
    }

    @Test("large tables encode the same with one thread and many")
    func parallelMatchesSerial() throws {
        var random = SeededRandom(seed: 3)
        let rows = 40_000
        let income = (0..<rows).map { _ in random.nextDouble() < 0.1 ? nil : Double?(random.nextGaussian()) }
        let region = (0..<rows).map { _ in ["north", "south", "west", nil][random.nextInt(below: 4)] }
        let table = try Table([("income", .numeric(NumericColumn(income))), ("region", .categorical(CategoricalColumn(region)))])
        let one = try schema.encode(table: table, threads: 1), many = try schema.encode(table: table, threads: 3)
        #expect(one.count == many.count)
        #expect(zip(one, many).allSatisfy { $0.bitPattern == $1.bitPattern })
        for row in 0..<20 {
            let code = one[2 * row + 1]
            if let level = region[row] {
                #expect(code == schema.code(ofLevel: level, feature: 1))
            } else {
                #expect(code.isNaN)
            }
        }
    }
}
