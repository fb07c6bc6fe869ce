import ArgumentParser
import ApusService
import ApusTable
import Foundation

/// `apus data inspect FILE.csv`: the inferred schema and per-column statistics.
struct Inspect: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Show a CSV file's inferred schema and per-column statistics.",
        discussion: """
        Prints one line per column: kind, missing values, mean, spread, range, distinct values \
        and the most common levels. `--json` prints the same as one JSON object whose `schema` \
        member is a valid schema file for `--schema`.
        """
    )

    @Argument(help: "The CSV file.")
    var file: String

    @OptionGroup var csv: CSVOptions

    @Flag(help: "Print JSON instead of a table.")
    var json = false

    @Flag(help: "Read in batches with bounded memory, for files larger than memory (quantiles are then estimates).")
    var stream = false

    @Flag(help: "Also compute the data set's SHA-256 fingerprint.")
    var fingerprint = false

    func run() throws {
        var options = try csv.readOptions()
        let progress = ProgressBar("reading", unit: "MB", scale: 1e6)
        options.progress = { done, total in progress.update(done, of: total) }
        defer { progress.finish() }
        let inspection = try DataInspection.inspect(path: file, options: options, streaming: stream, fingerprint: fingerprint)
        progress.finish()
        if json {
            print(String(decoding: try inspection.jsonData(), as: UTF8.self))
        } else {
            print(inspection.renderText(), terminator: "")
        }
    }
}
