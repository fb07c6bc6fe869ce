/// How a model sees one input column.
public enum FeatureKind: String, Codable, Sendable, Equatable {
    /// Numbers (booleans as 0/1, timestamps as seconds since 1970); missing is NaN.
    case numeric
    /// Levels from a fixed list; a level's code is its index in ``Feature/levels``.
    case categorical
}

/// One input feature of a model.
public struct Feature: Codable, Sendable, Equatable {
    /// The column name the feature is read from.
    public var name: String
    /// How values are encoded.
    public var kind: FeatureKind
    /// For categorical features, the levels seen in training; code `i` is `levels[i]`.
    /// Empty for numeric features.
    public var levels: [String]

    /// A feature read from column `name`; `levels` for categorical features only.
    public init(name: String, kind: FeatureKind, levels: [String] = []) {
        self.name = name
        self.kind = kind
        self.levels = levels
    }
}

/// One value of a record handed to ``FeatureSchema/encode(record:)``.
public enum FeatureValue: Sendable, Equatable {
    case number(Double)
    case string(String)
    case missing
}

/// The features a model reads, in the order of its feature matrix, and how values become
/// numbers.
///
/// A feature matrix is row-major `Double`: numeric features hold their value, categorical
/// features the level's code. Missing values are NaN in both kinds. A level the model
/// never saw is encoded as ``unseenLevelCode`` (−1); trees route it as they route the rare
/// levels grouped together in training (to the right when there were none), so an unseen
/// level never fails a prediction.
public struct FeatureSchema: Codable, Sendable, Equatable {
    /// The code of a categorical level the model did not see in training.
    public static let unseenLevelCode: Double = -1

    /// The features, in matrix column order.
    public let features: [Feature]
    private let levelCodes: [[String: Int]]
    private let indexByName: [String: Int]

    /// Makes a schema; feature names must be unique.
    ///
    /// - Throws: ``ModelError/corrupt(field:reason:)`` for a duplicate name or level.
    public init(features: [Feature]) throws(ModelError) {
        var indexByName: [String: Int] = [:]
        var levelCodes: [[String: Int]] = []
        for (index, feature) in features.enumerated() {
            guard indexByName.updateValue(index, forKey: feature.name) == nil else {
                throw .corrupt(field: "schema.features[\(index)]", reason: "duplicate feature name `\(feature.name)`")
            }
            if feature.kind == .numeric, !feature.levels.isEmpty {
                throw .corrupt(field: "schema.features[\(index)]", reason: "numeric feature `\(feature.name)` has levels")
            }
            var codes: [String: Int] = [:]
            for (code, level) in feature.levels.enumerated() {
                guard codes.updateValue(code, forKey: level) == nil else {
                    throw .corrupt(field: "schema.features[\(index)]", reason: "feature `\(feature.name)` lists level `\(level)` twice")
                }
            }
            levelCodes.append(codes)
        }
        self.features = features
        self.levelCodes = levelCodes
        self.indexByName = indexByName
    }

    private enum CodingKeys: String, CodingKey { case features }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        try self.init(features: try container.decode([Feature].self, forKey: .features))
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(features, forKey: .features)
    }

    public static func == (lhs: FeatureSchema, rhs: FeatureSchema) -> Bool { lhs.features == rhs.features }

    /// The number of features (columns of the feature matrix).
    public var count: Int { features.count }

    /// The matrix column of the feature named `name`, if any.
    public func index(of name: String) -> Int? { indexByName[name] }

    /// The text a number is looked up by among a categorical feature's levels: its shortest
    /// decimal text, whole numbers without a fraction (`3` and `3.0` as `"3"`, `2.5` as `"2.5"`).
    public static func levelText(of number: Double) -> String {
        number == number.rounded() && abs(number) < 1e15 ? String(Int64(number)) : "\(number)"
    }

    /// The code of `level` for the categorical feature at `index`, or
    /// ``unseenLevelCode`` if training never saw it.
    public func code(ofLevel level: String, feature index: Int) -> Double {
        levelCodes[index][level].map(Double.init) ?? Self.unseenLevelCode
    }

    /// Encodes one record (feature name to value) as a feature-matrix row.
    ///
    /// Every feature must be present; ``FeatureValue/missing`` is a missing value. Extra
    /// fields are ignored. A numeric feature accepts numbers and numeric strings; a
    /// categorical feature accepts strings and numbers (a number is looked up as its
    /// shortest decimal text, so `3` matches level `"3"`).
    ///
    /// - Throws: ``ModelError/missingFeature(name:suggestion:)`` (without a suggestion:
    ///   front ends that know the record's field names add one) or
    ///   ``ModelError/invalidValue(feature:row:value:expected:)``.
    public func encode(record: [String: FeatureValue]) throws(ModelError) -> [Double] {
        var row = [Double](repeating: .nan, count: features.count)
        for (index, feature) in features.enumerated() {
            guard let value = record[feature.name] else {
                throw .missingFeature(name: feature.name, suggestion: nil)
            }
            row[index] = try encode(value, feature: index)
        }
        return row
    }

    /// Encodes one value of the feature at `index`.
    public func encode(_ value: FeatureValue, feature index: Int) throws(ModelError) -> Double {
        let feature = features[index]
        switch (feature.kind, value) {
        case (_, .missing):
            return .nan
        case (.numeric, .number(let number)):
            return number
        case (.numeric, .string(let text)):
            if text.isEmpty { return .nan }
            guard let number = Double(text), !number.isNaN || text.lowercased() == "nan" else {
                throw .invalidValue(feature: feature.name, row: nil, value: text, expected: "a number")
            }
            return number
        case (.categorical, .string(let text)):
            return code(ofLevel: text, feature: index)
        case (.categorical, .number(let number)):
            if number.isNaN { return .nan }
            return code(ofLevel: Self.levelText(of: number), feature: index)
        }
    }
}
