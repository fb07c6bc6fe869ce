/// The state of decoding one JSON body: the reader, the rows decoded so far, and what the
/// previous row taught about key order. The formats (`Apus`, `MLflow`, `KServe`) are
/// extensions that walk their own top-level shapes and share the value and row readers
/// here and in `JSONBodyDecoding+Rows.swift`.
struct JSONBodyDecoding {
    let codec: FeatureCodec
    var reader: JSONReader
    var out: FeatureRowsBuilder
    /// The previous record's features, key by key: the next record most likely lists its
    /// keys in the same order, so its k-th key is first compared with that feature's name.
    var keyOrder: [Int] = []
    /// Per feature, the object (a running number) in which it was last set: a feature
    /// stamped with the current object's number is a repeated key.
    var stamps: [Int]
    var objectNumber = 0
    /// Whether fields the model does not read are skipped (``UnknownFieldPolicy/ignore``)
    /// rather than refused.
    let ignoresUnknown: Bool
    /// The skipped fields' names, for ``DecodedRows/ignoredFields``.
    var ignored = IgnoredFieldNames()
    /// The current record's keys that name no feature (the first
    /// ``DecodeProblem/keptUnknownNames``), for repeated-key checks and misspelling
    /// suggestions. Kept across records, so that a field ignored in every row costs no
    /// allocation per row; cleared by the first such key of each record.
    var recordUnknown: [String] = []
    /// The explain route's members (`top_k`, `adverse`, ...): nil on the other routes,
    /// which refuse them as unknown.
    var explainMembers: ExplainMembers?

    /// Starts decoding `body`; an empty body is malformed. `ignoresUnknown` skips fields
    /// the model does not read instead of refusing them.
    init(codec: FeatureCodec, maxRows: Int, ignoresUnknown: Bool = false, body: UnsafeRawBufferPointer) throws(RequestProblem) {
        guard let reader = JSONReader(body) else { throw .malformed("Malformed JSON: the body is empty", offset: 0) }
        self.codec = codec
        self.ignoresUnknown = ignoresUnknown
        self.reader = reader
        self.out = FeatureRowsBuilder(width: codec.width, maxRows: maxRows)
        self.stamps = [Int](repeating: -1, count: codec.width)
        keyOrder.reserveCapacity(codec.width)
    }

    /// The decoded rows.
    func finish(explain: Bool = false, id: String? = nil, requestedOutputs: [String]? = nil) -> DecodedRows {
        DecodedRows(features: out.features, rows: out.rows, unseen: out.unseen, explain: explain, id: id,
                    requestedOutputs: requestedOutputs, ignoredFields: ignored.names)
    }

    /// A place in the body to come back to (a value that had to wait for a later member).
    struct Mark {
        var offset: Int
        var depth: Int
    }

    var mark: Mark { Mark(offset: reader.offset, depth: reader.depth) }

    mutating func seek(to mark: Mark) {
        reader.offset = mark.offset
        reader.depth = mark.depth
    }

    // MARK: Values

    /// What a KServe tensor's datatype lets its values be; `any` in the other formats.
    enum ValueConstraint {
        case any
        /// `BOOL`: `true` and `false`.
        case boolean
        /// `INT*`, `UINT*`: whole numbers from `min` up to but not including `below`.
        case integer(min: Double, below: Double, datatype: String)
        /// `FP32`, `FP64`: numbers.
        case float(datatype: String)
        /// `BYTES`: strings.
        case text
    }

