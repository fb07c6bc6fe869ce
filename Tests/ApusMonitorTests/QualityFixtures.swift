@testable import ApusMonitor
import ApusModel
import ApusTable

/// Small hand-made tables and schemas for the data-quality tests.
enum QualityFixtures {
    static func table(_ columns: [(String, Column)]) throws -> Table {
        try Table(columns.map { (name: $0.0, column: $0.1) })
    }

    static func numbers(_ values: [Double?]) -> Column { .numeric(NumericColumn(values)) }
    static func levels(_ values: [String?]) -> Column { .categorical(CategoricalColumn(values)) }
    static func text(_ values: [String?]) -> Column { .text(TextColumn(values)) }

    static func schema(_ features: [Feature]) throws -> FeatureSchema {
        do { return try FeatureSchema(features: features) } catch { throw error }
    }

    static let colours = ["red", "green", "blue"]

    /// `age` (numeric, trained on 18...90, 1% missing of 1,000 rows) and `colour` (red, green, blue).
    static func ageAndColour() throws -> FeatureSchema {
        try schema([Feature(name: "age", kind: .numeric), Feature(name: "colour", kind: .categorical, levels: colours)])
    }

    static let ageExpectation = FeatureExpectation(name: "age", kind: .numeric, minimum: 18, maximum: 90,
                                                   missingRate: 0.01, trainingRows: 1000)
    static let colourExpectation = FeatureExpectation(name: "colour", kind: .categorical, missingRate: 0,
                                                      trainingRows: 1000, levels: colours)

    /// The findings as (check, column, severity, count) for compact comparisons.
    static func summary(_ findings: [QualityFinding]) -> [String] {
        findings.map { "\($0.check) \($0.column ?? "-") \($0.severity) \($0.count)" }
    }
}
