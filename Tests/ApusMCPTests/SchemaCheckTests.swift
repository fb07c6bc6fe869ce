@testable import ApusMCP
import MCP
import Testing

@Suite struct SchemaCheckTests {
    let schema: Value = [
        "type": "object", "required": ["rows"], "additionalProperties": false,
        "properties": ["rows": ["type": "array", "minItems": 1, "maxItems": 2,
                                "items": ["type": "object", "properties": ["p": ["type": "number", "minimum": 0, "maximum": 1],
                                                                           "c": ["type": ["string", "null"], "enum": ["a", "b", nil]]]]]],
    ]

    @Test func conformingValuesPass() {
        #expect(SchemaCheck.violation(of: schema, by: ["rows": [["p": 0.5, "c": "a"], ["p": 1, "c": nil]]]) == nil)
    }

    @Test func eachBreachIsNamedWithItsPath() {
        #expect(SchemaCheck.violation(of: schema, by: [:]) == "/: the member `rows` is missing")
        #expect(SchemaCheck.violation(of: schema, by: ["rows": [], "x": 1]) == "/rows: 0 items, fewer than 1")
        #expect(SchemaCheck.violation(of: schema, by: ["rows": [["p": 0.5]], "x": 1]) == "/x: no member `x` is allowed")
        #expect(SchemaCheck.violation(of: schema, by: ["rows": [["p": 1.5]]]) == "/rows/0/p: 1.5 is above 1.0")
        #expect(SchemaCheck.violation(of: schema, by: ["rows": [["p": "high"]]]) == "/rows/0/p: expected a number, found a string")
        #expect(SchemaCheck.violation(of: schema, by: ["rows": [["c": "z"]]])?.hasPrefix("/rows/0/c: \"z\" is not one of") == true)
        #expect(SchemaCheck.violation(of: schema, by: ["rows": [[:], [:], [:]]]) == "/rows: 3 items, more than 2")
    }

    @Test func anUnknownKeywordIsTheSchemasError() {
        #expect(SchemaCheck.violation(of: ["type": "string", "pattern": "^a"], by: "a") == "/: the schema uses `pattern`, which the check does not know")
    }
}
