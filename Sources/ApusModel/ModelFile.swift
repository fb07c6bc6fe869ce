/// The `.apus` model file: a JSON header with everything but the trees' numbers, the
/// numbers as little-endian binary, and a CRC-32 of it all. `docs/model-format.md`
/// describes the layout byte by byte.
///
/// Encoding is deterministic: the same ``Model`` always gives the same bytes. Decoding
/// validates everything (the checksum, every length before it allocates, the header,
/// every tree's structure, the model's consistency) and never crashes on a damaged or
/// hostile file: it throws a ``ModelError`` naming what is wrong.
public enum ModelFile {
    /// The first 8 bytes of every model file: `APUSMODL`.
    public static let magic: [UInt8] = Array("APUSMODL".utf8)
    /// The format version this build writes, and the newest it reads.
    public static let formatVersion: UInt32 = 1

    /// The bytes of the magic and the version.
    static let preambleSize = 12
    /// The bytes of a tree's three counts.
    static let treeCountsSize = 12
    /// The bytes per internal node: splitFeature, threshold, flags, categoryStart,
    /// categoryWordCount, leftChild, rightChild, splitGain, nodeHessian, nodeRowCount.
    static let bytesPerNode = 4 + 8 + 1 + 4 + 4 + 4 + 4 + 8 + 8 + 8
    /// The bytes per leaf: leafValue, leafHessian, leafRowCount.
    static let bytesPerLeaf = 8 + 8 + 8

    /// The file's bytes for `model`. The same model always gives the same bytes.
    ///
    /// A model that ``decode(_:)`` would reject (see ``write(_:to:)``, which checks)
    /// still encodes.
    public static func encode(_ model: Model) -> [UInt8] {
        var writer = ByteWriter()
        writer.append(bytes: magic)
        writer.append(formatVersion)
        let header = ModelFileHeader(model: model).json()
        writer.append(UInt64(header.count))
        writer.append(bytes: header)
        writer.append(contentsOf: model.ensemble.baseScore)
        for tree in model.ensemble.trees {
            writer.append(UInt32(tree.internalNodeCount))
            writer.append(UInt32(tree.leafCount))
            writer.append(UInt32(tree.categoryWords.count))
            writer.append(contentsOf: tree.splitFeature)
            writer.append(contentsOf: tree.threshold)
            writer.append(contentsOf: tree.flags)
            writer.append(contentsOf: tree.categoryStart)
            writer.append(contentsOf: tree.categoryWordCount)
            writer.append(contentsOf: tree.categoryWords)
            writer.append(contentsOf: tree.leftChild)
            writer.append(contentsOf: tree.rightChild)
            writer.append(contentsOf: tree.splitGain)
            writer.append(contentsOf: tree.nodeHessian)
            writer.append(contentsOf: tree.nodeRowCount)
            writer.append(contentsOf: tree.leafValue)
            writer.append(contentsOf: tree.leafHessian)
            writer.append(contentsOf: tree.leafRowCount)
        }
        writer.append(CRC32.checksum(writer.bytes))
        return writer.bytes
    }

    /// The model in a model file's bytes.
    ///
    /// The magic is checked first, then the version (so a newer file says so rather than
    /// looking damaged), then the checksum, then the structure and the model's
    /// consistency. A file whose last 4 bytes are not the checksum of what precedes them
    /// is reported as damaged (`checksum`), whatever else is wrong with it.
    ///
    /// - Throws: ``ModelError/notAModelFile(reason:)``,
    ///   ``ModelError/unsupportedVersion(found:supported:)``, or
    ///   ``ModelError/corrupt(field:reason:)`` naming the field (`checksum` when the bytes
    ///   were damaged or truncated).
    public static func decode(_ bytes: [UInt8]) throws(ModelError) -> Model {
        guard bytes.count >= magic.count, bytes.prefix(magic.count).elementsEqual(magic) else {
            let reason = bytes.count < magic.count && magic.starts(with: bytes)
                ? "the file is \(bytes.count) bytes long, shorter than the 8-byte magic"
                : "it does not start with `APUSMODL`"
            throw .notAModelFile(reason: reason)
        }
        var reader = ByteReader(bytes, offset: magic.count)
        let version = try reader.read(UInt32.self, field: "version")
        guard version >= 1, version <= formatVersion else {
            throw .unsupportedVersion(found: version, supported: formatVersion)
        }
        let contents = try checkedContents(of: bytes, reader: reader)
        return try model(from: contents)
    }

