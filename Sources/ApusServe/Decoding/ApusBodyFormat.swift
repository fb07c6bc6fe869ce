/// Apus's own body: `{"rows": [{feature: value}, ...]}` or
/// `{"columns": [name, ...], "data": [[value, ...], ...]}`, plus `"explain"?: bool`.
extension JSONBodyDecoding {
    static let apusShape = "{\"rows\": [{feature: value, ...}, ...]} or {\"columns\": [name, ...], \"data\": [[value, ...], ...]}"

    /// Decodes an Apus body; returns whether it asked for explanations.
    mutating func decodeApusBody() throws(RequestProblem) -> Bool {
        switch reader.peekKind() {
        case .object: break
        case .invalid: throw reader.unexpected("a JSON object")
        default:
            try reader.skipValue()
            try reader.expectEnd()
            throw DecodeProblem.invalid("the body must be a JSON object: \(Self.apusShape)", pointer: "")
        }
        try reader.beginObject()
        var members = 0
        var seen = MemberSet()
        var explain = false
        var columns: [Int]?
        var pendingData: Mark?
        while let key = try reader.nextKey(after: members) {
            members &+= 1
            let name = memberName(key)
            guard seen.insert(name) else {
                throw DecodeProblem.repeatedKey(name, place: "the body", row: nil, pointer: "/\(JSONPointer.escape(name))")
            }
            switch name {
            case "rows":
                if seen.contains("columns") || seen.contains("data") { throw Self.rowsAndData }
                try decodeRecordList(pointer: "/rows")
            case "columns":
                if seen.contains("rows") { throw Self.rowsAndData }
                columns = try readColumns(pointer: "/columns")
            case "data":
                if seen.contains("rows") { throw Self.rowsAndData }
                if let columns {
                    try decodeDataRows(columns: columns, pointer: "/data")
                } else {
                    pendingData = mark
                    try reader.skipValue()
                }
            case "explain":
                let problem = DecodeProblem.invalid("`explain` must be true or false", pointer: "/explain", field: "explain")
                guard reader.peekKind() == .literal else { try refuse(problem) }
                let literal = try reader.readLiteral()
                guard literal == .true || literal == .false else { throw problem }
                explain = literal == .true
            default:
                throw DecodeProblem.invalid(
                    "the body has an unknown member `\(name)`; it takes \(Self.apusShape), and optionally \"explain\": true",
                    pointer: "/\(JSONPointer.escape(name))", field: name)
            }
        }
        try reader.expectEnd()
        if seen.contains("data") && columns == nil {
            throw DecodeProblem.invalid("`data` needs `columns`, the feature name of each value", pointer: "/data", field: "columns")
        }
        if let pendingData, let columns {
            seek(to: pendingData)
            try decodeDataRows(columns: columns, pointer: "/data")
        }
        if seen.contains("columns") && !seen.contains("data") {
            throw DecodeProblem.invalid("`columns` needs `data`, the rows of values", pointer: "", field: "data")
        }
        if !seen.contains("rows") && !seen.contains("columns") {
            throw DecodeProblem.invalid("the body has no rows: send \(Self.apusShape)", pointer: "", field: "rows")
        }
        if out.rows == 0 {
            let member = seen.contains("rows") ? "rows" : "data"
            throw DecodeProblem.noRows("`\(member)` is empty", pointer: "/\(member)", field: member)
        }
        return explain
    }

    private static var rowsAndData: RequestProblem {
        DecodeProblem.invalid("the body has both `rows` and `columns`/`data`; send one of \(apusShape)", pointer: "")
    }
}

/// The member names of a fixed-shape object seen so far, for repeated-key checks without a
/// `Set` per request (the formats' objects have a handful of members).
struct MemberSet {
    private var names: [String] = []

    /// Adds `name`; `false` if it was already there.
    mutating func insert(_ name: String) -> Bool {
        if names.contains(name) { return false }
        names.append(name)
        return true
    }

    func contains(_ name: String) -> Bool { names.contains(name) }
}
