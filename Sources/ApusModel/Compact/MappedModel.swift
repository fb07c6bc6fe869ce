/// A model in the compact binary format (`docs/formats.md`, "Compact binary"), predicting
/// straight from the file's bytes: a memory-mapped file, or a copy of bytes read any
/// other way.
///
/// Loading checks the file instead of parsing it: one pass over its fixed-layout sections
/// (the checksum, every offset and count, every index, every tree's shape; see
/// `CompactForest.init(checking:)`) that allocates nothing in proportion to the model. A
/// damaged or hostile file is refused with a ``ModelError`` naming the section, field and
/// byte offset, and a file that passes can be predicted from without further checks.
///
/// ```swift
/// let model = try MappedModel(path: "churn.apuc")
/// let probabilities = try model.predict(features: rows)   // rows × model.featureCount
/// let schema = try model.metadata.schema                  // names, kinds and levels
/// ```
///
/// `@unchecked Sendable` is sound because every stored property is a `let` set in `init`,
/// and the bytes they point to are never written: a mapping is `PROT_READ` (writing it
/// would fault, not race), a copy is private to this object. `deinit` runs only when no
/// reference, and so no prediction, remains. Callers must not truncate or rewrite a mapped
/// file in place while it is open (replace it by renaming, as ``ModelFile/write(_:to:)``
/// does); a file shortened under a mapping faults on the next read, as with any mapping.
public final class MappedModel: @unchecked Sendable {
    private let region: CompactRegion
    let forest: CompactForest

    /// Maps and checks the compact model file at `path`.
    ///
    /// - Throws: ``ModelError/io(path:reason:)`` when the file cannot be opened or mapped;
    ///   otherwise as ``init(bytes:)``.
    public init(path: String) throws(ModelError) {
        let region = try CompactRegion.map(path: path)
        do {
            forest = try CompactForest(checking: region.bytes)
        } catch {
            region.release()
            throw error
        }
        self.region = region
    }

    /// Checks a compact model file's bytes, which are copied into memory aligned for the
    /// file's arrays.
    ///
    /// - Throws: ``ModelError/notAModelFile(reason:)``,
    ///   ``ModelError/unsupportedVersion(found:supported:)``, or
    ///   ``ModelError/corrupt(field:reason:)`` naming the section or field and the byte offset.
    public init(bytes: [UInt8]) throws(ModelError) {
        let region = CompactRegion.copy(bytes)
        do {
            forest = try CompactForest(checking: region.bytes)
        } catch {
            region.release()
            throw error
        }
        self.region = region
    }

    deinit { region.release() }

    /// The number of features (columns of the feature matrix).
    public var featureCount: Int { forest.featureCount }
    /// Raw scores per row: 1, or the class count for multiclass.
    public var scoresPerRow: Int { forest.scoresPerRow }
    /// The number of trees.
    public var treeCount: Int { forest.treeCount }
    /// Raw scores to predictions.
    public var link: OutputLink { forest.link }
    /// How the file stores leaf values and thresholds.
    public var quantization: CompactQuantization { forest.quantization }
    /// The file's size in bytes.
    public var byteCount: Int { region.count }

    /// Writes the raw scores of `rows` feature-matrix rows into `scores`
    /// (`rows × scoresPerRow`, row-major), on the calling thread, allocating nothing per row.
    ///
    /// - Parameters:
    ///   - features: `rows × featureCount` values, row-major: numeric values, categorical
    ///     level codes (−1 for an unseen level), NaN for missing (see ``FeatureSchema``).
    /// - Throws: ``ModelError/shapeMismatch(expected:found:)`` when a buffer is too small.
    public func rawScores(
        features: UnsafeBufferPointer<Double>, rows: Int, into scores: UnsafeMutableBufferPointer<Double>
    ) throws(ModelError) {
        let width = forest.featureCount, k = forest.scoresPerRow
        let (values, valuesOverflow) = rows.multipliedReportingOverflow(by: width)
        guard rows >= 0, !valuesOverflow, features.count >= values else {
            throw .shapeMismatch(expected: "\(rows) rows of \(width) features", found: "\(features.count) values")
        }
        let (outputs, outputsOverflow) = rows.multipliedReportingOverflow(by: k)
        guard !outputsOverflow, scores.count >= outputs else {
            throw .shapeMismatch(expected: "room for \(rows) rows of \(k) scores", found: "\(scores.count)")
        }
        guard rows > 0, let output = scores.baseAddress else { return }
        for row in 0..<rows {
            for score in 0..<k { output[row &* k &+ score] = forest.baseScore(score) }
        }
        // With no features there is nothing to read: any valid address will do.
        let input = features.baseAddress ?? UnsafePointer(bitPattern: MemoryLayout<Double>.alignment)!
        forest.accumulate(features: input, rows: rows, scores: output)
    }

    /// The raw scores (`rows × scoresPerRow`, row-major) of a feature matrix.
    ///
    /// - Throws: ``ModelError/shapeMismatch(expected:found:)`` if `features` does not hold whole rows.
    public func rawScores(features: [Double]) throws(ModelError) -> [Double] {
        let width = forest.featureCount
        guard width > 0 ? features.count % width == 0 : features.isEmpty else {
            throw .shapeMismatch(expected: "rows of \(width) features", found: "\(features.count) values")
        }
        let rows = width > 0 ? features.count / width : 0
        var scores = [Double](repeating: 0, count: rows * forest.scoresPerRow)
        try features.withUnsafeBufferPointer { (features) throws(ModelError) in
            try scores.withUnsafeMutableBufferPointer { (scores) throws(ModelError) in
                try rawScores(features: features, rows: rows, into: scores)
            }
        }
        return scores
    }

    /// Predictions of a feature matrix (the link applied to the raw scores): probabilities
    /// of the positive class (`rows`) for binary, `rows × classes` probabilities for
    /// multiclass, values for regression.
    public func predict(features: [Double]) throws(ModelError) -> [Double] {
        var scores = try rawScores(features: features)
        scores.withUnsafeMutableBufferPointer { forest.link.apply($0, scoresPerRow: forest.scoresPerRow) }
        return scores
    }
}
