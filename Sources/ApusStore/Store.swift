/// Runs, the model registry, artifacts, the audit trail, webhooks and the prediction log:
/// what every front end records and reads. `SQLiteStore` is the embedded implementation; a
/// PostgreSQL one will share its SQL (decision 0003).
///
/// Every change is one transaction that also appends its audit row, so a change and its
/// record land together or not at all. Changes are made as `actor`. The prediction log and
/// feedback are data, not changes: they are transactional but not audited.
public protocol Store: Sendable {
    /// Where the store is (a folder, or a URL).
    var location: String { get }
    /// Who changes are recorded as made by.
    var actor: String { get }

    // MARK: Runs

    /// Records a new run as `running`, with its parameters, tags and inputs; returns its id.
    func startRun(_ start: RunStart) throws -> String
    /// Adds metric values to a running run (a value at an existing step replaces it).
    func logMetrics(_ metrics: [MetricPoint], run id: String) throws
    /// Records data sets a running run read (a role already recorded is replaced).
    func logInputs(_ inputs: [RunInput], run id: String) throws
    /// Sets tags of a run.
    func setTags(_ tags: [String: String], run id: String) throws
    /// Ends a running run: its status, message, cost and artifacts, in one transaction.
    ///
    /// - Throws: If the run is not running (a run ends once).
    func finishRun(_ id: String, status: RunStatus, message: String?, cost: RunCost?, artifacts: [String: ArtifactRef]) throws
    /// The run with this id or unique id prefix (6 characters or more), in full.
    func run(_ idOrPrefix: String) throws -> RunRecord
    /// Runs matching `query`, without their parameters, inputs and artifacts.
    func runs(_ query: RunQuery) throws -> [RunRecord]
    /// Every value of metric `key` of a run, by step.
    func metricHistory(run id: String, key: String) throws -> [MetricPoint]
    /// Marks `killed` every `running` run of this host whose process is gone, and removes
    /// artifact files such processes left half-written; returns the runs' ids.
    func reapAbandonedRuns() throws -> [String]

    // MARK: Artifacts

    /// Stores the file's bytes under their SHA-256 (once, atomically) and returns the reference.
    func putArtifact(file path: String) throws -> ArtifactRef
    /// The path of a stored artifact, after checking its bytes against its hash.
    func verifiedArtifactPath(_ artifact: ArtifactRef) throws -> String
    /// The stored artifact with this SHA-256 (its size from the store), or nil.
    func artifact(sha256: String) throws -> ArtifactRef?
    /// The runs that recorded an artifact with this SHA-256 under `name`, oldest first.
    func runs(withArtifact sha256: String, named name: String) throws -> [String]

    // MARK: Prediction-log profiles

    /// Replaces the profile of `model` version `version` for the hour starting at `bucket` with
    /// `merge(existing)` (nil when there is none), adding `rows`, in one transaction.
    func mergePredictionProfile(model: String, version: Int, bucket: String, rows: Int,
                                merge: (String?) throws -> String) throws
    /// The stored hourly profiles of `model` version `version` whose hour overlaps [since, until), oldest first.
    func predictionProfiles(model: String, version: Int, since: String, until: String) throws
        -> [(bucket: String, rows: Int, profile: String)]

    // MARK: Registry

    /// Registers a new version (creating the model if new); returns it.
    func registerVersion(_ registration: VersionRegistration) throws -> ModelVersion
    /// Points `alias` of `model` at `version`; returns the move.
    func setAlias(model: String, alias: String, version: Int, reason: String) throws -> AliasMove
    /// Returns `alias` to the version it pointed at before its last move not yet rolled back.
    func rollback(model: String, alias: String, reason: String) throws -> AliasMove
    /// Archives a version; refused while an alias points at it.
    func archive(model: String, version: Int, reason: String) throws
    /// Changes a registered model's description and tags.
    func updateModel(_ name: String, description: String?, setTags: [String: String], removeTags: [String],
                     reason: String) throws -> RegisteredModel
    /// Every registered model.
    func models() throws -> [RegisteredModel]
    /// One registered model.
    func model(_ name: String) throws -> RegisteredModel
    /// A model's versions, newest first.
    func versions(of model: String) throws -> [ModelVersion]
    /// One version.
    func version(model: String, version: Int) throws -> ModelVersion
    /// The version `alias` points at (`latest`: the newest ready version).
    func resolve(model: String, alias: String) throws -> ModelVersion
    /// The history of a model's aliases (one alias, or all), oldest first.
    func aliasHistory(model: String, alias: String?) throws -> [AliasMove]

