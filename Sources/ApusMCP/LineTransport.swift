import Dispatch
import Foundation
import Logging
import MCP
#if canImport(Glibc)
import Glibc
#endif

/// MCP's stdio transport: newline-delimited JSON-RPC on two file descriptors (standard input
/// and output).
///
/// The SDK's `StdioTransport` reads a non-blocking descriptor and sleeps 10 ms whenever it
/// finds nothing, so every request waits up to 10 ms before it is even read (measured: a
/// `ping` took 10.2 ms over it, 0.75 ms against the Python SDK). This one blocks a thread of
/// its own in `read`, so a message is handed on as soon as its newline arrives; writes go
/// through one serial queue, in order.
public actor LineTransport: Transport {
    public nonisolated let logger: Logger
    private let input: Int32
    private let output: Int32
    private let messages: AsyncThrowingStream<Data, any Error>
    private let continuation: AsyncThrowingStream<Data, any Error>.Continuation
    private let writes = DispatchQueue(label: "apus.mcp.line-transport.write")
    private let intercept: (@Sendable (Data, LineTransport) -> Bool)?
    private var started = false

    /// A transport reading messages from `input` and writing them to `output`.
    ///
    /// - Parameter intercept: Offered each message first; when it returns true it has taken
    ///   the message (and answers through ``send(_:)``), which the server then never sees.
    public init(input: Int32 = STDIN_FILENO, output: Int32 = STDOUT_FILENO, logger: Logger,
                intercept: (@Sendable (Data, LineTransport) -> Bool)? = nil) {
        self.input = input
        self.output = output
        self.logger = logger
        self.intercept = intercept
        (messages, continuation) = AsyncThrowingStream<Data, any Error>.makeStream()
    }

    /// Starts reading on a thread of its own; the messages stream ends at end of input.
    public func connect() async throws {
        guard !started else { return }
        started = true
        let input = self.input, continuation = self.continuation, logger = self.logger, intercept = self.intercept
        let reader = Thread { [self] in
            Self.readLines(from: input, logger: logger) { line in
                if let intercept, intercept(line, self) { return }
                continuation.yield(line)
            }
            continuation.finish()
        }
        reader.name = "apus.mcp.line-transport.read"
        reader.start()
    }

    /// Ends the messages stream (the reading thread ends with the input).
    public func disconnect() async {
        continuation.finish()
    }

    /// Writes `data` and a newline, after any message being written.
    public func send(_ data: Data) async throws {
        var buffer = data
        buffer.append(UInt8(ascii: "\n"))
        let line = buffer, output = self.output
        try await withCheckedThrowingContinuation { (done: CheckedContinuation<Void, any Error>) in
            writes.async { done.resume(with: Result { try Self.write(line, to: output) }) }
        }
    }

    public func receive() -> AsyncThrowingStream<Data, any Error> { messages }

    /// Reads `descriptor` until its end (or a read error, logged), handing each non-empty line
    /// on without its newline.
    static func readLines(from descriptor: Int32, logger: Logger, line deliver: (Data) -> Void) {
        var chunk = [UInt8](repeating: 0, count: 1 << 16)
        var pending: [UInt8] = []
        var scanned = 0
        while true {
            let count = chunk.withUnsafeMutableBytes { read(descriptor, $0.baseAddress, $0.count) }
            if count < 0 {
                if errno == EINTR { continue }
                if errno == EAGAIN || errno == EWOULDBLOCK {
                    // A descriptor someone made non-blocking: wait for input instead of spinning.
                    var waiting = pollfd(fd: descriptor, events: Int16(POLLIN), revents: 0)
                    _ = poll(&waiting, 1, -1)
                    continue
                }
                logger.error("reading the MCP input failed", metadata: ["error": "\(StreamError(operation: "read", code: errno))"])
                return
            }
            if count == 0 { break }
            pending.append(contentsOf: chunk[0..<count])
            var start = 0
            while let newline = pending[scanned...].firstIndex(of: UInt8(ascii: "\n")) {
                if newline > start { deliver(Data(pending[start..<newline])) }
                start = newline + 1
                scanned = start
            }
            if start > 0 {
                pending.removeFirst(start)
            }
            scanned = pending.count
        }
        if !pending.isEmpty { deliver(Data(pending)) }
    }

    private static func write(_ data: Data, to descriptor: Int32) throws {
        try data.withUnsafeBytes { (bytes: UnsafeRawBufferPointer) in
            var offset = 0
            while offset < bytes.count {
                let written = Glibc.write(descriptor, bytes.baseAddress! + offset, bytes.count - offset)
                if written < 0 {
                    if errno == EINTR { continue }
                    if errno == EAGAIN || errno == EWOULDBLOCK {
                        var waiting = pollfd(fd: descriptor, events: Int16(POLLOUT), revents: 0)
                        _ = poll(&waiting, 1, -1)
                        continue
                    }
                    throw MCPError.transportError(StreamError(operation: "write", code: errno))
                }
                offset += written
            }
        }
    }
}

/// A failed read or write of the transport's descriptors.
struct StreamError: Error, CustomStringConvertible {
    let operation: String
    let code: Int32
    var description: String { "\(operation) failed: \(String(cString: strerror(code)))" }
}
