import ApusStore
import Foundation
import MCP

/// Each registered model version's description (schema, metrics, lineage, intended use) as
/// a resource, `apus://models/NAME/VERSION`, holding what `describe_model` answers.
enum ModelResources {
    static let scheme = "apus://models/"

    static let template = Resource.Template(
        uriTemplate: scheme + "{name}/{version}", name: "model-version", title: "A model version's description",
        description: "Schema (types, levels, training ranges), metrics, lineage and intended use of one registered model version.",
        mimeType: "application/json")

    static func uri(model: String, version: Int) -> String { scheme + "\(model)/\(version)" }

    /// The `NAME/VERSION` reference a resource URI names.
    static func reference(of uri: String) throws -> String {
        guard uri.hasPrefix(scheme) else {
            throw ToolError("`\(uri)` is not an Apus resource: they are \(scheme)NAME/VERSION (resources/list names them)")
        }
        let rest = String(uri.dropFirst(scheme.count))
        let parts = rest.split(separator: "/", omittingEmptySubsequences: false)
        guard parts.count == 2, let version = Int(parts[1]), version > 0 else {
            throw ToolError("`\(uri)` does not name a model version: \(scheme)NAME/VERSION, such as \(scheme)credit-risk/3")
        }
        return "\(parts[0])/\(version)"
    }
}

extension AgentTools {
    /// Every version of every registered model, newest first within a model.
    func resources() -> [Resource] {
        let versions = (try? cache.storeCall { store in try store.models().flatMap { try store.versions(of: $0.name) } }) ?? []
        return versions.map { version in
            let aliases = version.aliases.isEmpty ? "" : " (" + version.aliases.map { "@" + $0 }.joined(separator: ", ") + ")"
            return Resource(name: version.reference, uri: ModelResources.uri(model: version.model, version: version.version),
                            title: "\(version.reference)\(aliases)",
                            description: "Schema, metrics, lineage and intended use of \(version.reference), registered \(version.created) (\(version.status.rawValue)).",
                            mimeType: "application/json")
        }
    }

    /// The description a resource URI names, as JSON text.
    func readResource(_ uri: String) throws -> Resource.Content {
        let reference = try ModelResources.reference(of: uri)
        let loaded = try cache.model(reference)
        let value = Self.describeValue(loaded.description, rowSchema: loaded.rowSchema, tools: [])
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        let text = (try? encoder.encode(value)).map { String(decoding: $0, as: UTF8.self) } ?? "{}"
        return .text(text, uri: uri, mimeType: "application/json")
    }
}