    /// The contents of a file whose magic and version were checked, after checking the
    /// checksum and that nothing follows it.
    ///
    /// The checksum is normally the last 4 bytes; the layout says where it should be, so
    /// the layout is read first, and its errors stand only when the checksum is intact
    /// (a damaged file is reported as such, a crafted one by what is wrong with it).
    private static func checkedContents(of bytes: [UInt8], reader: ByteReader) throws(ModelError) -> Contents {
        let end = bytes.count - 4
        let intact = end >= preambleSize && checksum(of: bytes, at: end).matches
        let contents: Contents
        do {
            contents = try Contents(reader: reader)
        } catch {
            throw intact ? error : checksumError(of: bytes, at: end)
        }
        if contents.end == end {
            guard intact else { throw checksumError(of: bytes, at: end) }
        } else if contents.end < end {
            if checksum(of: bytes, at: contents.end).matches {
                let extra = end - contents.end
                throw .corrupt(field: "end", reason: "\(extra == 1 ? "1 byte follows" : "\(extra) bytes follow") the checksum at byte \(contents.end)")
            }
            throw intact
                ? .corrupt(field: "end", reason: "the trees end at byte \(contents.end), but the checksum is at byte \(end)")
                : checksumError(of: bytes, at: end)
        } else {
            throw .corrupt(field: "checksum", reason: "the file is \(bytes.count) bytes long, too short for the checksum at byte \(contents.end) (truncated)")
        }
        return contents
    }

    /// The stored and computed checksums of `bytes[..<end]`, stored at `end`.
    private static func checksum(of bytes: [UInt8], at end: Int) -> (stored: UInt32, computed: UInt32, matches: Bool) {
        var reader = ByteReader(bytes, offset: end)
        let stored = (try? reader.read(UInt32.self, field: "checksum")) ?? 0
        let computed = CRC32.checksum(bytes[..<end])
        return (stored, computed, stored == computed)
    }

    private static func checksumError(of bytes: [UInt8], at end: Int) -> ModelError {
        guard end >= preambleSize else {
            return .corrupt(field: "checksum", reason: "the file is \(bytes.count) bytes long, too short to hold one (truncated)")
        }
        let sums = checksum(of: bytes, at: end)
        return .corrupt(field: "checksum", reason: "stored \(hex(sums.stored)), computed \(hex(sums.computed)): the file is damaged or truncated")
    }

    private static func hex(_ value: UInt32) -> String {
        let digits = String(value, radix: 16)
        return "0x" + String(repeating: "0", count: 8 - digits.count) + digits
    }

    /// Builds and checks the model.
    private static func model(from contents: Contents) throws(ModelError) -> Model {
        let header = contents.header
        let ensemble = try TreeEnsemble(
            trees: contents.trees, scoresPerRow: header.ensemble.scoresPerRow, baseScore: contents.baseScore,
            link: header.ensemble.link, featureKinds: header.schema.features.map(\.kind))
        let model = Model(
            task: header.task, objective: header.objective, target: header.target, classes: header.classes,
            schema: header.schema, ensemble: ensemble, parameters: header.parameters, training: header.training)
        try checkConsistency(model)
        return model
    }

    /// The checks across a model's parts that ``TreeEnsemble`` and ``FeatureSchema`` cannot
    /// make alone: the schema's kinds are the ensemble's, and the classes, score count and
    /// link fit the task. Reading a file makes them; an importer that builds a model makes them too.
    ///
    /// - Throws: ``ModelError/corrupt(field:reason:)`` naming the first inconsistency.
    public static func checkConsistency(_ model: Model) throws(ModelError) {
        let kinds = model.schema.features.map(\.kind)
        guard kinds == model.ensemble.featureKinds else {
            throw .corrupt(field: "schema", reason: "\(kinds.count) features do not match the ensemble's \(model.ensemble.featureKinds.count) feature kinds")
        }
        let classes = model.classes.count, scores = model.ensemble.scoresPerRow, link = model.ensemble.link
        switch model.task {
        case .binary:
            guard classes == 2 else { throw .corrupt(field: "classes", reason: "a binary model needs 2 classes, found \(classes)") }
            guard scores == 1, link == .sigmoid else {
                throw .corrupt(field: "ensemble", reason: "a binary model needs 1 score per row and the sigmoid link, found \(scores) and `\(link.rawValue)`")
            }
        case .multiclass:
            guard classes >= 2, classes == scores else {
                throw .corrupt(field: "classes", reason: "a multiclass model needs one class per score (\(scores)), at least 2, found \(classes)")
            }
        case .regression:
            guard classes == 0 else { throw .corrupt(field: "classes", reason: "a regression model has no classes, found \(classes)") }
            guard scores == 1, link == .identity || link == .exp else {
                throw .corrupt(field: "ensemble", reason: "a regression model needs 1 score per row and the identity or exp link, found \(scores) and `\(link.rawValue)`")
            }
        }
        var seen = Set<String>()
        for label in model.classes where !seen.insert(label).inserted {
            throw .corrupt(field: "classes", reason: "lists `\(label)` twice")
        }
    }
}
