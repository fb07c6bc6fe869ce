#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Where CSV bytes come from: a file read with `read(2)`, or bytes in memory.
protocol ByteSource: AnyObject {
    /// Total size in bytes, when known.
    var size: Int? { get }
    /// Reads up to `count` bytes; 0 means the end.
    func read(into buffer: UnsafeMutablePointer<UInt8>, count: Int) throws -> Int
}

/// A file opened for reading, closed when released.
final class FileByteSource: ByteSource {
    private let descriptor: Int32
    private let path: String
    let size: Int?

    init(path: String) throws {
        self.path = path
        descriptor = open(path, O_RDONLY)
        guard descriptor >= 0 else {
            throw CSVError(.cannotOpen(String(cString: strerror(errno))), file: path)
        }
        var info = stat()
        if fstat(descriptor, &info) == 0 {
            if (info.st_mode & S_IFMT) == S_IFDIR {
                close(descriptor)
                throw CSVError(.cannotOpen("it is a directory"), file: path)
            }
            size = Int(info.st_size)
        } else {
            size = nil
        }
    }

    deinit { close(descriptor) }

    /// Whether `path` names a regular file (not a pipe, device or directory).
    static func isRegularFile(_ path: String) -> Bool {
        var info = stat()
        return stat(path, &info) == 0 && (info.st_mode & S_IFMT) == S_IFREG
    }

    /// All the bytes that reading `path` gives (for pipes and devices).
    static func readAll(path: String) throws -> [UInt8] {
        let source = try FileByteSource(path: path)
        var bytes: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 1 << 20)
        while true {
            let n = try chunk.withUnsafeMutableBufferPointer { try source.read(into: $0.baseAddress!, count: $0.count) }
            if n == 0 { return bytes }
            bytes += chunk[0..<n]
        }
    }

    func read(into buffer: UnsafeMutablePointer<UInt8>, count: Int) throws -> Int {
        while true {
            let n = Glibc.read(descriptor, buffer, count)
            if n >= 0 { return n }
            if errno == EINTR { continue }
            throw CSVError(.cannotOpen(String(cString: strerror(errno))), file: path)
        }
    }
}

/// Bytes already in memory.
final class MemoryByteSource: ByteSource {
    private let bytes: [UInt8]
    private var position = 0
    var size: Int? { bytes.count }

    init(_ bytes: [UInt8]) { self.bytes = bytes }

    func read(into buffer: UnsafeMutablePointer<UInt8>, count: Int) throws -> Int {
        let n = min(count, bytes.count - position)
        bytes.withUnsafeBufferPointer { source in
            if n > 0 { buffer.update(from: source.baseAddress! + position, count: n) }
        }
        position += n
        return n
    }
}

/// A growable byte buffer that is refilled from a source, keeping unparsed bytes.
final class ReadBuffer {
    private(set) var base: UnsafeMutablePointer<UInt8>
    private(set) var capacity: Int
    /// Bytes in the buffer.
    private(set) var filled = 0
    /// Whether the source has no more bytes.
    private(set) var isEndOfInput = false
    /// Bytes taken from the source so far.
    private(set) var bytesRead = 0
    private let source: ByteSource

    init(source: ByteSource, capacity: Int) {
        self.source = source
        self.capacity = max(capacity, 1)
        base = .allocate(capacity: self.capacity)
    }

    deinit { base.deallocate() }

    /// Drops the first `consumed` bytes, doubles the buffer if it is still full, and reads
    /// until it is full or the source ends.
    func refill(dropping consumed: Int, maximumCapacity: Int) throws {
        if consumed > 0 {
            (base).update(from: base + consumed, count: filled - consumed)
            filled -= consumed
        }
        if filled == capacity && capacity < maximumCapacity {
            let larger = min(capacity * 2, maximumCapacity)
            let grown = UnsafeMutablePointer<UInt8>.allocate(capacity: larger)
            grown.update(from: base, count: filled)
            base.deallocate()
            base = grown
            capacity = larger
        }
        while filled < capacity && !isEndOfInput {
            let n = try source.read(into: base + filled, count: capacity - filled)
            if n == 0 { isEndOfInput = true }
            filled += n
            bytesRead += n
        }
    }
}
