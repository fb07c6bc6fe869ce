import ArgumentParser
import ApusService
import ApusTable
import Foundation

/// `apus quickstart`: Apus's main job on the embedded demo data.
struct Quickstart: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Generate the demo credit data set and inspect it: the first five minutes with Apus."
    )

    @Option(help: "Folder for the demo files.")
    var directory = "apus-quickstart"

    @Option(help: "Rows of demo data.")
    var rows = 50_000

    @Option(help: "Random seed of the demo data.")
    var seed: UInt64 = 42

    func validate() throws {
        guard rows >= 10 else { throw ValidationError("--rows must be at least 10, got \(rows)") }
    }

    func run() throws {
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        let path = (directory as NSString).appendingPathComponent("credit.csv")
        print("1. Generating \(formatCount(rows)) loan applications (the `credit` scenario, seed \(seed))")
        let progress = ProgressBar("   generating", unit: "rows")
        try SyntheticData.write(.credit, rows: rows, seed: seed, to: path) { progress.update($0, of: rows) }
        progress.finish()
        print("   wrote \(path)\n")

        print("2. Reading it back: kinds inferred, statistics per column\n")
        let inspection = try DataInspection.inspect(path: path, fingerprint: true)
        print(inspection.renderText())

        let target = SyntheticScenario.credit.targetColumn
        if let stats = inspection.profile[target], let mean = stats.mean {
            print("The target `\(target)` is 1 for \(NumberFormatting.formatFixed(mean * 100, decimals: 1))% of applications.")
        }
        print("""

        Next:
          apus data inspect \(path) --json          the same as JSON, with a reusable schema
          apus data inspect \(path) --stream        bounded memory, for files larger than RAM
          apus data generate fraud --rows 100000 --out fraud.csv
          apus --help
        """)
    }
}
