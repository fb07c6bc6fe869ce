#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#elseif canImport(Musl)
import Musl
#endif

/// Whole-file reads and crash-safe replacing writes, with errors that name the path.
enum FileIO {
    /// The bytes of the file at `path`.
    ///
    /// - Throws: ``ModelError/io(path:reason:)`` with the system's reason.
    static func load(path: String) throws(ModelError) -> [UInt8] {
        let descriptor = open(path, O_RDONLY | O_CLOEXEC)
        guard descriptor >= 0 else { throw failure(path) }
        defer { close(descriptor) }
        var status = stat()
        var bytes: [UInt8] = []
        if fstat(descriptor, &status) == 0, (status.st_mode & S_IFMT) == S_IFREG {
            bytes.reserveCapacity(Int(status.st_size))
        }
        let chunk = 1 << 16
        while true {
            let start = bytes.count
            bytes.append(contentsOf: repeatElement(0, count: chunk))
            let count = bytes.withUnsafeMutableBytes { read(descriptor, $0.baseAddress! + start, chunk) }
            if count < 0, errno == EINTR {
                bytes.removeLast(chunk)
                continue
            }
            guard count >= 0 else { throw failure(path) }
            bytes.removeLast(chunk - count)
            if count == 0 { return bytes }
        }
    }

    /// Replaces the file at `path` with `bytes`: writes a temporary file in the same
    /// directory, flushes it to disk, and renames it over `path`, so a crash leaves
    /// either the old file or the new one, never half of one.
    ///
    /// - Throws: ``ModelError/io(path:reason:)`` with the system's reason.
    static func store(_ bytes: [UInt8], path: String) throws(ModelError) {
        let slash = path.lastIndex(of: "/")
        let directory = slash.map { path[...$0] } ?? ""
        let name = slash.map { path[path.index(after: $0)...] } ?? path[...]
        let temporary = "\(directory).\(name).tmp-\(getpid())-\(String(UInt64.random(in: 0...UInt64.max), radix: 36))"
        let descriptor = open(temporary, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o644)
        guard descriptor >= 0 else { throw failure(path) }
        var written = 0
        while written < bytes.count {
            let count = bytes.withUnsafeBytes { write(descriptor, $0.baseAddress! + written, bytes.count - written) }
            if count < 0, errno == EINTR { continue }
            guard count > 0 else {
                let error = failure(path)
                close(descriptor)
                unlink(temporary)
                throw error
            }
            written += count
        }
        guard fsync(descriptor) == 0 else {
            let error = failure(path)
            close(descriptor)
            unlink(temporary)
            throw error
        }
        close(descriptor)
        guard rename(temporary, path) == 0 else {
            let error = failure(path)
            unlink(temporary)
            throw error
        }
        // Make the rename itself durable; a failure here leaves the new file in place.
        let directoryDescriptor = open(directory.isEmpty ? "." : String(directory), O_RDONLY | O_CLOEXEC)
        if directoryDescriptor >= 0 {
            _ = fsync(directoryDescriptor)
            close(directoryDescriptor)
        }
    }

    /// The `io` error for `path` from `errno`.
    private static func failure(_ path: String) -> ModelError {
        .io(path: path, reason: String(cString: strerror(errno)))
    }
}
