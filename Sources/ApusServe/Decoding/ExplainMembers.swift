/// The members `POST /v1/models/{name}/explain` takes besides the rows, as sent; the route
/// checks them against the model (``ExplainRequest``).
public struct ExplainMembers: Sendable, Equatable {
    /// `"top_k"`: the most reason codes per row (an integer, at least 1).
    public var topK: Int?
    /// `"adverse"`: `higher`, `lower` or a class label.
    public var adverse: String?
    /// `"reference"`: what the values are relative to (`average`, `background`, `threshold`).
    public var reference: String?
    /// `"min_effect"`: the smallest adverse effect that makes a reason (a number, at least 0).
    public var minimumEffect: Double?
    /// `"threshold"`: the decision threshold of the `threshold` reference (a finite number,
    /// on the prediction's scale).
    public var threshold: Double?

    /// Members; see the properties.
    public init(topK: Int? = nil, adverse: String? = nil, reference: String? = nil, minimumEffect: Double? = nil,
                threshold: Double? = nil) {
        self.topK = topK
        self.adverse = adverse
        self.reference = reference
        self.minimumEffect = minimumEffect
        self.threshold = threshold
    }
}

extension JSONBodyDecoding {
    /// Reads the explain member `name` (`top_k`, `adverse`, `reference`, `min_effect`,
    /// `threshold`) into `members`.
    mutating func readExplainMember(_ name: String, into members: ExplainMembers) throws(RequestProblem) -> ExplainMembers {
        var members = members
        let pointer = "/\(name)"
        switch name {
        case "top_k":
            let problem = DecodeProblem.invalid("`top_k` must be a whole number of at least 1", pointer: pointer, field: name)
            guard reader.peekKind() == .number else { try refuse(problem) }
            guard let count = try reader.readCount(below: Int(Int32.max)), count >= 1 else { throw problem }
            members.topK = count
        case "min_effect":
            let problem = DecodeProblem.invalid("`min_effect` must be a number of at least 0", pointer: pointer, field: name)
            guard reader.peekKind() == .number else { try refuse(problem) }
            let value = try reader.readNumber()
            guard value.isFinite, value >= 0 else { throw problem }
            members.minimumEffect = value
        case "threshold":
            let problem = DecodeProblem.invalid("`threshold` must be a number: the decision threshold on the prediction's scale",
                                                pointer: pointer, field: name)
            guard reader.peekKind() == .number else { try refuse(problem) }
            let value = try reader.readNumber()
            guard value.isFinite else { throw problem }
            members.threshold = value
        default:
            let what = name == "adverse" ? "\"higher\", \"lower\" or a class label" : "\"average\", \"background\" or \"threshold\""
            let problem = DecodeProblem.invalid("`\(name)` must be a string: \(what)", pointer: pointer, field: name)
            guard reader.peekKind() == .string else { try refuse(problem) }
            let text = DecodeProblem.clip(reader.string(try reader.readString()))
            if name == "adverse" { members.adverse = text } else { members.reference = text }
        }
        return members
    }
}

extension PredictionBodyDecoder {
    /// The explain route's body: Apus's own format (see ``decodeApus(_:)-(UnsafeRawBufferPointer)``)
    /// with the optional members `"top_k"`, `"adverse"`, `"reference"`, `"threshold"` and
    /// `"min_effect"`.
    public func decodeApusExplain(_ body: UnsafeRawBufferPointer) throws(RequestProblem) -> (rows: DecodedRows, members: ExplainMembers) {
        var decoding = try JSONBodyDecoding(codec: codec, maxRows: maxRows, ignoresUnknown: unknownFields == .ignore, body: body)
        decoding.explainMembers = ExplainMembers()
        _ = try decoding.decodeApusBody()
        return (decoding.finish(explain: true), decoding.explainMembers ?? ExplainMembers())
    }
}
