/// One request the model server answered, as the prediction log keeps it.
///
/// `inputs` and `outputs` are JSON text that the caller rendered; the store keeps them as
/// given and does not parse them.
public struct PredictionRecord: Sendable, Equatable {
    /// The request's id, unique in the log: feedback names it.
    public var requestID: String
    /// The registered model that answered.
    public var model: String
    /// Its version.
    public var version: Int
    /// What the client asked for (`credit-risk@champion`, `credit-risk/3`).
    public var reference: String
    /// The route that served it (`v1`, `v2`, `invocations`).
    public var route: String
    /// When it was answered, as `StoreClock` writes time (`2026-11-29T09:10:11.123Z`).
    public var loggedAt: String
    /// How long answering took, in microseconds.
    public var latencyMicroseconds: Int
    /// How many rows the request scored.
    public var rowCount: Int
    /// The rows, a JSON array of row objects; nil when the request was not sampled.
    public var inputs: String?
    /// The predictions, as JSON.
    public var outputs: String
    /// How many categorical values the model had not seen in training.
    public var unseenLevels: Int

    /// A record with every field given.
    public init(requestID: String, model: String, version: Int, reference: String, route: String, loggedAt: String,
                latencyMicroseconds: Int, rowCount: Int, inputs: String?, outputs: String, unseenLevels: Int = 0) {
        self.requestID = requestID
        self.model = model
        self.version = version
        self.reference = reference
        self.route = route
        self.loggedAt = loggedAt
        self.latencyMicroseconds = latencyMicroseconds
        self.rowCount = rowCount
        self.inputs = inputs
        self.outputs = outputs
        self.unseenLevels = unseenLevels
    }
}

/// A ground-truth label for one row of a logged request.
public struct FeedbackLabel: Sendable, Equatable {
    /// The logged request it belongs to.
    public var requestID: String
    /// The row within that request, from 0.
    public var row: Int
    /// The true value as text: a class label, or a number's text.
    public var label: String

    /// The label `label` for row `row` of request `requestID`.
    public init(requestID: String, row: Int, label: String) {
        self.requestID = requestID
        self.row = row
        self.label = label
    }
}

/// A label as the store keeps it: when it was recorded, and by whom.
public struct RecordedFeedback: Sendable, Equatable {
    /// The request, row and label.
    public var label: FeedbackLabel
    /// When it was recorded (it replaced any earlier label of the row then).
    public var recordedAt: String
    /// Who recorded it.
    public var recordedBy: String

    /// A label recorded at `recordedAt` by `recordedBy`.
    public init(label: FeedbackLabel, recordedAt: String, recordedBy: String) {
        self.label = label
        self.recordedAt = recordedAt
        self.recordedBy = recordedBy
    }
}

/// What `recordFeedback` did.
public struct FeedbackReceipt: Sendable, Equatable {
    /// Labels written (every label given: a batch is recorded whole or not at all).
    public var recorded: Int
    /// How many of them replaced an earlier label of the same row (corrections), an earlier
    /// label in the same batch included.
    public var replaced: Int

    /// A receipt for `recorded` labels of which `replaced` were corrections.
    public init(recorded: Int, replaced: Int) {
        self.recorded = recorded
        self.replaced = replaced
    }
}

/// A logged request with the labels recorded for its rows.
public struct LabelledPrediction: Sendable, Equatable {
    /// The request as logged.
    public var record: PredictionRecord
    /// The label of each row that has one, by row index.
    public var labels: [Int: String]

    /// `record` with `labels`.
    public init(record: PredictionRecord, labels: [Int: String]) {
        self.record = record
        self.labels = labels
    }
}

/// Which logged requests to read, newest first: all filters are optional.
public struct PredictionLogQuery: Sendable, Equatable {
    /// How many records a query returns unless told otherwise.
    public static let defaultLimit = 100

    /// Only this registered model.
    public var model: String?
    /// Only this version (needs `model`).
    public var version: Int?
    /// Only requests logged at or after this time (`StoreClock` format).
    public var since: String?
    /// Only requests logged before this time (`StoreClock` format), so windows
    /// `[since, until)` tile without overlap.
    public var until: String?
    /// Only requests with at least one label.
    public var labelledOnly: Bool
    /// At most this many, newest first.
    public var limit: Int
    /// Leave out this many newest first (to page).
    public var offset: Int

