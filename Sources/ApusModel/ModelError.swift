/// Errors from encoding features, predicting, and reading or writing model files.
///
/// Every message names the feature, field, tree or node involved, so a person can act on it.
public enum ModelError: Error, Equatable, Sendable, CustomStringConvertible {
    /// A record or table lacks a feature the model needs.
    case missingFeature(name: String, suggestion: String?)
    /// A feature's value cannot be used as the feature's kind.
    case invalidValue(feature: String, row: Int?, value: String, expected: String)
    /// A feature matrix does not have the model's shape.
    case shapeMismatch(expected: String, found: String)
    /// The file is not an Apus model file.
    case notAModelFile(reason: String)
    /// The file was written by a newer (or unknown) format version.
    case unsupportedVersion(found: UInt32, supported: UInt32)
    /// The file is damaged or inconsistent; `field` names the part that is wrong.
    case corrupt(field: String, reason: String)
    /// Reading or writing the file failed.
    case io(path: String, reason: String)

    public var description: String {
        switch self {
        case .missingFeature(let name, let suggestion):
            let hint = suggestion.map { " (did you mean `\($0)`?)" } ?? ""
            return "the model needs feature `\(name)`, which the input does not have\(hint)"
        case .invalidValue(let feature, let row, let value, let expected):
            let place = row.map { "feature `\(feature)`, row \($0 + 1)" } ?? "feature `\(feature)`"
            return "\(place): `\(value)` is not \(expected)"
        case .shapeMismatch(let expected, let found):
            return "expected \(expected), found \(found)"
        case .notAModelFile(let reason):
            return "not an Apus model file: \(reason)"
        case .unsupportedVersion(let found, let supported):
            return "model file format version \(found) is not supported (this build reads version \(supported) and older)"
        case .corrupt(let field, let reason):
            return "corrupt model file: \(field): \(reason)"
        case .io(let path, let reason):
            return "\(path): \(reason)"
        }
    }
}
