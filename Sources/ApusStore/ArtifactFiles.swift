import Crypto
import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Content-addressed artifact files: `artifacts/ab/abcdef…` under the store's folder, where
/// the name is the SHA-256 of the bytes. A file is written once, to a temporary name, then
/// fsynced and renamed, so a reader sees the whole file or none; reading checks the hash.
struct ArtifactFiles: Sendable {
    /// The `artifacts` folder.
    let root: String

    /// The path of the artifact with hash `sha256`.
    func path(of sha256: String) -> String { "\(root)/\(sha256.prefix(2))/\(sha256)" }

    /// Copies the file at `source` into the store; returns its reference.
    func put(file source: String) throws -> ArtifactRef {
        // A folder opens for reading, then fails to read with an error that names nothing.
        var isDirectory: ObjCBool = false
        if FileManager.default.fileExists(atPath: source, isDirectory: &isDirectory), isDirectory.boolValue {
            throw StoreError("cannot read `\(source)` to store it as an artifact: it is a folder")
        }
        guard let input = FileHandle(forReadingAtPath: source) else {
            throw StoreError("cannot read `\(source)` to store it as an artifact")
        }
        defer { try? input.close() }
        try StoreFiles.makeDirectory(root)
        let temporary = "\(root)/.incoming-\(ProcessIdentity.host)-\(ProcessIdentity.pid)-\(UInt64.random(in: 0...UInt64.max))"
        let descriptor = open(temporary, O_WRONLY | O_CREAT | O_EXCL, 0o600)
        guard descriptor >= 0 else { throw StoreError("cannot create `\(temporary)`: \(StoreFiles.errnoText())") }
        var hasher = SHA256()
        var size: Int64 = 0
        do {
            while true {
                let chunk = try input.read(upToCount: 1 << 20) ?? Data()
                if chunk.isEmpty { break }
                hasher.update(data: chunk)
                size += Int64(chunk.count)
                try chunk.withUnsafeBytes { try StoreFiles.writeAll(descriptor, $0, path: temporary) }
            }
            guard fsync(descriptor) == 0 else { throw StoreError("cannot sync `\(temporary)`: \(StoreFiles.errnoText())") }
            close(descriptor)
        } catch {
            close(descriptor)
            unlink(temporary)
            throw error
        }
        let sha256 = Hashing.hex(hasher.finalize())
        let final = path(of: sha256)
        try StoreFiles.makeDirectory("\(root)/\(sha256.prefix(2))")
        if FileManager.default.fileExists(atPath: final), (try? verify(sha256: sha256, size: size)) != nil {
            unlink(temporary)  // already stored, intact
        } else {
            guard rename(temporary, final) == 0 else {
                let text = StoreFiles.errnoText()
                unlink(temporary)
                throw StoreError("cannot move the artifact into `\(final)`: \(text)")
            }
            StoreFiles.syncDirectory("\(root)/\(sha256.prefix(2))")
        }
        return ArtifactRef(sha256: sha256, size: size)
    }

    /// Removes temporary files left by writers on this host that died mid-write (their pid
    /// is gone); returns how many. Files of other hosts sharing the store are left alone.
    @discardableResult
    func removeAbandonedIncoming() -> Int {
        guard let names = try? FileManager.default.contentsOfDirectory(atPath: root) else { return 0 }
        let prefix = ".incoming-\(ProcessIdentity.host)-"
        var removed = 0
        for name in names where name.hasPrefix(prefix) {
            let parts = name.dropFirst(prefix.count).split(separator: "-")
            guard parts.count == 2, let pid = Int(parts[0]), !ProcessIdentity.isAlive(pid: pid, start: "") else { continue }
            if unlink("\(root)/\(name)") == 0 { removed += 1 }
        }
        return removed
    }

    /// Checks the stored file's size and hash; returns its path.
    @discardableResult
    func verify(sha256: String, size: Int64) throws -> String {
        let file = path(of: sha256)
        guard let handle = FileHandle(forReadingAtPath: file) else {
            throw StoreError("artifact \(sha256) is missing from \(root)")
        }
        defer { try? handle.close() }
        var hasher = SHA256()
        var count: Int64 = 0
        while true {
            let chunk = try handle.read(upToCount: 1 << 20) ?? Data()
            if chunk.isEmpty { break }
            hasher.update(data: chunk)
            count += Int64(chunk.count)
        }
        let actual = Hashing.hex(hasher.finalize())
        guard actual == sha256, count == size else {
            throw StoreError("artifact \(file) is corrupt: its bytes hash to \(actual) (\(count) bytes), not the recorded \(sha256) (\(size) bytes)")
        }
        return file
    }
}

/// File-system helpers that keep the store's files private to their owner.
enum StoreFiles {
    /// Creates `path` (and its parents) with owner-only permissions if missing.
    static func makeDirectory(_ path: String) throws {
        var isDirectory: ObjCBool = false
        if FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) {
            guard isDirectory.boolValue else { throw StoreError("`\(path)` exists and is not a folder") }
            return
        }
        do {
            try FileManager.default.createDirectory(
                atPath: path, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        } catch {
            throw StoreError("cannot create the folder `\(path)`: \(error.localizedDescription)")
        }
    }

    static func writeAll(_ descriptor: Int32, _ bytes: UnsafeRawBufferPointer, path: String) throws {
        var offset = 0
        while offset < bytes.count {
            let written = write(descriptor, bytes.baseAddress! + offset, bytes.count - offset)
            if written < 0 {
                if errno == EINTR { continue }
                throw StoreError("cannot write `\(path)`: \(errnoText())")
            }
            offset += written
        }
    }

    static func syncDirectory(_ path: String) {
        let descriptor = open(path, O_RDONLY)
        if descriptor >= 0 {
            fsync(descriptor)
            close(descriptor)
        }
    }

    static func errnoText() -> String { String(cString: strerror(errno)) }
}
