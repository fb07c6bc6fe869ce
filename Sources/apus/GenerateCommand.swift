import ArgumentParser
import ApusTable

extension SyntheticScenario: ExpressibleByArgument {}

/// `apus data generate credit|fraud|churn|demand`: realistic synthetic data sets.
struct Generate: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Write a realistic synthetic data set (byte-identical for the same seed).",
        discussion: SyntheticScenario.allCases.map { "\($0.rawValue): \($0.summary)" }.joined(separator: "\n")
            + "\nColumns are documented in docs/datasets.md."
    )

    @Argument(help: "The scenario: \(SyntheticScenario.allCases.map(\.rawValue).joined(separator: ", ")).")
    var scenario: SyntheticScenario

    @Option(help: "Number of rows.")
    var rows = 10_000

    @Option(help: "Random seed; the same seed gives the same bytes.")
    var seed: UInt64 = 42

    @Option(help: "The CSV file to write.")
    var out: String

    func validate() throws {
        guard rows >= 1 else { throw ValidationError("--rows must be at least 1, got \(rows)") }
    }

    func run() throws {
        let progress = ProgressBar("generating \(scenario.rawValue)", unit: "rows")
        try SyntheticData.write(scenario, rows: rows, seed: seed, to: out) { written in progress.update(written, of: rows) }
        progress.finish()
        print("wrote \(formatCount(rows)) rows of \(scenario.rawValue) data to \(out) (target column: `\(scenario.targetColumn)`)")
    }
}
