import ApusExplain
import ApusModel
import ApusTable
import ApusTrain

/// Reference rows (approved applicants, say) encoded for one model, ready to explain
/// against at serving time: a sample for the ``ApusExplain/ReasonReference/background(_:)``
/// reference and the candidates, with their predictions, for
/// ``ApusExplain/ReasonReference/threshold(_:background:)``.
///
/// Both are chosen by ``ExplanationBackground/sample(rows:count:seed:)``: every row when
/// there are at most that many, else a seeded sample without replacement in the table's
/// order, so the same table and seed always give the same rows.
public struct ExplanationBackground: Sendable {
    /// The most rows kept as threshold candidates.
    public static let maxCandidates = 10_000
    /// Features per row (the model's).
    public let featureCount: Int
    /// At most the requested number of rows (`rows × featureCount`, row-major, encoded as
    /// ``ApusModel/FeatureSchema`` encodes them): the `background` reference's rows.
    public let sample: [Double]
    /// At most ``maxCandidates`` rows: those the `threshold` reference picks the rows
    /// nearest the threshold from.
    public let candidates: [Double]
    /// The candidates' predictions (`rows × scoresPerRow`, the link applied), computed once.
    public let candidatePredictions: [Double]
    /// Interventional TreeSHAP prepared over ``sample``, for the `background` reference.
    public let interventional: InterventionalTreeSHAP

    /// Rows in ``sample``.
    public var sampleRowCount: Int { featureCount > 0 ? sample.count / featureCount : 0 }
    /// Rows in ``candidates``.
    public var candidateRowCount: Int { featureCount > 0 ? candidates.count / featureCount : 0 }

    /// `table`'s rows as `model` reads them; columns the model does not read are ignored.
    ///
    /// - Parameters:
    ///   - sampleRows: The most rows of ``sample``. Must be at least 1.
    ///   - seed: The seed of both samples.
    ///   - what: The table's name in errors (`` `approved.csv` ``).
    /// - Throws: ``ServiceError`` naming a feature the table has no column for, a value a
    ///   feature cannot take, an empty table, or a sample size below 1.
    public init(model: Model, table: Table, sampleRows: Int, seed: UInt64 = 0, what: String = "the background") throws(ServiceError) {
        guard sampleRows >= 1 else { throw ServiceError("the background sample needs at least 1 row, not \(sampleRows)") }
        guard table.rowCount > 0 else { throw ServiceError("\(what) has no rows") }
        let kept: Table
        do { kept = try Self.candidateRows(of: table, seed: seed) } catch { throw ServiceError("\(what): \(error)") }
        let width = model.schema.count
        do throws(ModelError) {
            candidates = try model.schema.encode(table: kept, threads: 1)
        } catch .missingFeature(let name, let suggestion) {
            let hint = suggestion.map { " (did you mean `\($0)`?)" } ?? ""
            throw ServiceError("\(what) has no column `\(name)`, a feature the model reads\(hint)")
        } catch {
            throw ServiceError("\(what): \(error)")
        }
        do { candidatePredictions = try model.ensemble.predict(features: candidates, threads: 1) } catch {
            throw ServiceError("\(what): \(error)")
        }
        featureCount = width
        let rows = Self.sample(rows: kept.rowCount, count: sampleRows, seed: seed)
        var sample: [Double] = []
        sample.reserveCapacity(rows.count * width)
        for row in rows { sample += candidates[row * width..<(row + 1) * width] }
        self.sample = sample
        do { interventional = try InterventionalTreeSHAP(model: model, background: sample) } catch {
            throw ServiceError("\(what): \(error)")
        }
    }

    /// At most ``maxCandidates`` rows of `table` (see ``sample(rows:count:seed:)``): a
    /// server keeps these once instead of the whole table.
    public static func candidateRows(of table: Table, seed: UInt64 = 0) throws -> Table {
        guard table.rowCount > maxCandidates else { return table }
        return try table.rows(sample(rows: table.rowCount, count: maxCandidates, seed: seed))
    }

    /// `count` of the row indices `0..<rows`, ascending: all of them when `rows <= count`,
    /// else a seeded sample without replacement (a partial Fisher–Yates shuffle).
    public static func sample(rows: Int, count: Int, seed: UInt64) -> [Int] {
        guard rows > count else { return Array(0..<max(0, rows)) }
        var generator = SeededGenerator(seed: seed)
        var indices = Array(0..<rows)
        for i in 0..<count {
            let j = i + Int(generator.next() % UInt64(rows - i))
            indices.swapAt(i, j)
        }
        return indices[..<count].sorted()
    }
}
