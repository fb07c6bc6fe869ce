import ArgumentParser
import ApusService
import ApusStore
import ApusTable
import Foundation

/// `apus models ...`: the model registry.
struct ModelsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "models",
        abstract: "The model registry: registered models, their versions, aliases, rollback and archiving.",
        discussion: """
        A registered model has numbered, immutable versions (`apus train --name NAME --register`) and aliases \
        such as champion that point at one version and move atomically. Wherever a model is taken, \
        NAME@ALIAS, NAME@latest and NAME/VERSION name one. Every change records who (APUS_USER, else the \
        system user) and why (--reason) in the audit trail.
        """,
        subcommands: [ModelsList.self, ModelsShow.self, ModelsVersions.self, ModelsAlias.self, ModelsRollback.self, ModelsArchive.self,
                      ModelsUpdate.self]
    )
}

/// `apus models list`.
struct ModelsList: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "list", abstract: "List the registered models.")

    @Flag(help: "A JSON array.")
    var json = false

    func run() throws {
        let models = try openStore(existing: true).models()
        if json {
            try printJSON(models)
            return
        }
        guard !models.isEmpty else {
            print("no registered models yet: `apus train ... --name NAME --register` registers one")
            return
        }
        var table = TextTable(["model", "versions", "latest", "aliases", "updated (UTC)"], rightAligned: [1, 2])
        for model in models {
            table.add([model.name, String(model.versionCount), String(model.latestVersion),
                       model.aliases.sorted { $0.key < $1.key }.map { "@\($0.key)=\($0.value)" }.joined(separator: " "),
                       shortTime(model.updated)])
        }
        print(table.text)
    }
}

/// `apus models show NAME`.
struct ModelsShow: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "show", abstract: "Show a registered model: its aliases, versions and alias history.")

    @Argument(help: "The registered model's name.")
    var name: String

    @Flag(help: "One JSON object: the model, its versions and its alias history.")
    var json = false

    struct Details: Encodable {
        var model: RegisteredModel
        var versions: [ModelVersion]
        var aliasHistory: [AliasMove]
    }

    func run() throws {
        let store = try openStore(existing: true)
        let details = Details(model: try store.model(name), versions: try store.versions(of: name),
                              aliasHistory: try store.aliasHistory(model: name, alias: nil))
        if json {
            try printJSON(details)
            return
        }
        let model = details.model
        print("model \(model.name): \(model.versionCount) version\(model.versionCount == 1 ? "" : "s"), created \(model.created) by \(model.createdBy)")
        if !model.description.isEmpty { print("  \(model.description)") }
        if !model.tags.isEmpty { print("  tags: " + model.tags.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: ", ")) }
        for (alias, version) in model.aliases.sorted(by: { $0.key < $1.key }) {
            print("  @\(alias) -> version \(version)")
        }
        print("")
        print(ModelsVersions.table(details.versions))
        if !details.aliasHistory.isEmpty {
            print("\nalias history")
            var table = TextTable(["#", "when (UTC)", "alias", "move", "by", "reason"], rightAligned: [0])
            for move in details.aliasHistory {
                let arrow = "\(move.previousVersion.map(String.init) ?? "-") -> \(move.version)"
                table.add([String(move.sequence), shortTime(move.time), "@\(move.alias)",
                           arrow + (move.action == "rollback" ? " (rollback)" : "") + (move.undoneBy != nil ? " (rolled back)" : ""),
                           move.actor, move.reason])
            }
            print(table.text)
        }
    }
}

/// `apus models versions NAME`.
struct ModelsVersions: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "versions", abstract: "List a model's versions, newest first.")

    @Argument(help: "The registered model's name.")
    var name: String

    @Flag(help: "A JSON array.")
    var json = false

    func run() throws {
        let versions = try openStore(existing: true).versions(of: name)
        if json {
            try printJSON(versions)
        } else {
            print(Self.table(versions))
        }
    }

    static func table(_ versions: [ModelVersion]) -> String {
        let metricNames = Array(Set(versions.flatMap(\.metrics.keys)).sorted().prefix(3))
        var table = TextTable(["version", "status", "aliases", "registered (UTC)", "by", "run"] + metricNames,
                              rightAligned: Set([0] + (6..<(6 + metricNames.count))))
        for version in versions {
            table.add([String(version.version), version.status.rawValue, version.aliases.map { "@" + $0 }.joined(separator: " "),
                       shortTime(version.created), version.createdBy, version.runID.map { String($0.prefix(12)) } ?? "-"]
                      + metricNames.map { version.metrics[$0].map(formatMetric) ?? "-" })
        }
        return table.text
    }
}

