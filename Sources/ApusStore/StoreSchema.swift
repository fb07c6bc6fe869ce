/// The store's tables, as numbered migrations. A store records each migration it has run in
/// `schema_migrations`; opening a store runs the ones it lacks, in order, in one
/// transaction, and refuses a store whose newest migration is newer than this code knows.
///
/// Migrations are only ever added: a released one is never edited.
public enum StoreSchema {
    /// One step of the schema.
    public struct Migration: Sendable {
        /// Its number (1, 2, ...).
        public let version: Int
        /// What it does.
        public let summary: String
        /// Statements for both dialects.
        public let statements: [String]
        /// Statements for one dialect only (append-only triggers).
        public let dialectStatements: [SQLDialect: [String]]

        /// The statements of this migration for `dialect`, rendered.
        public func sql(for dialect: SQLDialect) -> [String] {
            (statements + (dialectStatements[dialect] ?? [])).map(dialect.render)
        }
    }

    /// The newest schema version this code writes.
    public static var currentVersion: Int { migrations.last!.version }

    /// Every migration, oldest first.
    public static let migrations: [Migration] = [
        Migration(
            version: 1,
            summary: "runs, metrics, artifacts, registry, aliases, audit trail, webhooks",
            statements: [
                """
                CREATE TABLE store_info (key TEXT PRIMARY KEY, value TEXT NOT NULL)
                """,
                """
                CREATE TABLE runs (
                    seq {serial},
                    id TEXT NOT NULL UNIQUE,
                    experiment TEXT NOT NULL,
                    kind TEXT NOT NULL,
                    status TEXT NOT NULL,
                    status_message TEXT,
                    start_time TEXT NOT NULL,
                    end_time TEXT,
                    user_name TEXT NOT NULL,
                    host TEXT NOT NULL,
                    pid BIGINT NOT NULL,
                    process_start TEXT NOT NULL,
                    apus_version TEXT NOT NULL,
                    git_commit TEXT,
                    seed BIGINT,
                    cpu_seconds DOUBLE PRECISION,
                    wall_seconds DOUBLE PRECISION,
                    peak_memory_bytes BIGINT,
                    energy_joules DOUBLE PRECISION,
                    energy_method TEXT
                )
                """,
                "CREATE INDEX runs_experiment ON runs (experiment, seq)",
                "CREATE INDEX runs_status ON runs (status, seq)",
                """
                CREATE TABLE run_params (
                    run_seq BIGINT NOT NULL REFERENCES runs (seq),
                    key TEXT NOT NULL,
                    value TEXT NOT NULL,
                    number DOUBLE PRECISION,
                    PRIMARY KEY (run_seq, key)
                ) {without_rowid}
                """,
                "CREATE INDEX run_params_key ON run_params (key, value)",
                "CREATE INDEX run_params_number ON run_params (key, number)",
                """
                CREATE TABLE run_metrics (
                    run_seq BIGINT NOT NULL REFERENCES runs (seq),
                    key TEXT NOT NULL,
                    step BIGINT NOT NULL,
                    value DOUBLE PRECISION,
                    time TEXT NOT NULL,
                    PRIMARY KEY (run_seq, key, step)
                ) {without_rowid}
                """,
                """
                CREATE TABLE run_latest_metrics (
                    run_seq BIGINT NOT NULL REFERENCES runs (seq),
                    key TEXT NOT NULL,
                    step BIGINT NOT NULL,
                    value DOUBLE PRECISION,
                    PRIMARY KEY (run_seq, key)
                ) {without_rowid}
                """,
                "CREATE INDEX run_latest_metrics_key ON run_latest_metrics (key, value)",
                """
                CREATE TABLE run_tags (
                    run_seq BIGINT NOT NULL REFERENCES runs (seq),
                    key TEXT NOT NULL,
                    value TEXT NOT NULL,
                    PRIMARY KEY (run_seq, key)
                ) {without_rowid}
                """,
                """
                CREATE TABLE run_inputs (
                    run_seq BIGINT NOT NULL REFERENCES runs (seq),
                    role TEXT NOT NULL,
                    path TEXT NOT NULL,
                    fingerprint TEXT NOT NULL,
                    rows BIGINT NOT NULL,
                    schema_json TEXT NOT NULL,
                    PRIMARY KEY (run_seq, role)
                )
                """,
                """
                CREATE TABLE artifacts (
                    sha256 TEXT PRIMARY KEY,
                    size BIGINT NOT NULL,
                    created TEXT NOT NULL
                )
                """,
                """
                CREATE TABLE run_artifacts (
                    run_seq BIGINT NOT NULL REFERENCES runs (seq),
                    name TEXT NOT NULL,
                    sha256 TEXT NOT NULL REFERENCES artifacts (sha256),
                    PRIMARY KEY (run_seq, name)
                )
                """,
                """
                CREATE TABLE registered_models (
                    name TEXT PRIMARY KEY,
                    description TEXT NOT NULL,
                    created TEXT NOT NULL,
                    created_by TEXT NOT NULL,
                    updated TEXT NOT NULL
                )
                """,
                """
                CREATE TABLE model_tags (
                    model TEXT NOT NULL REFERENCES registered_models (name),
                    key TEXT NOT NULL,
                    value TEXT NOT NULL,
                    PRIMARY KEY (model, key)
                )
                """,
                """
                CREATE TABLE model_versions (
                    model TEXT NOT NULL REFERENCES registered_models (name),
                    version BIGINT NOT NULL,
                    run_id TEXT REFERENCES runs (id),
                    artifact_sha256 TEXT NOT NULL REFERENCES artifacts (sha256),
                    status TEXT NOT NULL,
                    created TEXT NOT NULL,
                    created_by TEXT NOT NULL,
                    description TEXT NOT NULL,
                    metrics_json TEXT NOT NULL,
                    schema_json TEXT NOT NULL,
                    lineage_json TEXT NOT NULL,
                    PRIMARY KEY (model, version)
                )
                """,
                """
                CREATE TABLE model_aliases (
                    model TEXT NOT NULL REFERENCES registered_models (name),
                    alias TEXT NOT NULL,
                    version BIGINT NOT NULL,
                    updated TEXT NOT NULL,
                    updated_by TEXT NOT NULL,
                    PRIMARY KEY (model, alias)
                )
                """,
                """
                CREATE TABLE alias_history (
                    seq {serial},
                    model TEXT NOT NULL,
                    alias TEXT NOT NULL,
                    version BIGINT NOT NULL,
                    previous_version BIGINT,
                    action TEXT NOT NULL,
                    time TEXT NOT NULL,
                    actor TEXT NOT NULL,
                    reason TEXT NOT NULL,
                    undone_by BIGINT
                )
                """,
                "CREATE INDEX alias_history_alias ON alias_history (model, alias, seq)",
                """
                CREATE TABLE audit_events (
                    seq BIGINT NOT NULL PRIMARY KEY,
                    time TEXT NOT NULL,
                    actor TEXT NOT NULL,
                    event TEXT NOT NULL,
                    model TEXT,
                    run_id TEXT,
                    details_json TEXT NOT NULL,
                    prev_hash TEXT NOT NULL,
                    hash TEXT NOT NULL,
                    signature TEXT,
                    public_key TEXT
                )
                """,
                "CREATE INDEX audit_events_model ON audit_events (model, seq)",
                """
                CREATE TABLE webhooks (
                    id {serial},
                    url TEXT NOT NULL,
                    events TEXT NOT NULL,
                    secret TEXT NOT NULL,
                    status TEXT NOT NULL,
                    created TEXT NOT NULL,
                    created_by TEXT NOT NULL
                )
                """,
                """
                CREATE TABLE webhook_deliveries (
                    id {serial},
                    webhook_id BIGINT NOT NULL REFERENCES webhooks (id),
                    audit_seq BIGINT NOT NULL,
                    event TEXT NOT NULL,
                    payload TEXT NOT NULL,
                    status TEXT NOT NULL,
                    attempts BIGINT NOT NULL,
                    last_status_code BIGINT,
                    last_error TEXT,
                    next_attempt TEXT,
                    delivered TEXT
                )
                """,
                "CREATE INDEX webhook_deliveries_due ON webhook_deliveries (status, next_attempt)",
            ],
            dialectStatements: [
                // The audit trail is append-only: the database itself refuses to change or
                // remove a row (someone with the file can drop these; `apus audit verify`
                // still finds what they changed).
                .sqlite: [
                    "CREATE TRIGGER audit_events_no_update BEFORE UPDATE ON audit_events BEGIN SELECT RAISE(ABORT, 'the audit trail is append-only'); END",
                    "CREATE TRIGGER audit_events_no_delete BEFORE DELETE ON audit_events BEGIN SELECT RAISE(ABORT, 'the audit trail is append-only'); END",
                ],
                .postgres: [
                    "CREATE FUNCTION audit_events_append_only() RETURNS trigger AS $$ BEGIN RAISE EXCEPTION 'the audit trail is append-only'; END $$ LANGUAGE plpgsql",
                    "CREATE TRIGGER audit_events_no_change BEFORE UPDATE OR DELETE ON audit_events FOR EACH ROW EXECUTE FUNCTION audit_events_append_only()",
                ],
            ]
        ),
        Migration(
            version: 2,
            summary: "API keys for the model server (stored as SHA-256 hashes), with roles",
            statements: [
                """
                CREATE TABLE api_keys (
                    id {serial},
                    name TEXT NOT NULL UNIQUE,
                    prefix TEXT NOT NULL,
                    hash TEXT NOT NULL UNIQUE,
                    role TEXT NOT NULL,
                    status TEXT NOT NULL,
                    created TEXT NOT NULL,
                    created_by TEXT NOT NULL,
                    revoked TEXT
                )
                """,
            ],
            dialectStatements: [:]
        ),
        Migration(
            version: 3,
            summary: "the prediction log of the model server, and ground-truth feedback by request id",
            statements: [
                // One row per request the model server answered, written in batches off the
                // request path. `inputs` is NULL when the request was not sampled. The
                // UNIQUE constraint on request_id is also the index for lookups by request.
                """
                CREATE TABLE prediction_log (
                    id {serial},
                    request_id TEXT NOT NULL UNIQUE,
                    model TEXT NOT NULL,
                    version BIGINT NOT NULL,
                    reference TEXT NOT NULL,
                    route TEXT NOT NULL,
                    logged_at TEXT NOT NULL,
                    latency_us BIGINT NOT NULL,
                    row_count BIGINT NOT NULL,
                    inputs TEXT,
                    outputs TEXT NOT NULL,
                    unseen_levels BIGINT NOT NULL DEFAULT 0
                )
                """,
                "CREATE INDEX prediction_log_model ON prediction_log (model, version, logged_at)",
                "CREATE INDEX prediction_log_time ON prediction_log (logged_at)",
                // Ground truth, one label per row of a logged request; a later label for the
                // same row replaces the earlier one (a correction).
                """
                CREATE TABLE feedback (
                    request_id TEXT NOT NULL REFERENCES prediction_log (request_id),
                    row BIGINT NOT NULL,
                    label TEXT NOT NULL,
                    recorded_at TEXT NOT NULL,
                    recorded_by TEXT NOT NULL,
                    PRIMARY KEY (request_id, row)
                ) {without_rowid}
                """,
            ],
            dialectStatements: [:]
        ),
        Migration(
            version: 4,
            summary: "profiles of the prediction log per model version and hour, merged as the server logs (monitoring)",
            statements: [
                // `profile` is the JSON of ApusMonitor's DataProfile (features and predictions) of
                // the rows logged in the hour starting at `bucket`, on the reference's edges; the
                // store only keeps the text (it has no ML imports).
                """
                CREATE TABLE prediction_profiles (
                    model TEXT NOT NULL,
                    version BIGINT NOT NULL,
                    bucket TEXT NOT NULL,
                    row_count BIGINT NOT NULL,
                    profile TEXT NOT NULL,
                    updated TEXT NOT NULL,
                    PRIMARY KEY (model, version, bucket)
                )
                """,
            ],
            dialectStatements: [:]
        ),
    ]
}
