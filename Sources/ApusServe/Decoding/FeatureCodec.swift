import ApusModel

/// A schema's lookup tables and the value rules every format shares: how a number, a piece
/// of text or a boolean becomes a feature-matrix value, exactly as
/// ``FeatureSchema/encode(_:feature:)`` would encode it, except that non-finite numbers are
/// refused.
struct FeatureCodec: Sendable {
    let schema: FeatureSchema
    /// Feature names, by their bytes.
    let names: ByteStringTable
    /// Feature names, in matrix order.
    let featureNames: [String]
    /// Whether each feature is categorical.
    let categorical: [Bool]
    /// Every categorical feature's levels by their bytes, grouped by feature, valued by
    /// their code.
    let levels: ByteStringTable

    init(schema: FeatureSchema) {
        self.schema = schema
        featureNames = schema.features.map(\.name)
        names = ByteStringTable(featureNames)
        categorical = schema.features.map { $0.kind == .categorical }
        levels = ByteStringTable(schema.features.enumerated().flatMap { feature in
            feature.element.levels.enumerated().map { (feature.offset, $0.element, $0.offset) }
        })
    }

    /// The number of features.
    var width: Int { featureNames.count }

    /// The feature named by `bytes`, or −1: by bytes first, then by `String` equality (so
    /// canonically equivalent Unicode spellings match, as in ``FeatureSchema/index(of:)``).
    @inline(__always)
    func featureIndex(of bytes: UnsafeBufferPointer<UInt8>) -> Int {
        let index = names.value(of: bytes)
        if index >= 0 { return index }
        return schema.index(of: String(decoding: bytes, as: UTF8.self)) ?? -1
    }

    /// The feature named `name`, or −1.
    func featureIndex(named name: String) -> Int {
        let index = names.value(of: name)
        if index >= 0 { return index }
        return schema.index(of: name) ?? -1
    }

    /// The code of the level spelled by `bytes` for categorical feature `feature`; an
    /// unseen level is recorded and coded −1.
    @inline(__always)
    func levelCode(_ bytes: UnsafeBufferPointer<UInt8>, feature: Int, row: Int, unseen: inout [UnseenLevel]) -> Double {
        let code = levels.value(of: bytes, group: feature)
        if code >= 0 { return Double(code) }
        return levelCode(String(decoding: bytes, as: UTF8.self), feature: feature, row: row, unseen: &unseen)
    }

    /// The code of level `text` for categorical feature `feature`; an unseen level is
    /// recorded and coded −1.
    func levelCode(_ text: String, feature: Int, row: Int, unseen: inout [UnseenLevel]) -> Double {
        let code = schema.code(ofLevel: text, feature: feature)
        if code == FeatureSchema.unseenLevelCode {
            unseen.append(UnseenLevel(row: row, feature: feature, value: text))
        }
        return code
    }

    /// A finite number for feature `feature`: the value of a numeric feature, the code of
    /// its text for a categorical one (`3` and `3.0` as `"3"`, `2.5` as `"2.5"`).
    @inline(__always)
    func value(ofNumber number: Double, feature: Int, row: Int, unseen: inout [UnseenLevel]) -> Double {
        guard categorical[feature] else { return number }
        return levelCode(FeatureSchema.levelText(of: number), feature: feature, row: row, unseen: &unseen)
    }

    /// `true` or `false` for feature `feature`: 1 or 0 for a numeric feature, the level
    /// `"true"` or `"false"` for a categorical one.
    func value(ofBool bool: Bool, feature: Int, row: Int, unseen: inout [UnseenLevel]) -> Double {
        guard categorical[feature] else { return bool ? 1 : 0 }
        return levelCode(bool ? "true" : "false", feature: feature, row: row, unseen: &unseen)
    }