/// Reads `NAME@ALIAS`.
func parseAliasReference(_ text: String) throws -> (model: String, alias: String) {
    guard case .alias(let model, let alias)? = try ModelReference.registryReference(text) else {
        throw ValidationError("`\(text)` is not NAME@ALIAS (like credit-risk@champion)")
    }
    return (model, alias)
}

/// `apus models alias NAME@ALIAS VERSION`.
struct ModelsAlias: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "alias",
        abstract: "Point an alias at a version (promote): `apus models alias credit-risk@champion 3 --reason \"...\"`."
    )

    @Argument(help: "NAME@ALIAS.")
    var reference: String

    @Argument(help: "The version to point at.")
    var version: Int

    @Option(help: "Why (required): recorded in the alias history and the audit trail.")
    var reason: String

    func run() throws {
        let (model, alias) = try parseAliasReference(reference)
        let store = try openStore(existing: true)
        let move = try store.setAlias(model: model, alias: alias, version: version, reason: reason)
        print("\(model)@\(alias) -> version \(move.version)" + (move.previousVersion.map { " (was \($0))" } ?? " (new alias)"))
        deliverWebhooks(store)
    }
}

/// `apus models rollback NAME@ALIAS`.
struct ModelsRollback: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "rollback",
        abstract: "Return an alias to the version it pointed at before its last move.",
        discussion: "Rollbacks stack: a second rollback undoes the move before the first's, and so on."
    )

    @Argument(help: "NAME@ALIAS.")
    var reference: String

    @Option(help: "Why (required): recorded in the alias history and the audit trail.")
    var reason: String

    func run() throws {
        let (model, alias) = try parseAliasReference(reference)
        let store = try openStore(existing: true)
        let move = try store.rollback(model: model, alias: alias, reason: reason)
        print("\(model)@\(alias) rolled back to version \(move.version) (was \(move.previousVersion.map(String.init) ?? "-"))")
        deliverWebhooks(store)
    }
}

/// `apus models archive NAME/VERSION`.
struct ModelsArchive: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "archive",
        abstract: "Archive a version: kept for the record, but no alias may point at it and @latest skips it."
    )

    @Argument(help: "NAME/VERSION.")
    var reference: String

    @Option(help: "Why (required): recorded in the audit trail.")
    var reason: String

    func run() throws {
        guard case .version(let model, let version)? = try ModelReference.registryReference(reference) else {
            throw ValidationError("`\(reference)` is not NAME/VERSION (like credit-risk/2)")
        }
        let store = try openStore(existing: true)
        try store.archive(model: model, version: version, reason: reason)
        print("archived \(model)/\(version)")
        deliverWebhooks(store)
    }
}

/// `apus models update NAME`.
struct ModelsUpdate: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "update", abstract: "Change a registered model's description or tags.")

    @Argument(help: "The registered model's name.")
    var name: String

    @Option(help: "What the model is for.")
    var description: String?

    @Option(name: .customLong("tag"), help: "A tag to set, KEY=VALUE (repeatable).")
    var tags: [String] = []

    @Option(name: .customLong("remove-tag"), help: "A tag to remove (repeatable).")
    var removedTags: [String] = []

    @Option(help: "Why (required): recorded in the audit trail.")
    var reason: String

    func run() throws {
        let store = try openStore(existing: true)
        let model = try store.updateModel(name, description: description, setTags: try RunRecordingOptions.parseTags(tags),
                                          removeTags: removedTags, reason: reason)
        print("updated \(model.name)" + (model.description.isEmpty ? "" : ": \(model.description)")
            + (model.tags.isEmpty ? "" : " [" + model.tags.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: ", ") + "]"))
        deliverWebhooks(store)
    }
}