    // MARK: Audit

    /// Appends an event that is not a change of the store (a model loaded for serving).
    func recordEvent(_ kind: AuditEventKind, model: String?, runID: String?, details: [String: String]) throws
    /// The audit trail (of one model, or all), oldest first; the newest `limit` if given.
    func auditEvents(model: String?, limit: Int?) throws -> [AuditEvent]
    /// Checks every row's chain link, hash and (with `publicKey`, base64) signature.
    func verifyAudit(publicKey: String?) throws -> AuditVerification

    // MARK: API keys

    /// Makes a key named `name` with `role`; returns it and the secret, which is shown once
    /// and stored only as its SHA-256.
    func createAPIKey(name: String, role: APIKeyRole) throws -> (key: APIKey, secret: String)
    /// Every key, revoked ones included.
    func apiKeys() throws -> [APIKey]
    /// Revokes the key named `name`.
    func revokeAPIKey(name: String, reason: String) throws
    /// The active key whose secret is `secret`, or nil.
    func authenticate(secret: String) throws -> APIKey?

    // MARK: Prediction log and feedback
    //
    // Data at high volume, not changes of the store: neither is an audit event.

    /// Appends what the model server answered, the whole batch in one transaction.
    ///
    /// A record whose request id is already in the log (or earlier in the batch) is
    /// skipped, not an error: the first record of a request stands. The rest of the batch
    /// is written all the same.
    ///
    /// - Returns: How many records were written; `records.count` minus the result were
    ///   duplicates.
    /// - Throws: `StoreError` naming the request when a record is invalid (see
    ///   `PredictionRecord.validate()`, which a caller can run on each record before
    ///   queueing it); then nothing of the batch is written.
    @discardableResult
    func appendPredictions(_ records: [PredictionRecord]) throws -> Int
    /// Records ground-truth labels, all or none in one transaction. A label for a row that
    /// already has one replaces it (a correction), and the receipt counts those.
    ///
    /// - Parameter recordedBy: Who supplied the labels (an API key's name); nil: `actor`.
    /// - Throws: `StoreError`, and nothing is written, when a request id is not in the
    ///   prediction log (the error names it), a row is outside `0..<rowCount` of its
    ///   request (naming both), or a label is empty.
    @discardableResult
    func recordFeedback(_ labels: [FeedbackLabel], recordedBy: String?) throws -> FeedbackReceipt
    /// Logged requests matching `query`, newest first.
    func predictionLog(_ query: PredictionLogQuery) throws -> [PredictionRecord]
    /// Logged requests matching `query`, newest first, each with the labels of its rows:
    /// the (inputs, outputs, label) a performance monitor compares.
    func labelledPredictions(_ query: PredictionLogQuery) throws -> [LabelledPrediction]
    /// The labels of one logged request, by row.
    ///
    /// - Throws: `StoreError` when the request id is not in the prediction log.
    func feedback(requestID: String) throws -> [RecordedFeedback]

    // MARK: Webhooks

    /// Adds a webhook for `events`, signed with `secret`.
    func addWebhook(url: String, events: [String], secret: String) throws -> Webhook
    /// The webhooks, removed ones included.
    func webhooks() throws -> [Webhook]
    /// Stops a webhook (its deliveries stay recorded).
    func removeWebhook(id: Int) throws
    /// Deliveries due now.
    func dueDeliveries() throws -> [PendingDelivery]
    /// Records an attempt: delivered, or to retry at `retryAt` (nil: give up).
    func recordDeliveryAttempt(id: Int, delivered: Bool, statusCode: Int?, error: String?, retryAt: String?) throws
    /// The newest deliveries.
    func deliveries(limit: Int) throws -> [WebhookDeliveryRecord]
}

extension Store {
    /// Records ground-truth labels as `actor`; see `recordFeedback(_:recordedBy:)`.
    @discardableResult
    public func recordFeedback(_ labels: [FeedbackLabel]) throws -> FeedbackReceipt {
        try recordFeedback(labels, recordedBy: nil)
    }
}
