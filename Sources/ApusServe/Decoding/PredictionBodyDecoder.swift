import ApusModel

/// Rows of a prediction request, encoded for the model: what the decoders of
/// ``PredictionBodyDecoder`` produce.
public struct DecodedRows: Sendable {
    /// `rows × schema.count` values, row-major, as ``FeatureSchema`` encodes them: numeric
    /// features hold their value, categorical features the level's code (−1 for a level the
    /// model never saw); NaN is missing.
    public var features: [Double]
    /// The number of rows.
    public var rows: Int
    /// The categorical values the model never saw, in the order read. They are encoded as
    /// ``FeatureSchema/unseenLevelCode`` and predicted like the model was trained to, not
    /// refused; the server counts them.
    public var unseen: [UnseenLevel]
    /// Apus format only: whether the body asked for `"explain": true`.
    public var explain: Bool
    /// KServe V2 only: the request's `id`, to echo in the response.
    public var id: String?
    /// KServe V2 only: the names in `"outputs": [{"name": ...}]`, if the body listed any.
    public var requestedOutputs: [String]?
    /// The fields the model does not read that the body held and the decoder skipped
    /// (``UnknownFieldPolicy/ignore`` only): record keys, column names, CSV header fields,
    /// KServe tensor names. Distinct, in the order first seen, at most
    /// ``ignoredFieldsLimit``, each shortened to 200 characters; empty when nothing was
    /// ignored (always, under ``UnknownFieldPolicy/refuse``).
    public var ignoredFields: [String]

    /// The most names ``ignoredFields`` lists: a body of a million stray keys costs no more
    /// to report than one of 16.
    public static let ignoredFieldsLimit = 16

    /// Rows; see the properties.
    public init(features: [Double], rows: Int, unseen: [UnseenLevel] = [], explain: Bool = false, id: String? = nil,
                requestedOutputs: [String]? = nil, ignoredFields: [String] = []) {
        self.features = features
        self.rows = rows
        self.unseen = unseen
        self.explain = explain
        self.id = id
        self.requestedOutputs = requestedOutputs
        self.ignoredFields = ignoredFields
    }
}

/// What a ``PredictionBodyDecoder`` does with a field the model does not read: a record's
/// key, a column, a CSV header field, a KServe input tensor named as no feature.
public enum UnknownFieldPolicy: Sendable, Hashable {
    /// Refuse the body with a 400 `unknown_feature` naming the field and the closest
    /// feature (the default: a misspelt feature is never silently dropped).
    case refuse
    /// Skip the field and list it in ``DecodedRows/ignoredFields``, for clients that send
    /// extra columns (an id, the target, a date the model ignores). The field's value is
    /// read only to skip it: it must be well-formed, but may be of any type (an object, a
    /// list). Missing features are refused all the same.
    case ignore
}

/// A categorical value the model did not see in training.
public struct UnseenLevel: Sendable, Equatable {
    /// The 0-based row.
    public var row: Int
    /// The feature's index in the schema.
    public var feature: Int
    /// The value's text (a number as the text it was looked up by: `3` as `"3"`).
    public var value: String

    /// An unseen level; see the properties.
    public init(row: Int, feature: Int, value: String) {
        self.row = row
        self.feature = feature
        self.value = value
    }
}

/// Decodes prediction request bodies straight into a model's feature matrix, byte by byte:
/// no `Codable`, no `JSONSerialization`, no `String` per key or number.
///
/// One decoder per served model (its tables are built from the schema once); it is a
/// value and can be used from any number of tasks at once. Each format's method takes the
/// raw body and returns the rows, or throws the ``RequestProblem`` that names what was
/// wrong: the feature or member (`field`), the `row`, and a JSON `pointer` into the body (a
/// byte offset in the detail for malformed JSON). The value rules are the same in every
/// format:
///
/// - a number is the value of a numeric feature, or looked up as a level of a categorical
///   feature by its shortest integer text (`3` matches level `"3"`), as ``FeatureSchema``
///   does;
/// - a string is a level of a categorical feature, or numeric text for a numeric feature
///   (`""` is missing; other text is `wrong_type`);
/// - `true`/`false` are 1/0 for a numeric feature, levels `"true"`/`"false"` otherwise;
/// - `null` and the bare `NaN` Python writes are missing; `Infinity`, `-Infinity`, numbers
///   beyond a Double's range and text such as `"inf"` are `non_finite`;
/// - an object or array as a value is `wrong_type`.
///
/// Every feature must be present in every row (`missing_feature`), each with a close name
/// suggested. A field the model does not read is refused (`unknown_feature`, with the
/// closest feature suggested), or, when the decoder was made with
/// ``UnknownFieldPolicy/ignore``, skipped and listed in ``DecodedRows/ignoredFields``. A
/// key repeated in an object is refused, ignored or not. Zero rows is invalid; more than
/// `maxRows` is a 413 `too_many_rows`, thrown as soon as the row after the limit begins.
/// Objects and arrays nest at most 64 deep.
public struct PredictionBodyDecoder: Sendable {
    /// The model's features.
    public var schema: FeatureSchema { codec.schema }
    /// The most rows a body may hold.
    public let maxRows: Int
    /// Whether a field the model does not read is refused or skipped.
    public let unknownFields: UnknownFieldPolicy
    let codec: FeatureCodec

    /// A decoder for bodies addressed to a model with `schema`, taking at most `maxRows`
    /// rows per body; `unknownFields` says whether a field the model does not read is
    /// refused (the default) or skipped.
    public init(schema: FeatureSchema, maxRows: Int, unknownFields: UnknownFieldPolicy = .refuse) {
        self.codec = FeatureCodec(schema: schema)
        self.maxRows = max(0, maxRows)
        self.unknownFields = unknownFields
    }

