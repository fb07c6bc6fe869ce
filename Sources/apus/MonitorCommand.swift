import ApusMonitor
import ApusService
import ArgumentParser
import Foundation

extension DriftTest: ExpressibleByArgument {}
extension DriftPolicy: ExpressibleByArgument {}
extension DriftCorrection: ExpressibleByArgument {}

/// `apus monitor`: drift, data quality, performance and fairness of a model's current data
/// against its reference, as an HTML page or JSON; exit status 3 on drift.
struct Monitor: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Compare a model's current data with its reference: drift, data quality, performance, fairness.",
        discussion: """
        Every model feature gets its drift statistics (PSI, Kolmogorov–Smirnov, Wasserstein, Jensen–Shannon, \
        chi-square and Cramér's V where they apply) and a verdict from the test --policy chooses by type and size \
        (apus: exact tests at every size with Bonferroni-corrected p-values; evidently: Evidently's DataDriftPreset \
        choice); the model's predictions are compared too, and a domain classifier (a small GBDT told to separate \
        the two samples) looks for drift no single feature shows. Writes a self-contained HTML page (--out \
        report.html) or JSON (--json, or --out report.json). Exits with status 3 when the share of drifted \
        features reaches --drift-share, the predictions drift, or the domain classifier separates the samples, so \
        a cron job or CI can act.
        """
    )

    @Argument(help: "The model: a file (.apus), NAME@ALIAS (credit-risk@champion) or NAME/VERSION (credit-risk/3).")
    var model: String

    @Option(help: "A CSV file of reference rows (default: the profile stored with the model's training run).")
    var reference: String?

    @Option(help: "A CSV file of current rows (default: the model version's prediction log since --since).")
    var current: String?

    @Option(help: "The start of the prediction-log window: a duration before now (90m, 24h, 7d) or an ISO 8601 UTC time.")
    var since: String?

    @Option(help: "The end of the prediction-log window (default: now).")
    var until: String?

    @Option(help: "A column of true outcomes in the current data (default with the prediction log: the feedback labels).")
    var labels: String?

    @Option(help: "A column naming each row's group, for the fairness table (need not be a model feature).")
    var sensitive: String?

    @Option(help: "The probability at or above which a binary prediction counts as positive (fairness, estimated performance).")
    var decisionThreshold: Double = 0.5

    @Option(help: "Where to write the report: .html for the page, .json for JSON; standard output if not given.")
    var out: String?

    @Flag(help: "Write JSON instead of HTML.")
    var json = false

    @Option(help: "apus or evidently: how each feature's test is chosen.")
    var policy: DriftPolicy = .apus

    @Option(help: "Force one test on every feature: ks, chisquare, z, wasserstein, jensenshannon or psi.")
    var test: DriftTest?

    @Option(help: "The significance level of the tests.")
    var alpha: Double = 0.05

    @Option(help: "bonferroni or none (default: bonferroni; none under --policy evidently).")
    var correction: DriftCorrection?

    @Option(help: "PSI at or above this is drift when PSI decides, and starts the moderate band.")
    var psiThreshold: Double = 0.1

    @Option(help: "The normed Wasserstein distance at or above which a feature drifted.")
    var wassersteinThreshold: Double = 0.1

    @Option(help: "The Jensen–Shannon distance at or above which a feature drifted.")
    var jsThreshold: Double = 0.1

    @Option(help: "The share of drifted features at or above which the data set drifted.")
    var driftShare: Double = 0.5

    @Flag(help: "Skip the domain classifier.")
    var noDomainClassifier = false

    @Option(help: "Rows sampled from each side for the domain classifier.")
    var domainRows: Int = DomainClassifierOptions().rowsPerSide

    @OptionGroup(title: "Reading the CSV files") var csv: CSVOptions

    func validate() throws {
        guard domainRows >= 20 else { throw ValidationError("--domain-rows must be at least 20, not \(domainRows)") }
        guard current == nil || (since == nil && until == nil) else {
            throw ValidationError("--since and --until read the prediction log; leave them out with --current FILE")
        }
        guard decisionThreshold > 0 && decisionThreshold < 1 else {
            throw ValidationError("--decision-threshold must be between 0 and 1, not \(decisionThreshold)")
        }
    }

    func run() throws {
        var request = MonitorRequest(model: model)
        request.referencePath = reference
        request.currentPath = current
        request.since = since
        request.until = until
        request.labels = labels
        request.sensitive = sensitive
        request.decisionThreshold = decisionThreshold
        request.readOptions = try csv.readOptions()
        request.threads = csv.threads ?? 0
        request.drift.policy = policy
        request.drift.test = test
        request.drift.alpha = alpha
        request.drift.correction = correction ?? (policy == .evidently ? .none : .bonferroni)
        request.drift.psiThreshold = psiThreshold
        request.drift.psiSignificant = max(request.drift.psiSignificant, psiThreshold)
        request.drift.wassersteinThreshold = wassersteinThreshold
        request.drift.jensenShannonThreshold = jsThreshold
        request.drift.driftShare = driftShare
        if noDomainClassifier {
            request.domainClassifier = nil
        } else {
            request.domainClassifier?.rowsPerSide = domainRows
        }
        let outcome = try ModelMonitoring.run(request) { try openStore(existing: true) }
        let asJSON = json || (out?.lowercased().hasSuffix(".json") ?? false)
        let text = asJSON ? outcome.report.prettyText + "\n" : MonitorHTML.render(outcome.report)
        if let out {
            try Data(text.utf8).write(to: URL(fileURLWithPath: out))
            let verdict = outcome.alert ? "drift: " + outcome.alertReasons.joined(separator: "; ") : "no drift"
            print("wrote the monitoring report to \(out) (\(verdict))")
        } else {
            print(text, terminator: "")
        }
        if outcome.alert { throw ExitCode(3) }
    }
}
