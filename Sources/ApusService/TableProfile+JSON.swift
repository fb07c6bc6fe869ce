import ApusTable
import Foundation

extension TableProfile {
    /// The profile as JSON with sorted keys (see `TableProfile` for the shape).
    ///
    /// Fields that do not apply are left out; an infinite value (a column holding `inf`)
    /// is written as the string `"inf"` or `"-inf"`. NaN is never stored, so never written.
    /// - Parameter pretty: indent for people rather than pack for machines.
    public func jsonData(pretty: Bool = true) throws -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = pretty
            ? [.sortedKeys, .prettyPrinted, .withoutEscapingSlashes]
            : [.sortedKeys, .withoutEscapingSlashes]
        encoder.nonConformingFloatEncodingStrategy = Self.nonConformingFloats
        return try encoder.encode(self)
    }

    /// The profile as JSON text; see `jsonData(pretty:)`.
    public func jsonString(pretty: Bool = true) throws -> String {
        String(decoding: try jsonData(pretty: pretty), as: UTF8.self)
    }

    /// Reads a profile written by `jsonData(pretty:)`.
    public init(jsonData data: Data) throws {
        let decoder = JSONDecoder()
        decoder.nonConformingFloatDecodingStrategy = .convertFromString(
            positiveInfinity: "inf", negativeInfinity: "-inf", nan: "NaN")
        self = try decoder.decode(TableProfile.self, from: data)
    }

    private static let nonConformingFloats = JSONEncoder.NonConformingFloatEncodingStrategy.convertToString(
        positiveInfinity: "inf", negativeInfinity: "-inf", nan: "NaN")
}