    /// The newest `limit` requests that match.
    public init(model: String? = nil, version: Int? = nil, since: String? = nil, until: String? = nil,
                labelledOnly: Bool = false, limit: Int = PredictionLogQuery.defaultLimit, offset: Int = 0) {
        self.model = model
        self.version = version
        self.since = since
        self.until = until
        self.labelledOnly = labelledOnly
        self.limit = limit
        self.offset = offset
    }

    /// Checks the query: a known model name, a version only with a model, times in
    /// `StoreClock` format, a positive limit.
    ///
    /// - Throws: `StoreError` naming the field at fault.
    public func validate() throws {
        if let model { try StoreNames.validate(model, as: "model name") }
        if let version {
            guard model != nil else { throw StoreError("a prediction log query by version \(version) needs the model name too") }
            guard version >= 1 else { throw StoreError("a model version is 1 or more, not \(version)") }
        }
        for (name, time) in [("since", since), ("until", until)] {
            if let time, StoreClock.parse(time) == nil {
                throw StoreError("`\(name)` must be a UTC time such as 2026-11-29T09:10:11.123Z, not `\(StoreNames.printable(time))`")
            }
        }
        guard limit >= 1 else { throw StoreError("the limit must be 1 or more, not \(limit)") }
        guard offset >= 0 else { throw StoreError("the offset must be 0 or more, not \(offset)") }
    }
}

extension PredictionRecord {
    /// Checks what the store relies on: a request id it can name in errors, a valid model
    /// name and version, a `StoreClock` time (the log is ordered and windowed by it as
    /// text), and no negative count.
    ///
    /// - Throws: `StoreError` naming the request and the field at fault.
    public func validate() throws {
        try StoreNames.validateRequestID(requestID)
        func refuse(_ problem: String) -> StoreError { StoreError("the prediction record of request `\(requestID)`: \(problem)") }
        do {
            try StoreNames.validate(model, as: "model name")
        } catch let error as StoreError {
            throw refuse(error.description)
        }
        guard version >= 1 else { throw refuse("the version must be 1 or more, not \(version)") }
        guard !reference.isEmpty else { throw refuse("the model reference is empty") }
        guard !route.isEmpty else { throw refuse("the route is empty") }
        guard StoreClock.parse(loggedAt) != nil else {
            throw refuse("the time must be UTC such as 2026-11-29T09:10:11.123Z, not `\(StoreNames.printable(loggedAt))`")
        }
        guard latencyMicroseconds >= 0 else { throw refuse("the latency is negative (\(latencyMicroseconds) µs)") }
        guard rowCount >= 0 else { throw refuse("the row count is negative (\(rowCount))") }
        guard unseenLevels >= 0 else { throw refuse("the count of unseen levels is negative (\(unseenLevels))") }
    }
}

extension FeedbackLabel {
    /// Checks the request id and that the label is not empty (the row is checked against
    /// the logged request by the store).
    ///
    /// - Throws: `StoreError` naming the request and row.
    public func validate() throws {
        try StoreNames.validateRequestID(requestID)
        guard !label.allSatisfy(\.isWhitespace) else {
            throw StoreError("the label for row \(row) of request `\(requestID)` is empty")
        }
    }
}

extension StoreNames {
    /// The longest request id, in characters.
    public static let maximumRequestIDLength = 256

    /// Checks a request id: 1 to 256 characters, none of them a control character, so it
    /// can be printed in an error and a log line as it is.
    ///
    /// - Throws: `StoreError` saying what is wrong.
    public static func validateRequestID(_ id: String) throws {
        guard !id.isEmpty else { throw StoreError("the request id is empty") }
        var count = 0
        for scalar in id.unicodeScalars {
            count += 1
            if scalar.value < 0x20 || scalar.value == 0x7F {
                throw StoreError("the request id `\(printable(id))` holds a control character (U+\(String(scalar.value, radix: 16, uppercase: true)))")
            }
        }
        guard count <= maximumRequestIDLength else {
            throw StoreError("the request id `\(printable(id))` is longer than \(maximumRequestIDLength) characters")
        }
    }
}
