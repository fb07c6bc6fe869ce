import ApusTable
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Output to the person at the terminal.
enum Terminal {
    /// Whether standard error is a terminal (progress is shown only then).
    static var standardErrorIsTerminal: Bool { isatty(STDERR_FILENO) == 1 }

    /// Writes `text` to standard error without a newline.
    static func writeError(_ text: String) {
        var text = text
        text.withUTF8 { bytes in
            var offset = 0
            while offset < bytes.count {
                let n = write(STDERR_FILENO, bytes.baseAddress! + offset, bytes.count - offset)
                if n <= 0 { break }
                offset += n
            }
        }
    }

    /// Seconds since an arbitrary start, for rates and estimates.
    static func now() -> Double {
        var spec = timespec()
        clock_gettime(CLOCK_MONOTONIC, &spec)
        return Double(spec.tv_sec) + Double(spec.tv_nsec) / 1e9
    }
}

/// A one-line progress bar on standard error, shown only on a terminal and redrawn at
/// most ten times a second: `label [#####.....]  45%  99 MB of 220 MB  0:01 left`.
final class ProgressBar: @unchecked Sendable {
    private let label: String
    private let unit: String
    private let scale: Double
    private let enabled: Bool
    private let started = Terminal.now()
    private var lastDraw = 0.0
    private var drawn = false

    /// - Parameters:
    ///   - unit: what is counted, shown after the numbers (`MB`, `rows`).
    ///   - scale: divides the counts for display (1e6 for bytes shown as MB).
    init(_ label: String, unit: String, scale: Double = 1, enabled: Bool = Terminal.standardErrorIsTerminal) {
        self.label = label
        self.unit = unit
        self.scale = scale
        self.enabled = enabled
    }

    /// Shows `done` of `total`, then `detail` (a current metric, say).
    func update(_ done: Int, of total: Int, detail: String = "") {
        guard enabled else { return }
        let now = Terminal.now()
        guard now - lastDraw >= 0.1 || done >= total else { return }
        lastDraw = now
        drawn = true
        let fraction = total > 0 ? min(1, Double(done) / Double(total)) : 0
        let width = 24
        let filled = Int(fraction * Double(width))
        let bar = String(repeating: "#", count: filled) + String(repeating: ".", count: width - filled)
        let elapsed = now - started
        let left = fraction > 0.02 ? elapsed / fraction - elapsed : nil
        let counts = "\(Self.format(Double(done) / scale)) of \(Self.format(Double(total) / scale)) \(unit)"
        let eta = left.map { "  \(Self.clock($0)) left" } ?? ""
        let extra = detail.isEmpty ? "" : "  \(detail)"
        Terminal.writeError("\r\(label) [\(bar)] \(String(repeating: " ", count: fraction < 0.1 ? 2 : fraction < 1 ? 1 : 0))\(Int(fraction * 100))%  \(counts)\(extra)\(eta)\u{1B}[K")
    }

    /// Clears the line, if anything was drawn.
    func finish() {
        guard enabled && drawn else { return }
        Terminal.writeError("\r\u{1B}[K")
    }

    private static func format(_ value: Double) -> String {
        value >= 100 || value == value.rounded() ? formatCount(Int(value.rounded())) : NumberFormatting.formatFixed(value, decimals: 1)
    }

    private static func clock(_ seconds: Double) -> String {
        let whole = Int(seconds.rounded())
        return "\(whole / 60):\(whole % 60 < 10 ? "0" : "")\(whole % 60)"
    }
}
