#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Fingerprints of training data: the SHA-256 of a data file, and of a data set (the file
/// together with the schema it was read with), recorded in every model's lineage.
public enum Fingerprint {
    /// Bytes read from a file per call: large enough to keep system calls rare, small
    /// enough to stay in cache. Memory use does not grow with the file.
    public static let chunkByteCount = 1 << 20

    /// The SHA-256 of the file at `path`, as 64 lowercase hexadecimal digits — the same
    /// text `sha256sum` prints.
    ///
    /// The file is streamed in chunks of `chunkByteCount` bytes, so memory use is constant.
    /// - Throws: `FingerprintError.unreadable` naming the path and the system's reason.
    public static func sha256(ofFileAt path: String) throws -> String {
        let descriptor = open(path, O_RDONLY | O_CLOEXEC)
        guard descriptor >= 0 else { throw FingerprintError.unreadable(path: path, reason: systemReason()) }
        defer { close(descriptor) }
        let chunk = UnsafeMutableRawBufferPointer.allocate(byteCount: chunkByteCount, alignment: 64)
        defer { chunk.deallocate() }
        var hasher = SHA256()
        while true {
            let count = read(descriptor, chunk.baseAddress, chunk.count)
            if count == 0 { break }
            if count < 0 {
                if errno == EINTR { continue }
                throw FingerprintError.unreadable(path: path, reason: systemReason())
            }
            hasher.update(UnsafeRawBufferPointer(rebasing: chunk[..<count]))
        }
        return hasher.hexDigest()
    }

    /// The fingerprint of a data set: the SHA-256 (hex) of `fileSHA256`, a line feed, and
    /// `schema.canonicalText`.
    ///
    /// The same file read with different column kinds is a different data set, and gets a
    /// different fingerprint.
    /// - Parameters:
    ///   - fileSHA256: the file's digest, from `sha256(ofFileAt:)`.
    ///   - schema: the names and kinds the file was read with.
    public static func dataset(fileSHA256: String, schema: Schema) -> String {
        SHA256.hexDigest(of: fileSHA256 + "\n" + schema.canonicalText)
    }

    /// The text of the current `errno`.
    private static func systemReason() -> String {
        guard let text = strerror(errno) else { return "error \(errno)" }
        return String(cString: text)
    }
}

/// An error from fingerprinting a file.
public enum FingerprintError: Error, Equatable, CustomStringConvertible {
    /// The file could not be opened or read; `reason` is the system's explanation.
    case unreadable(path: String, reason: String)

    public var description: String {
        switch self {
        case .unreadable(let path, let reason):
            "cannot read `\(path)` to fingerprint it: \(reason)"
        }
    }
}
