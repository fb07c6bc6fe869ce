import ApusTable

/// The problems the prediction decoders answer with, worded once: each names the feature
/// or member, the row, and where in the body (an RFC 6901 JSON pointer).
enum DecodeProblem {
    /// A 400 `invalid_request` for a body of the wrong shape.
    static func invalid(_ detail: String, pointer: String?, field: String? = nil, row: Int? = nil) -> RequestProblem {
        RequestProblem(status: 400, kind: .invalidRequest, title: "Invalid request", detail: detail, field: field,
                       row: row, pointer: pointer)
    }

    /// A value that is not what its feature takes (text for a number, an object, ...).
    static func wrongType(feature: String, row: Int, found: String, expected: String) -> RequestProblem {
        RequestProblem(status: 400, kind: .wrongType, title: "Wrong type",
                       detail: "row \(row), feature `\(feature)`: \(found) is not \(expected)", field: feature, row: row)
    }

    /// Infinity, or a number too large for a Double.
    static func nonFinite(feature: String, row: Int, text: String) -> RequestProblem {
        RequestProblem(status: 400, kind: .nonFinite, title: "Non-finite number",
                       detail: "row \(row), feature `\(feature)`: \(text) is not a finite number (send null for a missing value)",
                       field: feature, row: row)
    }

    /// A feature the model reads is absent from `place` ("row 3", "`columns`", "the inputs").
    /// `present` are the names there the model does not read: one close to `name` is
    /// offered as its misspelling.
    static func missingFeature(_ name: String, place: String, row: Int?, pointer: String?,
                               present unknown: [String]) -> RequestProblem {
        var detail = "\(place) has no feature `\(name)`, which the model reads"
        if !unknown.isEmpty, let close = closestName(to: name, among: unknown) {
            detail += " (is `\(close)` a misspelling of it?)"
        }
        return RequestProblem(status: 400, kind: .missingFeature, title: "Missing feature", detail: detail,
                              field: name, row: row, pointer: pointer)
    }

    /// `place` names `name`, which the model does not read; the closest feature name is
    /// offered.
    static func unknownFeature(_ name: String, place: String, row: Int?, pointer: String?,
                               features: [String]) -> RequestProblem {
        var detail = "\(place) has `\(name)`, which is not a feature of the model"
        if let close = closestName(to: name, among: features) {
            detail += "; did you mean `\(close)`?"
        }
        return RequestProblem(status: 400, kind: .unknownFeature, title: "Unknown feature", detail: detail,
                              field: name, row: row, pointer: pointer)
    }

    /// A 413 once the row count passes `limit`.
    static func tooManyRows(limit: Int, pointer: String?) -> RequestProblem {
        RequestProblem(status: 413, kind: .tooManyRows, title: "Too many rows",
                       detail: "the body has more than \(formatCount(limit)) rows, the most this server takes in one request",
                       row: limit, pointer: pointer)
    }

    /// A body without a single row.
    static func noRows(_ detail: String, pointer: String?, field: String?) -> RequestProblem {
        invalid("no rows: \(detail)", pointer: pointer, field: field)
    }

    /// A key that appears twice in one object.
    static func repeatedKey(_ key: String, place: String, row: Int?, pointer: String?) -> RequestProblem {
        invalid("\(place) has the key `\(key)` twice", pointer: pointer, field: key, row: row)
    }

    /// `problem` with its place in the body, unless it is about the syntax (which has a
    /// byte offset instead) or already placed.
    static func locate(_ problem: RequestProblem, _ pointer: @autoclosure () -> String) -> RequestProblem {
        guard problem.kind != .malformedBody, problem.pointer == nil else { return problem }
        var located = problem
        located.pointer = pointer()
        return located
    }

    /// How many names the model does not read are kept per object (for suggestions and
    /// repeated-key checks): a row of 100,000 stray keys costs no more than one of 16.
    static let keptUnknownNames = 16

    /// A name from the body, shortened to 200 characters for messages.
    static func clip(_ name: String) -> String {
        name.utf8.count <= 200 ? name : String(name.prefix(200)) + "…"
    }

    /// How a value appears in a message: strings quoted and shortened.
    static func quoted(_ text: String, limit: Int = 40) -> String {
        let shown = text.count > limit ? String(text.prefix(limit)) + "…" : text
        return "\"\(shown)\""
    }
}

/// RFC 6901 JSON pointers.
enum JSONPointer {
    /// `token` as a pointer segment: `~` as `~0`, `/` as `~1`.
    static func escape(_ token: String) -> String {
        guard token.utf8.contains(where: { $0 == 0x7E || $0 == 0x2F }) else { return token }
        var out = ""
        for character in token.unicodeScalars {
            switch character {
            case "~": out += "~0"
            case "/": out += "~1"
            default: out.unicodeScalars.append(character)
            }
        }
        return out
    }
}
