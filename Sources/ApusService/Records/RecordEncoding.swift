import ApusModel
import ApusTable

/// One field of a record as a front end received it (the MCP server's JSON arguments), before
/// the model's schema says what it means.
public enum RecordValue: Sendable, Equatable {
    case number(Double)
    case string(String)
    case bool(Bool)
    /// `null`: a missing value.
    case missing
    /// A value no feature takes (an array or an object), by its JSON type name.
    case unsupported(String)
}

/// How strictly records are read.
public struct RecordRules: Sendable, Equatable {
    /// The most rows one call may carry.
    public var maxRows: Int
    /// Refuse fields the model does not read (a misspelt feature name is otherwise silently
    /// lost); false ignores them.
    public var rejectUnknownFields: Bool
    /// Refuse a categorical value training never saw, naming the levels; false encodes it as
    /// an unseen level, which the trees route like the rare levels of training.
    public var rejectUnseenLevels: Bool

    /// The rules agents get: at most `maxRows` rows, unknown fields and unseen levels refused.
    public init(maxRows: Int = 1_000, rejectUnknownFields: Bool = true, rejectUnseenLevels: Bool = true) {
        self.maxRows = maxRows
        self.rejectUnknownFields = rejectUnknownFields
        self.rejectUnseenLevels = rejectUnseenLevels
    }
}

/// Records (feature name to value) encoded as a model's feature matrix, with errors that name
/// the row and the field and say what would be accepted, so a caller (a person or an agent)
/// can correct the call.
public enum RecordEncoding {
    /// The row-major feature matrix of `records` (`records.count × schema.count`).
    ///
    /// A numeric feature takes a number, numeric text, `true`/`false` (1/0) or null (missing);
    /// a categorical feature takes one of its levels (a number is looked up as its shortest
    /// decimal text, `true`/`false` as those words) or null.
    ///
    /// - Throws: ``ServiceError`` for no rows or more than `rules.maxRows`, a missing feature,
    ///   an unknown field, a value of the wrong type, a non-finite number, or (with
    ///   `rejectUnseenLevels`) a level training never saw.
    public static func features(of schema: FeatureSchema, records: [[String: RecordValue]], rules: RecordRules) throws -> [Double] {
        guard !records.isEmpty else { throw ServiceError("`rows` is empty: give at least one row (an object of feature values)") }
        guard records.count <= rules.maxRows else {
            throw ServiceError("\(records.count) rows is more than the \(rules.maxRows) one call may carry: split them into calls of at most \(rules.maxRows)")
        }
        let names = schema.features.map(\.name)
        var matrix: [Double] = []
        matrix.reserveCapacity(records.count * schema.count)
        for (row, record) in records.enumerated() {
            if rules.rejectUnknownFields {
                for field in record.keys.sorted() where schema.index(of: field) == nil {
                    let hint = closestName(to: field, among: names).map { " (did you mean `\($0)`?)" } ?? ""
                    throw ServiceError("row \(row): the model has no feature `\(field)`\(hint); it reads \(list(names))")
                }
            }
            for (index, feature) in schema.features.enumerated() {
                guard let value = record[feature.name] else {
                    let hint = record.keys.sorted().first { closestName(to: $0, among: [feature.name]) != nil }
                        .map { " (is `\($0)` meant to be it?)" } ?? ""
                    throw ServiceError("row \(row): the feature `\(feature.name)` is missing\(hint); give null for a missing value")
                }
                matrix.append(try encode(value, feature: feature, index: index, schema: schema, row: row, rules: rules))
            }
        }
        return matrix
    }

    private static func encode(_ value: RecordValue, feature: Feature, index: Int, schema: FeatureSchema, row: Int,
                               rules: RecordRules) throws -> Double {
        let place = "row \(row), `\(feature.name)`"
        switch (feature.kind, value) {
        case (_, .missing):
            return .nan
        case (_, .unsupported(let type)):
            throw ServiceError("\(place): \(type) is not a value of this feature: give \(expected(feature)), or null for missing")
        case (.numeric, .bool(let flag)):
            return flag ? 1 : 0
        case (.numeric, .number(let number)):
            guard number.isFinite else { throw ServiceError("\(place): \(number) is not a finite number") }
            return number
        case (.numeric, .string(let text)):
            if text.isEmpty { return .nan }
            guard let number = Double(text), number.isFinite else {
                throw ServiceError("\(place): \"\(text)\" is not a number: give \(expected(feature)), or null for missing")
            }
            return number
        case (.categorical, .bool(let flag)):
            return try level(flag ? "true" : "false", feature: feature, index: index, schema: schema, place: place, rules: rules)
        case (.categorical, .number(let number)):
            guard number.isFinite else { throw ServiceError("\(place): \(number) is not a level of this feature") }
            return try level(FeatureSchema.levelText(of: number), feature: feature, index: index, schema: schema, place: place, rules: rules)
        case (.categorical, .string(let text)):
            return try level(text, feature: feature, index: index, schema: schema, place: place, rules: rules)
        }
    }

    private static func level(_ text: String, feature: Feature, index: Int, schema: FeatureSchema, place: String,
                              rules: RecordRules) throws -> Double {
        let code = schema.code(ofLevel: text, feature: index)
        if code == FeatureSchema.unseenLevelCode && rules.rejectUnseenLevels {
            let hint = closestName(to: text, among: feature.levels).map { " (did you mean \"\($0)\"?)" } ?? ""
            throw ServiceError("\(place): \"\(text)\" is not a level training saw\(hint); the levels are \(list(feature.levels))")
        }
        return code
    }

    /// What `feature` takes, for messages.
    static func expected(_ feature: Feature) -> String {
        feature.kind == .numeric ? "a number" : "one of its levels (\(list(feature.levels)))"
    }

    /// At most 20 names, quoted, then how many more.
    static func list(_ names: [String]) -> String {
        let shown = names.prefix(20).map { "`\($0)`" }.joined(separator: ", ")
        return names.count > 20 ? shown + " and \(names.count - 20) more" : shown
    }
}
