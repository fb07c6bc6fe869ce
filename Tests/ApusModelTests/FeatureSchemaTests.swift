import Testing
@testable import ApusModel

@Suite("Feature schema")
struct FeatureSchemaTests {
    let schema = try! FeatureSchema(features: [
        Feature(name: "income", kind: .numeric),
        Feature(name: "region", kind: .categorical, levels: ["north", "south", "3"]),
    ])

    @Test("a record becomes a row: numbers, level codes, NaN for missing, −1 for unseen levels")
    func encodesRecords() throws {
        #expect(try schema.encode(record: ["income": .number(52_000), "region": .string("south")]) == [52_000, 1])
        #expect(try schema.encode(record: ["income": .string("12.5"), "region": .number(3)]) == [12.5, 2])
        #expect(try schema.encode(record: ["income": .number(1), "region": .string("east")]) == [1, -1])
        let missing = try schema.encode(record: ["income": .missing, "region": .missing, "extra": .number(9)])
        #expect(missing[0].isNaN && missing[1].isNaN)
    }

    @Test("a record without a feature, or with text for a number, names the feature")
    func rejectsBadRecords() {
        #expect(throws: ModelError.missingFeature(name: "region", suggestion: nil)) {
            try schema.encode(record: ["income": .number(1)])
        }
        #expect(throws: ModelError.invalidValue(feature: "income", row: nil, value: "12k", expected: "a number")) {
            try schema.encode(record: ["income": .string("12k"), "region": .string("north")])
        }
        #expect("\(ModelError.invalidValue(feature: "income", row: 3, value: "12k", expected: "a number"))"
            == "feature `income`, row 4: `12k` is not a number")
    }

    @Test("duplicate names and levels are rejected")
    func rejectsDuplicates() {
        #expect(throws: ModelError.self) {
            try FeatureSchema(features: [Feature(name: "a", kind: .numeric), Feature(name: "a", kind: .numeric)])
        }
        #expect(throws: ModelError.self) {
            try FeatureSchema(features: [Feature(name: "a", kind: .categorical, levels: ["x", "x"])])
        }
    }
}