    /// Reads the value at the reader's position as feature `feature` of row `row`, by the
    /// value rules (see ``PredictionBodyDecoder``). Problems have no pointer: the caller
    /// knows it and adds it with ``DecodeProblem/locate(_:_:)``.
    @inline(__always)
    mutating func readValue(feature: Int, row: Int, constraint: ValueConstraint = .any) throws(RequestProblem) -> Double {
        reader.skipWhitespace()
        guard reader.offset < reader.count else { throw reader.unexpected("a value") }
        let byte = reader.base[reader.offset]
        if byte == 0x22 {
            let string = try reader.readString()
            switch constraint {
            case .any, .text: break
            default: throw wrongType(feature: feature, row: row, found: DecodeProblem.quoted(reader.string(string)), constraint)
            }
            if string.hasEscapes {
                let bytes = reader.unescapedBytes(of: string)
                return try bytes.withUnsafeBufferPointer { (text) throws(RequestProblem) in
                    try codec.value(ofText: text, feature: feature, row: row, unseen: &out.unseen)
                }
            }
            return try codec.value(ofText: reader.rawBytes(of: string), feature: feature, row: row, unseen: &out.unseen)
        }
        if byte &- 0x30 < 10 || (byte == 0x2D && reader.peekKind() == .number) {
            let start = reader.offset
            let number = try reader.readNumber()
            guard number.isFinite else {
                throw DecodeProblem.nonFinite(feature: codec.featureNames[feature], row: row, text: reader.text(from: start))
            }
            switch constraint {
            case .any, .float: break
            case .integer(let min, let limit, _):
                guard number == number.rounded(.towardZero), number >= min, number < limit else {
                    throw wrongType(feature: feature, row: row, found: reader.text(from: start), constraint)
                }
            case .boolean, .text:
                throw wrongType(feature: feature, row: row, found: reader.text(from: start), constraint)
            }
            return codec.value(ofNumber: number, feature: feature, row: row, unseen: &out.unseen)
        }
        switch reader.peekKind() {
        case .object:
            try refuse(wrongType(feature: feature, row: row, found: "an object", constraint))
        case .array:
            try refuse(wrongType(feature: feature, row: row, found: "a list", constraint))
        case .literal:
            let start = reader.offset
            let literal = try reader.readLiteral()
            switch (literal, constraint) {
            case (.null, _), (.nan, .any), (.nan, .float):
                return .nan
            case (.infinity, .any), (.infinity, .float), (.negativeInfinity, .any), (.negativeInfinity, .float):
                throw DecodeProblem.nonFinite(feature: codec.featureNames[feature], row: row, text: reader.text(from: start))
            case (.true, .any), (.true, .boolean):
                return codec.value(ofBool: true, feature: feature, row: row, unseen: &out.unseen)
            case (.false, .any), (.false, .boolean):
                return codec.value(ofBool: false, feature: feature, row: row, unseen: &out.unseen)
            default:
                throw wrongType(feature: feature, row: row, found: reader.text(from: start), constraint)
            }
        case .string, .number, .invalid:
            throw reader.unexpected("a value")
        }
    }

    /// Refuses the value at the reader with `problem`, after checking the value's syntax:
    /// a body that is malformed there is answered as malformed.
    mutating func refuse(_ problem: RequestProblem) throws(RequestProblem) -> Never {
        try reader.skipValue()
        throw problem
    }

    /// `found` is not what feature `feature` (or the tensor's datatype) takes.
    func wrongType(feature: Int, row: Int, found: String, _ constraint: ValueConstraint) -> RequestProblem {
        let expected = switch constraint {
        case .any: codec.expected(feature)
        case .boolean: "a BOOL value (true or false)"
        case .integer(_, _, let datatype): "a \(datatype) value"
        case .float(let datatype): "a number (the tensor is \(datatype))"
        case .text: "a string (the tensor is BYTES)"
        }
        return DecodeProblem.wrongType(feature: codec.featureNames[feature], row: row, found: found, expected: expected)
    }

    // MARK: Keys

    /// The feature a key names, or −1; tries the feature the previous object had at the
    /// same position before hashing.
    @inline(__always)
    mutating func featureIndex(of key: JSONString, position: Int) -> Int {
        guard !key.hasEscapes else {
            let bytes = reader.unescapedBytes(of: key)
            return bytes.withUnsafeBufferPointer { codec.featureIndex(of: $0) }
        }
        let bytes = reader.rawBytes(of: key)
        if position < keyOrder.count {
            let guess = keyOrder[position]
            if codec.names.matches(guess, bytes) { return guess }
        }
        let index = codec.featureIndex(of: bytes)
        if index >= 0 {
            if position < keyOrder.count { keyOrder[position] = index } else if position == keyOrder.count { keyOrder.append(index) }
        }
        return index
    }

    /// A member name of the formats' fixed objects (`rows`, `inputs`, ...).
    func memberName(_ key: JSONString) -> String { DecodeProblem.clip(reader.string(key)) }
}
