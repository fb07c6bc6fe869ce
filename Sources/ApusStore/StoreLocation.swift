import Foundation

/// Where the store is: `APUS_STORE` (a folder, or later a `postgres://` URL), else `.apus`
/// in the working directory.
public enum StoreLocation {
    /// The folder used when `APUS_STORE` is not set.
    public static let defaultDirectory = ".apus"

    /// The store's location text.
    public static func resolve(_ environment: [String: String] = ProcessInfo.processInfo.environment) -> String {
        if let value = environment["APUS_STORE"], !value.isEmpty { return value }
        return defaultDirectory
    }

    /// Opens the store named by the environment, as the current user, signing audit rows
    /// with `APUS_SIGNING_KEY` when it is set.
    ///
    /// - Throws: `StoreError` for a PostgreSQL URL (not available yet), a bad signing key,
    ///   or any reason `SQLiteStore` gives.
    public static func open(apusVersion: String,
                            environment: [String: String] = ProcessInfo.processInfo.environment) throws -> any Store {
        let location = resolve(environment)
        if location.hasPrefix("postgres://") || location.hasPrefix("postgresql://") {
            throw StoreError("APUS_STORE names a PostgreSQL store; this Apus has only the embedded SQLite store (set APUS_STORE to a folder, or unset it for .apus)")
        }
        return try SQLiteStore(
            directory: location, actor: ProcessIdentity.currentUser(environment: environment),
            signer: try AuditSigner.fromEnvironment(environment), apusVersion: apusVersion)
    }
}