    /// Text for feature `feature`: a level of a categorical feature; for a numeric one,
    /// numeric text as `Double(String)` reads it (`""` and `"NaN"` are missing; `"inf"`
    /// is non-finite; anything else is the wrong type).
    @inline(__always)
    func value(ofText bytes: UnsafeBufferPointer<UInt8>, feature: Int, row: Int,
               unseen: inout [UnseenLevel]) throws(RequestProblem) -> Double {
        if categorical[feature] { return levelCode(bytes, feature: feature, row: row, unseen: &unseen) }
        guard let base = bytes.baseAddress, !bytes.isEmpty else { return .nan }
        if case .value(let number, let end) = DecimalNumber.scan(base, from: 0, limit: bytes.count), end == bytes.count {
            guard number.isFinite else {
                throw DecodeProblem.nonFinite(feature: featureNames[feature], row: row,
                                              text: DecodeProblem.quoted(String(decoding: bytes, as: UTF8.self)))
            }
            return number
        }
        return try value(ofNumericText: String(decoding: bytes, as: UTF8.self), feature: feature, row: row)
    }

    /// Numeric text that is not plain JSON number syntax (`"+1"`, `".5"`, `"0x1p3"`,
    /// `"NaN"`, `"inf"`, `"12k"`), by `Double(String)` as ``FeatureSchema`` reads it.
    func value(ofNumericText text: String, feature: Int, row: Int) throws(RequestProblem) -> Double {
        guard let number = Double(text), !number.isNaN || text.lowercased() == "nan" else {
            throw DecodeProblem.wrongType(feature: featureNames[feature], row: row, found: DecodeProblem.quoted(text),
                                          expected: "a number")
        }
        if number.isInfinite {
            throw DecodeProblem.nonFinite(feature: featureNames[feature], row: row, text: DecodeProblem.quoted(text))
        }
        return number.isNaN ? .nan : number
    }

    /// What feature `feature` takes, for messages.
    func expected(_ feature: Int) -> String {
        categorical[feature] ? "a level of this categorical feature (a string or a number)" : "a number"
    }
}

/// The feature matrix a body is decoded into, one row at a time, with the row limit.
struct FeatureRowsBuilder {
    let width: Int
    let maxRows: Int
    var features: [Double] = []
    private(set) var rows = 0
    var unseen: [UnseenLevel] = []

    init(width: Int, maxRows: Int) {
        self.width = width
        self.maxRows = maxRows
    }

    /// Adds a row of missing values and returns where it starts in `features`; a 413 if
    /// that would pass the row limit (`pointer` is where the extra row is).
    @inline(__always)
    mutating func appendRow(pointer: @autoclosure () -> String?) throws(RequestProblem) -> Int {
        guard rows < maxRows else { throw DecodeProblem.tooManyRows(limit: maxRows, pointer: pointer()) }
        let start = features.count
        if features.capacity < start + width {
            features.reserveCapacity(Swift.max(2 * features.capacity, start + width, 16 * width))
        }
        for _ in 0..<width { features.append(.nan) }
        rows += 1
        return start
    }

    /// Adds `count` rows of missing values at once (a count declared up front, as a KServe
    /// shape); a 413 if that passes the limit.
    mutating func appendRows(_ count: Int, pointer: @autoclosure () -> String?) throws(RequestProblem) {
        guard count <= maxRows - rows else { throw DecodeProblem.tooManyRows(limit: maxRows, pointer: pointer()) }
        features.append(contentsOf: repeatElement(.nan, count: count * width))
        rows += count
    }

    /// Forgets every row.
    mutating func removeAll() {
        features.removeAll(keepingCapacity: true)
        unseen.removeAll()
        rows = 0
    }
}

/// The names of the fields a body held that the model does not read, as
/// ``DecodedRows/ignoredFields`` lists them: distinct, in the order first seen, at most
/// ``DecodedRows/ignoredFieldsLimit``, each shortened for messages.
struct IgnoredFieldNames {
    private(set) var names: [String] = []

    /// Whether no further name would be listed (callers then skip making its `String`).
    @inline(__always)
    var isFull: Bool { names.count >= DecodedRows.ignoredFieldsLimit }

    /// Lists `name` (already shortened with ``DecodeProblem/clip(_:)``) unless it is there
    /// or the list is full.
    mutating func note(_ name: String) {
        guard !isFull, !names.contains(name) else { return }
        names.append(name)
    }
}
