import ApusStore
import Foundation
import Logging

/// Structured logs: one JSON object per line on standard error, with the time (UTC, ms),
/// level, label, message and metadata (`request_id`, `reference`, `version`, ...), so a log
/// collector reads them without parsing text.
public struct JSONLogHandler: LogHandler {
    public var metadata: Logger.Metadata = [:]
    public var metadataProvider: Logger.MetadataProvider?
    public var logLevel: Logger.Level
    private let label: String
    private let write: @Sendable ([UInt8]) -> Void

    /// A handler for `label` at `level`, writing lines with `write` (standard error by default).
    public init(label: String, level: Logger.Level = .info,
                write: @escaping @Sendable ([UInt8]) -> Void = JSONLogHandler.standardError) {
        self.label = label
        self.logLevel = level
        self.write = write
    }

    public subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    public func log(event: LogEvent) {
        var merged = metadata
        if let provided = metadataProvider?.get() { merged.merge(provided) { _, new in new } }
        if let extra = event.metadata { merged.merge(extra) { _, new in new } }
        var json = JSONWriter(capacity: 256)
        json.byte(UInt8(ascii: "{"))
        json.member("time", StoreClock.now(), first: true)
        json.member("level", event.level.rawValue)
        json.member("logger", label)
        json.member("message", event.message.description)
        if let error = event.error { json.member("error", "\(error)") }
        for (key, value) in merged.sorted(by: { $0.key < $1.key }) {
            json.member(key, "\(value)")
        }
        json.byte(UInt8(ascii: "}"))
        json.byte(0x0A)
        write(json.bytes)
    }

    /// Writes a line to standard error in one `write(2)`, so lines from threads do not interleave.
    public static let standardError: @Sendable ([UInt8]) -> Void = { bytes in
        bytes.withUnsafeBytes { buffer in _ = Foundation.write(2, buffer.baseAddress, buffer.count) }
    }
}
