/// What was wrong with a request, answered as RFC 9457 problem details
/// (`application/problem+json`): a status, a short title, a sentence naming the field and
/// row, and a kind that `/metrics` counts errors by.
///
/// Every client mistake is a `RequestProblem` with a 4xx status; a 500 means a bug.
public struct RequestProblem: Error, Sendable, Equatable, CustomStringConvertible {
    /// The kinds of problem, as counted in `apus_request_errors_total{kind=...}`.
    public enum Kind: String, Sendable, CaseIterable {
        /// The body is not JSON (or not CSV) that can be read; the detail gives the byte offset.
        case malformedBody = "malformed_body"
        /// The body is JSON of the wrong shape (a missing or unknown member, a wrong container).
        case invalidRequest = "invalid_request"
        /// A feature the model reads is absent from a row.
        case missingFeature = "missing_feature"
        /// A row names a field the model does not read.
        case unknownFeature = "unknown_feature"
        /// A value of the wrong type for its feature (text for a number, an object, ...).
        case wrongType = "wrong_type"
        /// Infinity or a number too large for a Double.
        case nonFinite = "non_finite"
        /// More rows than `--max-rows`.
        case tooManyRows = "too_many_rows"
        /// A body larger than `--max-body-bytes`.
        case bodyTooLarge = "body_too_large"
        /// A content type the route does not read.
        case unsupportedMediaType = "unsupported_media_type"
        /// No such model, version or alias.
        case notFound = "not_found"
        /// No API key, or one that is unknown or revoked.
        case unauthorized = "unauthorized"
        /// A key whose role does not allow the route.
        case forbidden = "forbidden"
        /// The server is shutting down or the model is not loaded.
        case unavailable = "unavailable"
    }

    /// The HTTP status (400, 401, 403, 404, 413, 415, 503).
    public var status: Int
    /// What kind of mistake.
    public var kind: Kind
    /// A short summary of the problem type, the same for every occurrence.
    public var title: String
    /// What exactly was wrong, naming the field and row.
    public var detail: String
    /// The feature or member at fault, if one is.
    public var field: String?
    /// The 0-based row at fault, if one is.
    public var row: Int?
    /// A JSON Pointer (RFC 6901) into the request body, if the fault has a place there.
    public var pointer: String?

    /// A problem; see the properties.
    public init(status: Int, kind: Kind, title: String, detail: String, field: String? = nil, row: Int? = nil,
                pointer: String? = nil) {
        self.status = status
        self.kind = kind
        self.title = title
        self.detail = detail
        self.field = field
        self.row = row
        self.pointer = pointer
    }

    public var description: String { "\(status) \(title): \(detail)" }

    /// A 400 for a body of the wrong shape.
    public static func invalid(_ detail: String, pointer: String? = nil, field: String? = nil) -> RequestProblem {
        RequestProblem(status: 400, kind: .invalidRequest, title: "Invalid request", detail: detail, field: field,
                       pointer: pointer)
    }

    /// A 400 for a body that cannot be parsed.
    public static func malformed(_ detail: String, offset: Int) -> RequestProblem {
        RequestProblem(status: 400, kind: .malformedBody, title: "Malformed body", detail: "\(detail) at byte \(offset)")
    }
}
