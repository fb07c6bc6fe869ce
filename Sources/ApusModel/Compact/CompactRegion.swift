#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#elseif canImport(Musl)
import Musl
#endif

/// The read-only bytes of a compact model: a private mapping of a file, or an aligned copy
/// of bytes read some other way. Its owner calls ``release()`` exactly once.
struct CompactRegion {
    /// The first byte: page-aligned for a mapping, 8-aligned for a copy, so the file's
    /// 8-aligned sections are aligned in memory.
    let base: UnsafeRawPointer
    /// The number of bytes.
    let count: Int
    private let isMapped: Bool

    /// The bytes as a buffer.
    var bytes: UnsafeRawBufferPointer { UnsafeRawBufferPointer(start: base, count: count) }

    /// Maps the file at `path` read-only (`PROT_READ`, `MAP_PRIVATE`).
    ///
    /// - Throws: ``ModelError/io(path:reason:)`` with the system's reason, or
    ///   ``ModelError/notAModelFile(reason:)`` for an empty file or one that is not a
    ///   regular file.
    static func map(path: String) throws(ModelError) -> CompactRegion {
        let descriptor = open(path, O_RDONLY | O_CLOEXEC)
        guard descriptor >= 0 else { throw failure(path) }
        defer { close(descriptor) }
        var status = stat()
        guard fstat(descriptor, &status) == 0 else { throw failure(path) }
        guard (status.st_mode & S_IFMT) == S_IFREG else { throw .notAModelFile(reason: "\(path) is not a regular file") }
        guard status.st_size > 0 else { throw .notAModelFile(reason: "\(path) is empty") }
        guard let size = Int(exactly: status.st_size) else { throw .io(path: path, reason: "the file is too large to map") }
        let address = mmap(nil, size, PROT_READ, MAP_PRIVATE, descriptor, 0)
        guard let address, address != UnsafeMutableRawPointer(bitPattern: -1) else { throw failure(path) }
        return CompactRegion(base: UnsafeRawPointer(address), count: size, isMapped: true)
    }

    /// A copy of `bytes` in memory aligned to 8 bytes.
    static func copy(_ bytes: [UInt8]) -> CompactRegion {
        let memory = UnsafeMutableRawPointer.allocate(byteCount: max(bytes.count, 1), alignment: CompactLayout.alignment)
        bytes.withUnsafeBytes { source in
            if let start = source.baseAddress { memory.copyMemory(from: start, byteCount: source.count) }
        }
        return CompactRegion(base: UnsafeRawPointer(memory), count: bytes.count, isMapped: false)
    }

    /// Unmaps or frees the bytes.
    func release() {
        if isMapped {
            munmap(UnsafeMutableRawPointer(mutating: base), count)
        } else {
            UnsafeMutableRawPointer(mutating: base).deallocate()
        }
    }

    /// The `io` error for `path` from `errno`.
    private static func failure(_ path: String) -> ModelError {
        .io(path: path, reason: String(cString: strerror(errno)))
    }
}
