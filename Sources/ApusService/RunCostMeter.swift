import ApusStore
import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Measures what a run costs: CPU seconds of the whole process, wall time, peak resident
/// memory, and energy.
///
/// Energy is read from the CPU's RAPL counters (`/sys/class/powercap/intel-rapl:N/energy_uj`,
/// the package domains) where they are readable, which measures the whole package,
/// other processes included. Elsewhere (most containers and VMs, where the counters are
/// root-only or absent) it is estimated as CPU seconds × `wattsPerCore` (10 W per busy
/// core, or `APUS_WATTS_PER_CORE`), in the spirit of CodeCarbon's fallback to a share of
/// the CPU's rated power when it cannot measure.
public struct RunCostMeter: Sendable {
    /// The watts one fully busy core is taken to draw when energy cannot be measured.
    public static let defaultWattsPerCore = 10.0

    private let startWall: Double
    private let startCPU: Double
    private let startEnergy: [RAPLDomain: Double]?
    private let wattsPerCore: Double

    /// Where the RAPL counters are read from.
    private let powercap: String

    /// Starts measuring now.
    ///
    /// - Parameter powercap: The powercap folder (a test points it at a fake one).
    public init(environment: [String: String] = ProcessInfo.processInfo.environment,
                powercap: String = "/sys/class/powercap") {
        self.powercap = powercap
        startWall = Self.monotonicSeconds()
        startCPU = Self.processCPUSeconds()
        startEnergy = Self.readRAPL(root: powercap)
        wattsPerCore = environment["APUS_WATTS_PER_CORE"].flatMap(Double.init).flatMap { $0 > 0 && $0.isFinite ? $0 : nil }
            ?? Self.defaultWattsPerCore
    }

    /// The cost from the start until now.
    public func cost() -> RunCost {
        let wall = Self.monotonicSeconds() - startWall
        let cpu = Self.processCPUSeconds() - startCPU
        var joules = cpu * wattsPerCore
        var method = "estimate"
        if let startEnergy, let endEnergy = Self.readRAPL(root: powercap), Set(startEnergy.keys) == Set(endEnergy.keys) {
            var total = 0.0
            for (domain, start) in startEnergy {
                var delta = endEnergy[domain]! - start
                if delta < 0 { delta += domain.rangeMicrojoules }  // the counter wrapped
                total += delta
            }
            joules = total / 1e6
            method = "rapl"
        }
        return RunCost(cpuSeconds: cpu, wallSeconds: wall, peakMemoryBytes: Self.peakResidentBytes(),
                       energyJoules: joules, energyMethod: method)
    }

    struct RAPLDomain: Hashable, Sendable {
        let path: String
        let rangeMicrojoules: Double
    }

    /// The package domains' counters in microjoules, or nil when none is readable.
    static func readRAPL(root: String) -> [RAPLDomain: Double]? {
        guard let entries = try? FileManager.default.contentsOfDirectory(atPath: root) else { return nil }
        var values: [RAPLDomain: Double] = [:]
        // Top-level domains are `intel-rapl:N` (packages); `intel-rapl:N:M` are parts of them.
        for entry in entries where entry.hasPrefix("intel-rapl:") && entry.split(separator: ":").count == 2 {
            let path = "\(root)/\(entry)"
            guard let energy = readNumber("\(path)/energy_uj") else { return nil }
            let range = readNumber("\(path)/max_energy_range_uj") ?? 0
            values[RAPLDomain(path: path, rangeMicrojoules: range)] = energy
        }
        return values.isEmpty ? nil : values
    }

    private static func readNumber(_ path: String) -> Double? {
        guard let text = try? String(contentsOfFile: path, encoding: .utf8) else { return nil }
        return Double(text.trimmingCharacters(in: .whitespacesAndNewlines))
    }

    #if canImport(Glibc)
    private static let selfUsage = Int32(RUSAGE_SELF.rawValue)
    #else
    private static let selfUsage = RUSAGE_SELF
    #endif

    static func monotonicSeconds() -> Double {
        var spec = timespec()
        clock_gettime(CLOCK_MONOTONIC, &spec)
        return Double(spec.tv_sec) + Double(spec.tv_nsec) / 1e9
    }

    /// User and system CPU seconds of every thread of this process so far.
    static func processCPUSeconds() -> Double {
        var usage = rusage()
        getrusage(Self.selfUsage, &usage)
        func seconds(_ time: timeval) -> Double { Double(time.tv_sec) + Double(time.tv_usec) / 1e6 }
        return seconds(usage.ru_utime) + seconds(usage.ru_stime)
    }

    /// The peak resident memory of this process (VmHWM), in bytes.
    static func peakResidentBytes() -> Int64 {
        if let text = try? String(contentsOfFile: "/proc/self/status", encoding: .utf8),
           let line = text.split(separator: "\n").first(where: { $0.hasPrefix("VmHWM:") }),
           let kilobytes = Int64(line.filter(\.isNumber)) {
            return kilobytes * 1024
        }
        var usage = rusage()
        getrusage(Self.selfUsage, &usage)
        return Int64(usage.ru_maxrss) * 1024
    }
}
