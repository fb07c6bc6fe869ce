#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A realistic synthetic table for demos, the quickstart and tests.
///
/// Every column of every scenario is documented in `docs/datasets.md`. The target is always
/// the last column.
public enum SyntheticScenario: String, CaseIterable, Sendable {
    /// Loan applications and whether the loan defaulted (binary, about 14% positives).
    case credit
    /// Card transactions and whether they were fraudulent (binary, about 1.8% positives).
    case fraud
    /// Subscription customers and whether they left (binary, about 22% positives).
    case churn
    /// Daily units sold per store and item category (Poisson counts).
    case demand

    /// The target column's name.
    public var targetColumn: String {
        switch self {
        case .credit: "default"
        case .fraud: "is_fraud"
        case .churn: "churned"
        case .demand: "units_sold"
        }
    }

    /// One line saying what it models.
    public var summary: String {
        switch self {
        case .credit: "loan applications; predict whether the borrower defaults (binary `default`)"
        case .fraud: "card transactions; predict fraud, about 1.8% positives (binary `is_fraud`)"
        case .churn: "subscription customers; predict who cancels (binary `churned`)"
        case .demand: "daily sales per store and item category; predict the count `units_sold`"
        }
    }

    /// The column names in file order, target last.
    var columnNames: [String] {
        switch self {
        case .credit: CreditScenario.columnNames
        case .fraud: FraudScenario.columnNames
        case .churn: ChurnScenario.columnNames
        case .demand: DemandScenario.columnNames
        }
    }
}

/// An error from writing a synthetic table.
public enum SyntheticDataError: Error, Equatable, CustomStringConvertible {
    /// The requested row count is below 1.
    case invalidRowCount(Int)
    /// The output file could not be created.
    case cannotOpen(path: String, reason: String)
    /// Writing to or closing the output file failed.
    case writeFailed(path: String, reason: String)

    public var description: String {
        switch self {
        case .invalidRowCount(let rows):
            "the row count (`--rows`) must be at least 1, got \(formatCount(rows))"
        case .cannotOpen(let path, let reason):
            "cannot create `\(path)`: \(reason)"
        case .writeFailed(let path, let reason):
            "writing `\(path)` failed: \(reason)"
        }
    }
}

/// Writes synthetic scenarios as CSV, deterministically from a seed.
///
/// Rows are drawn one at a time from one `SeededRandom` stream, so the same scenario, row
/// count and seed give the same bytes on every run, and the first rows of a longer table
/// are the rows of a shorter one.
public enum SyntheticData {
    /// Bytes of output buffered before each write to the file.
    static let chunkBytes = 1 << 20

    /// Writes `rows` rows of `scenario` drawn with `seed` to `path` as CSV (header first, '\n' line ends).
    /// `progress`, if given, is called now and then with the number of rows written so far.
    ///
    /// - Throws: `SyntheticDataError` when `rows` is below 1 or the file cannot be written;
    ///   a partly written file is removed.
    public static func write(
        _ scenario: SyntheticScenario, rows: Int, seed: UInt64, to path: String,
        progress: ((Int) -> Void)? = nil
    ) throws {
        guard rows >= 1 else { throw SyntheticDataError.invalidRowCount(rows) }
        guard let file = fopen(path, "wb") else {
            throw SyntheticDataError.cannotOpen(path: path, reason: systemReason(errno))
        }
        do {
            try generate(scenario, rows: rows, seed: seed) { bytes, rowsSoFar in
                let written = bytes.withUnsafeBufferPointer { fwrite($0.baseAddress, 1, $0.count, file) }
                guard written == bytes.count else {
                    throw SyntheticDataError.writeFailed(path: path, reason: systemReason(errno))
                }
                progress?(rowsSoFar)
            }
        } catch {
            fclose(file)
            remove(path)
            throw error
        }
        guard fclose(file) == 0 else {
            let reason = systemReason(errno)
            remove(path)
            throw SyntheticDataError.writeFailed(path: path, reason: reason)
        }
    }

    /// The same bytes as `write` would produce, in memory (for tests and small tables).
    ///
    /// A `rows` below 1 gives the header line alone.
    public static func csv(_ scenario: SyntheticScenario, rows: Int, seed: UInt64) -> String {
        var all: [UInt8] = []
        generate(scenario, rows: max(rows, 0), seed: seed) { bytes, _ in all.append(contentsOf: bytes) }
        return String(decoding: all, as: UTF8.self)
    }

    /// Draws the rows of `scenario` and hands the CSV bytes to `emit` in chunks of about
    /// `chunkBytes`, each with the number of rows emitted so far.
    static func generate(
        _ scenario: SyntheticScenario, rows: Int, seed: UInt64,
        emit: ([UInt8], Int) throws -> Void
    ) rethrows {
        switch scenario {
        case .credit: try generate(CreditScenario.self, rows: rows, seed: seed, emit: emit)
        case .fraud: try generate(FraudScenario.self, rows: rows, seed: seed, emit: emit)
        case .churn: try generate(ChurnScenario.self, rows: rows, seed: seed, emit: emit)
        case .demand: try generate(DemandScenario.self, rows: rows, seed: seed, emit: emit)
        }
    }

    /// The generic loop: specialised per scenario, so no dispatch happens per row.
    static func generate<Generator: SyntheticRowGenerator>(
        _: Generator.Type, rows: Int, seed: UInt64, emit: ([UInt8], Int) throws -> Void
    ) rethrows {
        var generator = Generator(seed: seed)
        var buffer = SyntheticRowBuffer(capacity: chunkBytes + 4096)
        buffer.header(Generator.columnNames)
        for row in 0..<rows {
            generator.appendRow(to: &buffer)
            if buffer.bytes.count >= chunkBytes {
                try emit(buffer.bytes, row + 1)
                buffer.bytes.removeAll(keepingCapacity: true)
            }
        }
        try emit(buffer.bytes, rows)
    }

    private static func systemReason(_ code: Int32) -> String {
        guard let text = strerror(code) else { return "error \(code)" }
        return String(cString: text)
    }
}

/// Draws the rows of one scenario, one at a time, from its own seeded stream.
protocol SyntheticRowGenerator {
    /// The column names in file order, target last.
    static var columnNames: [String] { get }
    /// A generator whose rows are fixed by `seed`.
    init(seed: UInt64)
    /// Draws the next row and appends it, with its line end, to `row`.
    mutating func appendRow(to row: inout SyntheticRowBuffer)
}
