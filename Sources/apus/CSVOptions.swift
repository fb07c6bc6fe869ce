import ArgumentParser
import ApusTable
import Foundation

/// The options that say how to read a CSV file, shared by every command that reads one.
struct CSVOptions: ParsableArguments {
    @Option(help: "Field separator: , ; tab | or any single character (default: detected).")
    var delimiter: String?

    @Option(help: ArgumentHelp("A JSON schema file forcing column kinds.",
                               discussion: "Shape: {\"columns\": [{\"name\": \"income\", \"kind\": \"numeric\"}]}; kinds: numeric, categorical, boolean, text, timestamp."))
    var schema: String?

    @Flag(help: "The first row is data, not column names.")
    var noHeader = false

    @Option(help: "Rows with too many or too few fields: error, pad or skip.")
    var ragged: CSVReadOptions.RaggedRows = .error

    @Option(parsing: .upToNextOption, help: "Values read as missing (default: empty NA N/A n/a NaN nan null NULL None #N/A).")
    var missing: [String] = []

    @Option(help: "Parsing threads (default: all cores).")
    var threads: Int?

    /// The reader options these flags describe.
    func readOptions() throws -> CSVReadOptions {
        var options = CSVReadOptions()
        if let delimiter {
            let bytes = delimiter == "tab" || delimiter == "\\t" ? [UInt8(9)] : Array(delimiter.utf8)
            guard bytes.count == 1 else { throw ValidationError("--delimiter must be one character, got `\(delimiter)`") }
            options.delimiter = bytes[0]
        }
        if let schema { options.schema = try Self.loadSchema(schema) }
        options.hasHeader = !noHeader
        options.raggedRows = ragged
        if !missing.isEmpty { options.missingTokens = Set(missing) }
        if let threads {
            guard threads >= 1 else { throw ValidationError("--threads must be at least 1") }
            options.threads = threads
        }
        return options
    }

    static func loadSchema(_ path: String) throws -> Schema {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw CLIError("cannot read the schema file `\(path)`")
        }
        do {
            return try JSONDecoder().decode(Schema.self, from: data)
        } catch let DecodingError.dataCorrupted(context) {
            throw CLIError("\(path): not valid JSON (\(context.debugDescription))")
        } catch let DecodingError.keyNotFound(key, context) {
            throw CLIError("\(path): `\(key.stringValue)` is missing at \(Self.place(context.codingPath))")
        } catch let DecodingError.typeMismatch(_, context) {
            throw CLIError("\(path): wrong type at \(Self.place(context.codingPath)): \(context.debugDescription)")
        } catch {
            throw CLIError("\(path): \(error)")
        }
    }

    private static func place(_ path: [any CodingKey]) -> String {
        path.isEmpty ? "the top level" : path.map { $0.intValue.map { "[\($0)]" } ?? ".\($0.stringValue)" }.joined()
    }
}

extension CSVReadOptions.RaggedRows: ExpressibleByArgument {}

/// An error with a message for the person at the terminal.
struct CLIError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}