    private var ignoresUnknown: Bool { unknownFields == .ignore }

    /// Apus's own format (`POST /v1/models/{name}/predict`): an object with either
    /// `"rows": [{feature: value, ...}, ...]` or `"columns": [name, ...]` and
    /// `"data": [[value, ...], ...]`, and optionally `"explain": true|false`. Any other
    /// member of the body is refused, whatever the ``unknownFields`` policy (which is about
    /// rows' keys and column names).
    public func decodeApus(_ body: UnsafeRawBufferPointer) throws(RequestProblem) -> DecodedRows {
        var decoding = try JSONBodyDecoding(codec: codec, maxRows: maxRows, ignoresUnknown: ignoresUnknown, body: body)
        let explain = try decoding.decodeApusBody()
        return decoding.finish(explain: explain)
    }

    /// MLflow's scoring protocol as JSON (`POST /invocations`, `application/json`): an
    /// object with exactly one of `dataframe_split` (`{"columns"?, "data", "index"?}`;
    /// without `columns` each row holds every feature in model order),
    /// `dataframe_records` (`[{column: value}]`), `instances` or `inputs` (a list of
    /// records, a list of lists in model order, or an object of column to list of values),
    /// and optionally `params` (accepted and ignored). A bare list is refused with a note
    /// that MLflow 2.0 changed the protocol.
    public func decodeMLflow(_ body: UnsafeRawBufferPointer) throws(RequestProblem) -> DecodedRows {
        var decoding = try JSONBodyDecoding(codec: codec, maxRows: maxRows, ignoresUnknown: ignoresUnknown, body: body)
        try decoding.decodeMLflowBody()
        return decoding.finish()
    }

    /// MLflow's scoring protocol as CSV (`POST /invocations`, `text/csv`): a header line
    /// naming the columns, then one line per row; RFC 4180 quoting; an empty field is
    /// missing. Problems name the row (0-based, as in JSON) and the line; they have no JSON
    /// pointer.
    public func decodeMLflowCSV(_ body: UnsafeRawBufferPointer) throws(RequestProblem) -> DecodedRows {
        var decoding = CSVBodyDecoding(codec: codec, maxRows: maxRows, ignoresUnknown: ignoresUnknown, body: body)
        return try decoding.decode()
    }

    /// The Open Inference Protocol / KServe V2 (`POST /v2/models/{name}/infer`):
    /// `{"id"?, "parameters"?, "inputs": [...], "outputs"?: [{"name", "parameters"?}]}` with
    /// either one tensor per feature (named as the feature, shape `[N]` or `[N, 1]`,
    /// datatype `BOOL`, `UINT8`…`UINT64`, `INT8`…`INT64`, `FP32`, `FP64` or `BYTES`) or a
    /// single numeric `[N, F]` tensor with the features in model order. `data` is
    /// row-major, flat or nested as the shape; its length must be the shape's product.
    /// `FP16` and unknown datatypes are refused naming the tensor. Values of an `FP32`
    /// tensor are taken as written, not rounded to `Float`. With
    /// ``UnknownFieldPolicy/ignore``, an input named as no feature is skipped whole: its
    /// datatype, shape and data are not checked against the rows (it must still be a
    /// tensor object: a string `name` and `datatype`, `shape` a list of sizes, and `data`),
    /// unless it is numeric, of shape `[N, F]` and comes before any feature's tensor: then
    /// it is the `[N, F]` tensor, and only inputs named as no feature may follow it.
    public func decodeKServe(_ body: UnsafeRawBufferPointer) throws(RequestProblem) -> DecodedRows {
        var decoding = try JSONBodyDecoding(codec: codec, maxRows: maxRows, ignoresUnknown: ignoresUnknown, body: body)
        let (id, outputs) = try decoding.decodeKServeBody()
        return decoding.finish(id: id, requestedOutputs: outputs)
    }

    /// ``decodeApus(_:)-(UnsafeRawBufferPointer)`` on an array.
    public func decodeApus(_ body: [UInt8]) throws(RequestProblem) -> DecodedRows {
        try Self.withBytes(of: body) { (bytes) throws(RequestProblem) in try decodeApus(bytes) }
    }

    /// ``decodeMLflow(_:)-(UnsafeRawBufferPointer)`` on an array.
    public func decodeMLflow(_ body: [UInt8]) throws(RequestProblem) -> DecodedRows {
        try Self.withBytes(of: body) { (bytes) throws(RequestProblem) in try decodeMLflow(bytes) }
    }

    /// ``decodeMLflowCSV(_:)-(UnsafeRawBufferPointer)`` on an array.
    public func decodeMLflowCSV(_ body: [UInt8]) throws(RequestProblem) -> DecodedRows {
        try Self.withBytes(of: body) { (bytes) throws(RequestProblem) in try decodeMLflowCSV(bytes) }
    }

    /// ``decodeKServe(_:)-(UnsafeRawBufferPointer)`` on an array.
    public func decodeKServe(_ body: [UInt8]) throws(RequestProblem) -> DecodedRows {
        try Self.withBytes(of: body) { (bytes) throws(RequestProblem) in try decodeKServe(bytes) }
    }

    private static func withBytes(of body: [UInt8], _ decode: (UnsafeRawBufferPointer) throws(RequestProblem) -> DecodedRows)
        throws(RequestProblem) -> DecodedRows {
        try body.withUnsafeBytes { bytes in Result { () throws(RequestProblem) in try decode(bytes) } }.get()
    }
}
