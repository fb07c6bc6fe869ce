import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Who and where this process is: enough to tell, later, whether the process that started
/// a run is still alive (a pid alone can be reused).
public enum ProcessIdentity {
    /// This process's id.
    public static var pid: Int { Int(getpid()) }

    /// The host name.
    public static var host: String {
        var buffer = [CChar](repeating: 0, count: 256)
        guard gethostname(&buffer, buffer.count - 1) == 0 else { return "unknown-host" }
        return String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }

    /// When process `pid` started, in clock ticks since boot (field 22 of /proc/PID/stat);
    /// empty where /proc is not readable.
    public static func startTime(of pid: Int) -> String {
        guard let text = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8),
              let close = text.lastIndex(of: ")") else { return "" }
        // Fields after the command name (which may hold spaces) start at field 3.
        let fields = text[text.index(after: close)...].split(separator: " ")
        return fields.count > 19 ? String(fields[19]) : ""
    }

    /// This process's start time.
    public static var startTime: String { startTime(of: pid) }

    /// True when process `pid` exists and started at `start` (when `start` is known).
    public static func isAlive(pid: Int, start: String) -> Bool {
        guard pid > 0, pid <= Int(Int32.max) else { return false }
        if kill(pid_t(pid), 0) != 0 && errno == ESRCH { return false }
        guard !start.isEmpty else { return true }
        let now = startTime(of: pid)
        return now.isEmpty || now == start
    }

    /// The person running Apus: `APUS_USER` if set, else the operating system's user name.
    public static func currentUser(environment: [String: String] = ProcessInfo.processInfo.environment) -> String {
        if let user = environment["APUS_USER"], !user.isEmpty { return user }
        if let entry = getpwuid(geteuid()), let name = entry.pointee.pw_name {
            return String(cString: name)
        }
        return environment["USER"] ?? "uid-\(geteuid())"
    }
}
