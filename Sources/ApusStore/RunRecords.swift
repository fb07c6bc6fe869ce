/// Where a run stands. A run that is not `running` never changes again.
public enum RunStatus: String, Sendable, Codable, CaseIterable {
    /// Started and not yet ended (or its process died and nobody has looked since).
    case running
    /// Ended normally; its metrics and artifacts are complete.
    case finished
    /// Ended by an error, which its status message names.
    case failed
    /// Ended by a signal (Ctrl-C, `kill`, `kill -9`) before it finished.
    case killed
}

/// A data set a run read, as MLflow's `log-inputs` records it.
public struct RunInput: Sendable, Codable, Equatable {
    /// What the run used it for: `training`, `validation`, `holdout`.
    public var role: String
    /// The file it was read from, as given.
    public var path: String
    /// The dataset fingerprint (SHA-256 of the file's bytes and its schema).
    public var fingerprint: String
    /// Rows read.
    public var rows: Int
    /// The columns and their kinds, as JSON.
    public var schema: String

    /// An input with every field given.
    public init(role: String, path: String, fingerprint: String, rows: Int, schema: String) {
        self.role = role
        self.path = path
        self.fingerprint = fingerprint
        self.rows = rows
        self.schema = schema
    }
}

/// What a run cost.
public struct RunCost: Sendable, Codable, Equatable {
    /// CPU seconds (user and system) of every thread of the process.
    public var cpuSeconds: Double
    /// Wall-clock seconds from start to end.
    public var wallSeconds: Double
    /// The process's peak resident memory, in bytes.
    public var peakMemoryBytes: Int64
    /// Estimated energy, in joules.
    public var energyJoules: Double
    /// How the energy was found: `rapl` (measured by the CPU's energy counters) or
    /// `estimate` (CPU seconds × a fixed power per core; see docs/store.md).
    public var energyMethod: String

    /// A cost with every field given.
    public init(cpuSeconds: Double, wallSeconds: Double, peakMemoryBytes: Int64, energyJoules: Double, energyMethod: String) {
        self.cpuSeconds = cpuSeconds
        self.wallSeconds = wallSeconds
        self.peakMemoryBytes = peakMemoryBytes
        self.energyJoules = energyJoules
        self.energyMethod = energyMethod
    }
}

/// One value of a metric; `step` orders a curve (the boosting round), 0 for a final value.
public struct MetricPoint: Sendable, Codable, Equatable {
    /// The metric's name (`auc`, `valid_binary_logloss`).
    public var key: String
    /// Its value (NaN is kept: a metric that could not be computed).
    public var value: Double
    /// The step: a boosting round, a fold, or 0.
    public var step: Int

    /// A value of `key` at `step`.
    public init(key: String, value: Double, step: Int = 0) {
        self.key = key
        self.value = value
        self.step = step
    }
}

/// The process and code behind a run.
public struct RunOrigin: Sendable, Codable, Equatable {
    /// Who started it (`APUS_USER`, else the operating system's user).
    public var user: String
    /// The machine's host name.
    public var host: String
    /// The process id, to tell a run whose process died from one still going.
    public var pid: Int
    /// When that process started (from /proc), so a reused pid is not mistaken for it.
    public var processStart: String
    /// The Apus version that ran it.
    public var apusVersion: String
    /// The git commit of the working directory, with `-dirty` when it had changes; nil
    /// outside a git repository.
    public var gitCommit: String?

    /// An origin with every field given.
    public init(user: String, host: String, pid: Int, processStart: String, apusVersion: String, gitCommit: String?) {
        self.user = user
        self.host = host
        self.pid = pid
        self.processStart = processStart
        self.apusVersion = apusVersion
        self.gitCommit = gitCommit
    }
}

/// What is known when a run starts.
public struct RunStart: Sendable {
    /// The experiment it belongs to (the model's name, or `default`).
    public var experiment: String
    /// What the run does: `train`, `cv`.
    public var kind: String
    /// Every parameter, defaults included.
    public var parameters: [String: String]
    /// Free-form tags.
    public var tags: [String: String]
    /// The data it reads.
    public var inputs: [RunInput]
    /// The random seed.
    public var seed: Int?
    /// The process and code.
    public var origin: RunOrigin

    /// A run of `kind` in `experiment`.
    public init(experiment: String, kind: String, parameters: [String: String] = [:], tags: [String: String] = [:],
                inputs: [RunInput] = [], seed: Int? = nil, origin: RunOrigin) {
        self.experiment = experiment
        self.kind = kind
        self.parameters = parameters
        self.tags = tags
        self.inputs = inputs
        self.seed = seed
        self.origin = origin
    }
}

/// A recorded run.
public struct RunRecord: Sendable, Codable, Equatable {
    /// 32 hexadecimal digits; any unique prefix of 6 or more finds it.
    public var id: String
    /// Its experiment.
    public var experiment: String
    /// `train`, `cv`.
    public var kind: String
    /// Where it stands.
    public var status: RunStatus
    /// Why it failed or was killed.
    public var statusMessage: String?
    /// When it started and ended (ISO-8601 UTC).
    public var startTime: String
    /// When it ended; nil while running.
    public var endTime: String?
    /// The process and code.
    public var origin: RunOrigin
    /// The random seed.
    public var seed: Int?
    /// What it cost; nil until it ends (and for a run killed by `kill -9`).
    public var cost: RunCost?
    /// Every parameter (empty in listings, which leave them out).
    public var parameters: [String: String]
    /// Each metric's value at its last step.
    public var metrics: [String: Double]
    /// Tags.
    public var tags: [String: String]
    /// The data it read (empty in listings).
    public var inputs: [RunInput]
    /// Its artifacts: name → SHA-256 (empty in listings).
    public var artifacts: [String: String]
}

/// Which runs `runs(_:)` lists: an MLflow-style filter, an order and a page.
public struct RunQuery: Sendable {
    /// Only this experiment.
    public var experiment: String?
    /// Conditions, all of which must hold (see `RunFilter`).
    public var filter: RunFilter
    /// Sort key: `start_time` (default, newest first), or `metrics.NAME` / `params.NAME`.
    public var orderBy: String?
    /// Ascending instead of the default descending.
    public var ascending: Bool
    /// At most this many (the newest first by default).
    public var limit: Int
    /// Leave out this many first.
    public var offset: Int

    /// The newest `limit` runs.
    public init(experiment: String? = nil, filter: RunFilter = RunFilter(), orderBy: String? = nil,
                ascending: Bool = false, limit: Int = 50, offset: Int = 0) {
        self.experiment = experiment
        self.filter = filter
        self.orderBy = orderBy
        self.ascending = ascending
        self.limit = limit
        self.offset = offset
    }
}
