import ApusFormats
import ApusModel
import Testing

/// Thousands of corrupted copies of a real compact file: each is refused with a
/// ``ModelError`` or loads and predicts; none crashes.
@Suite("Compact model file: corrupted copies")
struct CompactModelMutationTests {
    /// Flipped bytes, truncations and inserted bytes; every other copy gets a fresh length
    /// and checksum, so that the structural checks, not only the checksum, meet the damage.
    @Test(arguments: [QuantizationMode.none, .i8])
    func corruptedCopiesAreRefusedOrPredict(mode: QuantizationMode) throws {
        let directory = try LightGBMImportTests.references.get()
        let model = try LightGBMImport.model(text: try String(contentsOfFile: "\(directory)/binary.txt", encoding: .utf8))
        let original = try CompactModelFile.encode(model, quantization: mode)
        let values: [Double] = [0.3, -1, .nan, 2, 40, 1e10, -0.5, 1, .infinity]
        var random = SplitMix(seed: 2024)
        var refused = 0, reasons: [String: Int] = [:]
        for round in 0..<1_000 {
            var bytes = original
            switch round % 3 {
            case 0:
                for _ in 0..<(1 + random.next() % 4) { bytes[Int(random.next() % UInt64(bytes.count))] ^= UInt8(1 + random.next() % 255) }
            case 1:
                bytes = Array(bytes.prefix(Int(random.next() % UInt64(bytes.count))))
            default:
                let offset = Int(random.next() % UInt64(bytes.count + 1))
                bytes.insert(contentsOf: (0..<(1 + random.next() % 16)).map { _ in UInt8(truncatingIfNeeded: random.next()) }, at: offset)
            }
            if round % 2 == 1 { bytes = Self.resealed(bytes) }
            do {
                let mapped = try MappedModel(bytes: bytes)
                // Sixteen rows: both the eight-row walk and the single-row one.
                let rows = (0..<16 * mapped.featureCount).map { values[$0 % values.count] }
                #expect(try mapped.rawScores(features: rows).count == 16 * mapped.scoresPerRow)
                _ = try? mapped.model()
            } catch {
                refused += 1
                let field: String
                switch error {
                case .corrupt(let name, _): field = String(name.prefix { $0 != "[" && $0 != "." })
                default: field = "\(error)".prefix(20).description
                }
                reasons[field, default: 0] += 1
            }
        }
        print("compact \(mode.rawValue) mutants: \(1_000 - refused) loaded, refused by \(reasons.sorted { $0.key < $1.key })")
        #expect(refused > 600, "\(reasons)")
        #expect((reasons["checksum"] ?? 0) > 100 && reasons.count > 4, "the structural checks are reached: \(reasons)")
    }

    /// `bytes` with the length field and the checksum made to fit (when long enough to hold them).
    static func resealed(_ bytes: [UInt8]) -> [UInt8] {
        guard bytes.count >= 188 else { return bytes }
        var body = Array(bytes.dropLast(4))
        withUnsafeBytes(of: UInt64(bytes.count).littleEndian) { body.replaceSubrange(32..<40, with: $0) }
        return body + withUnsafeBytes(of: CompactLayout.checksum(body).littleEndian, Array.init)
    }
}
