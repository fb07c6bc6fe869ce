import Foundation
import GRDB
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The embedded store: SQLite in WAL mode at `FOLDER/store.sqlite`, artifacts under
/// `FOLDER/artifacts/`, every file private to its owner.
///
/// Several processes may use one store at once: SQLite serialises their writes (each waits
/// up to `busyTimeout` for the others), and every change is one IMMEDIATE transaction that
/// also appends its audit row.
public final class SQLiteStore: Store {
    public let location: String
    public let actor: String
    /// The store's database file.
    public let databasePath: String
    /// A writer connection and reader connections: in WAL mode reads run beside a write
    /// (a server's alias checks never wait behind its prediction-log writes).
    let queue: DatabasePool
    let artifactFiles: ArtifactFiles
    let signer: AuditSigner?
    let apusVersion: String
    let dialect = SQLDialect.sqlite

    /// How long a write waits for another process's write before failing.
    public static let busyTimeout: TimeInterval = 60

    /// Opens (creating if needed, upgrading if older) the store in `directory`.
    ///
    /// - Parameters:
    ///   - actor: Who changes are recorded as made by.
    ///   - signer: Signs each new audit row when given.
    ///   - apusVersion: The version recorded with migrations.
    /// - Throws: `StoreError` if the folder cannot be made, the database cannot be opened,
    ///   or the store was written by a newer Apus.
    public init(directory: String, actor: String, signer: AuditSigner? = nil, apusVersion: String) throws {
        try StoreNames.validateActor(actor)
        location = directory
        self.actor = actor
        self.signer = signer
        self.apusVersion = apusVersion
        try StoreFiles.makeDirectory(directory)
        databasePath = (directory as NSString).appendingPathComponent("store.sqlite")
        artifactFiles = ArtifactFiles(root: (directory as NSString).appendingPathComponent("artifacts"))
        // A store from a newer Apus is refused before anything is written to it (opening in
        // WAL mode may write to the file).
        if FileManager.default.fileExists(atPath: databasePath) {
            try Self.refuseNewer(databasePath, location: directory, apusVersion: apusVersion)
        }
        // Create the file ourselves, owner-only: SQLite gives its -wal and -shm files the
        // database file's permissions.
        let descriptor = open(databasePath, O_RDWR | O_CREAT, 0o600)
        guard descriptor >= 0 else {
            throw StoreError("cannot open the store's database `\(databasePath)`: \(StoreFiles.errnoText())")
        }
        close(descriptor)
        var configuration = Configuration()
        configuration.journalMode = .wal
        configuration.busyMode = .timeout(Self.busyTimeout)
        configuration.foreignKeysEnabled = true
        configuration.label = "apus-store"
        do {
            queue = try DatabasePool(path: databasePath, configuration: configuration)
        } catch {
            throw StoreError("cannot open the store's database `\(databasePath)`: \(Self.message(error))")
        }
        try migrate()
    }

    /// The schema version of the store on disk.
    public func schemaVersion() throws -> Int {
        try read { db in try Int.fetchOne(db, sql: "SELECT MAX(version) FROM schema_migrations") ?? 0 }
    }

    /// Throws when the store's newest migration is newer than this code knows, reading
    /// through a read-only connection.
    private static func refuseNewer(_ path: String, location: String, apusVersion: String) throws {
        var configuration = Configuration()
        configuration.readonly = true
        configuration.busyMode = .timeout(busyTimeout)
        let newest: Row?
        do {
            let reader = try DatabaseQueue(path: path, configuration: configuration)
            newest = try reader.read { db in
                guard try db.tableExists("schema_migrations") else { return nil }
                return try Row.fetchOne(db, sql: "SELECT version, apus_version FROM schema_migrations ORDER BY version DESC LIMIT 1")
            }
            try reader.close()
        } catch {
            throw StoreError("cannot open the store's database `\(path)`: \(message(error))")
        }
        if let newest, let version = newest["version"] as Int?, version > StoreSchema.currentVersion {
            throw newerStore(location, writer: newest["apus_version"] ?? "?", schema: version, apusVersion: apusVersion)
        }
    }

    /// The refusal of a store whose schema `schema` (written by Apus `writer`) is newer than this code knows.
    private static func newerStore(_ location: String, writer: String, schema: Int, apusVersion: String) -> StoreError {
        StoreError("""
            the store at \(location) was written by a newer Apus (\(writer), store schema \(schema)); \
            this Apus (\(apusVersion)) knows store schemas up to \(StoreSchema.currentVersion). \
            Upgrade Apus to use it; the store was not changed.
            """)
    }

    private func migrate() throws {
        try write { db in
            try db.execute(sql: """
                CREATE TABLE IF NOT EXISTS schema_migrations (
                    version BIGINT PRIMARY KEY, summary TEXT NOT NULL, applied TEXT NOT NULL, apus_version TEXT NOT NULL)
                """)
            let newest = try Row.fetchOne(db, sql: "SELECT version, apus_version FROM schema_migrations ORDER BY version DESC LIMIT 1")
            let applied: Int = newest?["version"] ?? 0
            if applied > StoreSchema.currentVersion {
                throw Self.newerStore(self.location, writer: newest?["apus_version"] ?? "?", schema: applied,
                                      apusVersion: self.apusVersion)
            }
            for migration in StoreSchema.migrations where migration.version > applied {
                for statement in migration.sql(for: self.dialect) { try db.execute(sql: statement) }
                try db.execute(
                    sql: "INSERT INTO schema_migrations (version, summary, applied, apus_version) VALUES (?, ?, ?, ?)",
                    arguments: [migration.version, migration.summary, StoreClock.now(), self.apusVersion])
            }
            if applied == 0 {
                try db.execute(sql: "INSERT INTO store_info (key, value) VALUES ('created_by_apus', ?)", arguments: [self.apusVersion])
                _ = try self.appendAudit(db, .storeCreated, details: ["schema": String(StoreSchema.currentVersion)])
            }
        }
    }

    // MARK: Transactions

    /// Runs `body` in one IMMEDIATE transaction, naming the store in any database error.
    func write<T>(_ body: (Database) throws -> T) throws -> T {
        do {
            return try queue.write(body)
        } catch let error as StoreError {
            throw error
        } catch {
            throw StoreError("the store \(databasePath): \(Self.message(error))")
        }
    }

    /// Runs `body` in a read transaction.
    func read<T>(_ body: (Database) throws -> T) throws -> T {
        do {
            return try queue.read(body)
        } catch let error as StoreError {
            throw error
        } catch {
            throw StoreError("the store \(databasePath): \(Self.message(error))")
        }
    }

    static func message(_ error: Error) -> String {
        if let error = error as? DatabaseError {
            return error.message ?? "\(error.resultCode)"
        }
        return "\(error)"
    }

    /// Records a refused operation in the audit trail (in its own transaction), then
    /// returns the error for the caller to throw.
    func refuse(_ error: StoreError, operation: String, model: String?, details: [String: String] = [:]) -> StoreError {
        var all = details
        all["operation"] = operation
        all["error"] = error.description
        _ = try? write { db in try self.appendAudit(db, .refused, model: model, details: all) }
        return error
    }
}

extension StoreNames {
    /// Checks the actor name: printable, one line, up to 256 characters.
    static func validateActor(_ actor: String) throws {
        guard !actor.isEmpty, actor.unicodeScalars.count <= 256,
              !actor.unicodeScalars.contains(where: { $0.value < 0x20 || $0.value == 0x7F }) else {
            throw StoreError("the user name `\(printable(actor))` (APUS_USER) must be 1 to 256 printable characters")
        }
    }
}
