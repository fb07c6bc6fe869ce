import ArgumentParser
import ApusService
import ApusStore
import Foundation

extension APIKeyRole: ExpressibleByArgument {}

/// `apus keys ...`: API keys for the model server.
struct KeysCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "keys",
        abstract: "API keys for the model server: roles predict, read and admin; stored only as SHA-256 hashes.",
        subcommands: [KeysCreate.self, KeysList.self, KeysRevoke.self]
    )
}

/// `apus keys create NAME --role ROLE`.
struct KeysCreate: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "create", abstract: "Make a key; its secret is printed once and never stored.")

    @Argument(help: "The key's name, to list and revoke it by.")
    var name: String

    @Option(help: "What it may do: predict (inference), read (models, schemas, metrics) or admin (everything).")
    var role: APIKeyRole

    func run() throws {
        let (key, secret) = try openStore().createAPIKey(name: name, role: role)
        print("created key \(key.name) (\(key.role.rawValue)); its secret, shown only now:")
        print(secret)
    }
}

/// `apus keys list`.
struct KeysList: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "list", abstract: "List the keys (never their secrets).")

    @Flag(help: "A JSON array.")
    var json = false

    func run() throws {
        let keys = try openStore(existing: true).apiKeys()
        if json {
            try printJSON(keys)
            return
        }
        var table = TextTable(["name", "role", "status", "starts with", "created (UTC)", "by"])
        for key in keys {
            table.add([key.name, key.role.rawValue, key.status + (key.revoked.map { " \(shortTime($0))" } ?? ""),
                       key.prefix + "…", shortTime(key.created), key.createdBy])
        }
        print(keys.isEmpty ? "no keys" : table.text)
    }
}

/// `apus keys revoke NAME`.
struct KeysRevoke: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "revoke", abstract: "Revoke a key: it stops working at once.")

    @Argument(help: "The key's name.")
    var name: String

    @Option(help: "Why (required): recorded in the audit trail.")
    var reason: String

    func run() throws {
        try openStore(existing: true).revokeAPIKey(name: name, reason: reason)
        print("revoked key \(name)")
    }
}
