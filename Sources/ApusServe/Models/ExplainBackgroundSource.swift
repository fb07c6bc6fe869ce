import ApusModel
import ApusService
import ApusTable

/// The `--explain-background` rows: read once at start (at most
/// ``ApusService/ExplanationBackground/maxCandidates`` of them are kept, a seeded sample
/// when the file has more) and encoded by each served model when it is loaded.
public struct ExplainBackgroundSource: Sendable {
    /// The CSV file's path, for messages.
    public let path: String
    /// The rows kept.
    public let table: Table
    /// The most rows of the `background` reference.
    public let sampleRows: Int

    /// Reads the CSV file at `path`.
    ///
    /// - Throws: ``ServeConfigurationError`` naming the file when it cannot be read or has
    ///   no rows.
    public init(path: String, sampleRows: Int) throws(ServeConfigurationError) {
        let table: Table
        do {
            table = try ExplanationBackground.candidateRows(of: try CSVReader.read(path: path).table)
        } catch {
            // The reader's errors name the file.
            throw ServeConfigurationError(message: "--explain-background cannot be read: \(error)")
        }
        guard table.rowCount > 0 else {
            throw ServeConfigurationError(message: "--explain-background `\(path)` has no rows")
        }
        self.path = path
        self.table = table
        self.sampleRows = sampleRows
    }

    /// The rows encoded for `model`, or why they cannot be (a feature the file lacks).
    func prepare(for model: Model) -> ServedBackground {
        do {
            return .ready(try ExplanationBackground(model: model, table: table, sampleRows: sampleRows,
                                                    what: "--explain-background `\(path)`"))
        } catch {
            return .unusable(error.description)
        }
    }
}

/// A served model's explanation background.
enum ServedBackground: Sendable {
    /// Encoded and ready.
    case ready(ExplanationBackground)
    /// Why the model cannot use the file (it lacks a column the model reads).
    case unusable(String)
}
