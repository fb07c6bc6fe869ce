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
    /// - Parameter create: Create the store if it does not exist; when false (commands that
    ///   only read), a missing store is an error rather than a new empty folder.
    /// - Throws: `StoreError` for a PostgreSQL URL (not available yet), a missing store
    ///   that is not to be created, a bad signing key, or any reason `SQLiteStore` gives.
    public static func open(apusVersion: String, create: Bool = true,
                            environment: [String: String] = ProcessInfo.processInfo.environment) throws -> any Store {
        let location = resolve(environment)
        if location.hasPrefix("postgres://") || location.hasPrefix("postgresql://") {
            throw StoreError("APUS_STORE names a PostgreSQL store; this Apus has only the embedded SQLite store (set APUS_STORE to a folder, or unset it for .apus)")
        }
        if !create && !FileManager.default.fileExists(atPath: (location as NSString).appendingPathComponent("store.sqlite")) {
            throw StoreError("there is no store at \(location) yet: `apus train` records the first run (APUS_STORE names another store)")
        }
        return try SQLiteStore(
            directory: location, actor: ProcessIdentity.currentUser(environment: environment),
            signer: try AuditSigner.fromEnvironment(environment), apusVersion: apusVersion)
    }
}
