/// MLflow's JSON scoring body (`POST /invocations`): exactly one of `dataframe_split`,
/// `dataframe_records`, `instances`, `inputs`, and optionally `params`.
extension JSONBodyDecoding {
    static let mlflowKeys = "`dataframe_split`, `dataframe_records`, `instances` or `inputs`"

    /// Decodes an MLflow JSON body.
    mutating func decodeMLflowBody() throws(RequestProblem) {
        switch reader.peekKind() {
        case .object: break
        case .array:
            try reader.skipValue()
            try reader.expectEnd()
            throw DecodeProblem.invalid(
                "the body is a bare list, which MLflow 2.0's scoring protocol no longer takes: wrap the rows in one of "
                    + "\(Self.mlflowKeys), e.g. {\"dataframe_records\": [{feature: value, ...}]}",
                pointer: "")
        case .invalid: throw reader.unexpected("a JSON object")
        default:
            try reader.skipValue()
            try reader.expectEnd()
            throw DecodeProblem.invalid("the body must be a JSON object with one of \(Self.mlflowKeys)", pointer: "")
        }
        try reader.beginObject()
        var walk = MemberWalk(place: "the body", pointer: "")
        var chosen: String?
        while let (name, pointer) = try nextMember(&walk) {
            switch name {
            case "dataframe_split", "dataframe_records", "instances", "inputs":
                if let chosen {
                    throw DecodeProblem.invalid(
                        "the body has both `\(chosen)` and `\(name)`; MLflow's protocol takes exactly one of \(Self.mlflowKeys)",
                        pointer: pointer, field: name)
                }
                chosen = name
                switch name {
                case "dataframe_split": try decodeDataFrameSplit(pointer: pointer)
                case "dataframe_records": try decodeRecordList(pointer: pointer)
                default: try decodeInstances(pointer: pointer)
                }
            case "params":
                guard reader.peekKind() == .object else {
                    try refuse(DecodeProblem.invalid("`params` must be an object", pointer: pointer, field: name))
                }
                try reader.skipValue()
            default:
                throw DecodeProblem.invalid(
                    "the body has an unknown member `\(name)`; MLflow's protocol takes exactly one of \(Self.mlflowKeys), and optionally `params`",
                    pointer: pointer, field: name)
            }
        }
        try reader.expectEnd()
        guard let chosen else {
            throw DecodeProblem.invalid("the body has none of \(Self.mlflowKeys); MLflow's protocol takes exactly one",
                                        pointer: "")
        }
        if out.rows == 0 {
            throw DecodeProblem.noRows("`\(chosen)` holds no rows", pointer: "/\(chosen)", field: chosen)
        }
    }

    /// `{"columns"?: [...], "data": [[...]], "index"?: [...]}`; without `columns` each
    /// row lists every feature in model order.
    mutating func decodeDataFrameSplit(pointer: String) throws(RequestProblem) {
        guard reader.peekKind() == .object else {
            try refuse(DecodeProblem.invalid("`dataframe_split` must be an object {\"columns\": [...], \"data\": [[...]]}",
                                        pointer: pointer, field: "dataframe_split"))
        }
        try reader.beginObject()
        var walk = MemberWalk(place: "`dataframe_split`", pointer: pointer)
        var columns: [Int]?
        var pendingData: Mark?
        while let (name, memberPointer) = try nextMember(&walk) {
            switch name {
            case "columns":
                columns = try readColumns(pointer: memberPointer)
            case "data":
                if walk.seen.contains("columns") {
                    try decodeDataRows(columns: columns, pointer: memberPointer)
                } else {
                    // The columns may still follow; come back once the object is read.
                    pendingData = mark
                    try reader.skipValue()
                }
            case "index":
                try reader.skipValue()
            default:
                throw DecodeProblem.invalid(
                    "`dataframe_split` has an unknown member `\(name)`; it takes `columns`, `data` and `index`",
                    pointer: memberPointer, field: name)
            }
        }
        guard walk.seen.contains("data") else {
            throw DecodeProblem.invalid("`dataframe_split` needs `data`, the rows of values", pointer: pointer, field: "data")
        }
        if let pendingData {
            let end = mark
            seek(to: pendingData)
            try decodeDataRows(columns: columns, pointer: "\(pointer)/data")
            seek(to: end)
        }
    }

    /// `instances` or `inputs`: a list of records, a list of lists (every feature in model
    /// order; a list of plain values for a one-feature model), or an object of feature to
    /// list of values.
    mutating func decodeInstances(pointer: String) throws(RequestProblem) {
        let name = Self.lastSegment(pointer)
        switch reader.peekKind() {
        case .object:
            try decodeColumnar(pointer: pointer)
            return
        case .array:
            break
        default:
            try refuse(DecodeProblem.invalid(
                "`\(name)` must be a list of rows (objects, or lists of values in model order) or an object of feature to list of values",
                pointer: pointer, field: name))
        }
        try reader.beginArray()
        var index = 0
        var firstKind: JSONReader.ValueKind?
        while try reader.hasElement(after: index) {
            var kind = reader.peekKind()
            if kind == .string || kind == .number || kind == .literal { kind = .number }  // a plain value
            if let firstKind, kind != firstKind, kind != .invalid {
                try refuse(DecodeProblem.invalid(
                    "row \(index) of `\(name)` is \(Self.describe(kind)) but row 0 is \(Self.describe(firstKind)); every row must have the same form",
                    pointer: "\(pointer)/\(index)", row: index))
            }
            firstKind = kind
            switch kind {
            case .object:
                try decodeRecord(pointer: pointer)
            case .array:
                try decodePositionalRow(columns: nil, pointer: pointer)
            case .number where codec.width == 1:
                let rowStart = try out.appendRow(pointer: "\(pointer)/\(index)")
                do throws(RequestProblem) {
                    out.features[rowStart] = try readValue(feature: 0, row: index)
                } catch {
                    throw DecodeProblem.locate(error, "\(pointer)/\(index)")
                }
            case .invalid:
                throw reader.unexpected("a value")
            default:
                try refuse(DecodeProblem.invalid(
                    "row \(index) of `\(name)` must be an object {feature: value, ...} or a list of \(codec.width) values in model order",
                    pointer: "\(pointer)/\(index)", row: index))
            }
            index &+= 1
        }
    }

    private static func describe(_ kind: JSONReader.ValueKind) -> String {
        switch kind {
        case .object: "an object"
        case .array: "a list"
        default: "a plain value"
        }
    }
}
