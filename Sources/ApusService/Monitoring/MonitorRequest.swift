import ApusMonitor
import ApusTable

/// What `apus monitor` (and the server's monitor route) is asked to compare.
public struct MonitorRequest: Sendable {
    /// The model: a file, `NAME@ALIAS` or `NAME/VERSION`.
    public var model: String
    /// A CSV file of reference rows; nil: the profile stored with the model version.
    public var referencePath: String?
    /// A CSV file of current rows; nil: the prediction log since `since`.
    public var currentPath: String?
    /// The window of the prediction log to read (ISO 8601 times), when `currentPath` is nil.
    public var since: String?
    public var until: String?
    /// A column of true outcomes in the current data (performance, fairness); nil: none, or the
    /// feedback joined to the prediction log.
    public var labels: String?
    /// A column naming each row's group for the fairness table (need not be a model feature).
    public var sensitive: String?
    /// The probability at or above which a binary prediction counts as positive (fairness, CBPE).
    public var decisionThreshold = 0.5
    /// The drift settings.
    public var drift = DriftOptions()
    /// The domain classifier's settings; nil turns it off.
    public var domainClassifier: DomainClassifierOptions? = DomainClassifierOptions()
    /// How the CSV files are read.
    public var readOptions = CSVReadOptions()
    /// Threads (0: one per processor).
    public var threads = 0

    /// A request to monitor `model`; see the properties for the rest.
    public init(model: String) { self.model = model }
}
