/// Apus's own body: `{"rows": [{feature: value}, ...]}` or
/// `{"columns": [name, ...], "data": [[value, ...], ...]}`, plus `"explain"?: bool`, and on
/// the explain route the ``ExplainMembers``.
extension JSONBodyDecoding {
    static let apusShape = "{\"rows\": [{feature: value, ...}, ...]} or {\"columns\": [name, ...], \"data\": [[value, ...], ...]}"

    /// Decodes an Apus body; returns whether it asked for explanations. The explain route's
    /// members are read into ``explainMembers`` when it is set (the explain route), else
    /// they are unknown.
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
        var walk = MemberWalk(place: "the body", pointer: "")
        var explain = false
        var columns: [Int]?
        var pendingData: Mark?
        while let (name, _) = try nextMember(&walk) {
            switch name {
            case "rows":
                if walk.seen.contains("columns") || walk.seen.contains("data") { throw Self.rowsAndData }
                try decodeRecordList(pointer: "/rows")
            case "columns":
                if walk.seen.contains("rows") { throw Self.rowsAndData }
                columns = try readColumns(pointer: "/columns")
            case "data":
                if walk.seen.contains("rows") { throw Self.rowsAndData }
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
            case "top_k", "adverse", "reference", "threshold", "min_effect":
                guard let members = explainMembers else { throw unknownMember(name) }
                explainMembers = try readExplainMember(name, into: members)
            default:
                throw unknownMember(name)
            }
        }
        try reader.expectEnd()
        if walk.seen.contains("data") && columns == nil {
            throw DecodeProblem.invalid("`data` needs `columns`, the feature name of each value", pointer: "/data", field: "columns")
        }
        if let pendingData, let columns {
            seek(to: pendingData)
            try decodeDataRows(columns: columns, pointer: "/data")
        }
        if walk.seen.contains("columns") && !walk.seen.contains("data") {
            throw DecodeProblem.invalid("`columns` needs `data`, the rows of values", pointer: "", field: "data")
        }
        if !walk.seen.contains("rows") && !walk.seen.contains("columns") {
            throw DecodeProblem.invalid("the body has no rows: send \(Self.apusShape)", pointer: "", field: "rows")
        }
        if out.rows == 0 {
            let member = walk.seen.contains("rows") ? "rows" : "data"
            throw DecodeProblem.noRows("`\(member)` is empty", pointer: "/\(member)", field: member)
        }
        return explain
    }

    /// A member the body does not take (the explain route's members are known only there).
    private func unknownMember(_ name: String) -> RequestProblem {
        let optional = explainMembers == nil ? "\"explain\": true" : "\"top_k\", \"adverse\", \"reference\", \"threshold\" and \"min_effect\""
        return DecodeProblem.invalid("the body has an unknown member `\(name)`; it takes \(Self.apusShape), and optionally \(optional)",
                                     pointer: "/\(JSONPointer.escape(name))", field: name)
    }

    private static var rowsAndData: RequestProblem {
        DecodeProblem.invalid("the body has both `rows` and `columns`/`data`; send one of \(apusShape)", pointer: "")
    }
}

/// Where a walk through an object's members is: how many were read, and their names.
struct MemberWalk {
    /// What the object is, for messages ("the body", "input 2").
    let place: String
    /// The object's JSON pointer; members' pointers extend it.
    let pointer: String
    var members = 0
    var seen = MemberSet()
}

extension JSONBodyDecoding {
    /// The next member of the object `walk` goes through (after `reader.beginObject()`): its
    /// name and JSON pointer, or nil at the object's end.
    ///
    /// - Throws: A member named twice, or malformed JSON.
    mutating func nextMember(_ walk: inout MemberWalk) throws(RequestProblem) -> (name: String, pointer: String)? {
        guard let key = try reader.nextKey(after: walk.members) else { return nil }
        walk.members &+= 1
        let name = memberName(key)
        let pointer = "\(walk.pointer)/\(JSONPointer.escape(name))"
        guard walk.seen.insert(name) else {
            throw DecodeProblem.repeatedKey(name, place: walk.place, row: nil, pointer: pointer)
        }
        return (name, pointer)
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
