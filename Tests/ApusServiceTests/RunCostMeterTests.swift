import Foundation
import Testing
@testable import ApusService

@Suite struct RunCostMeterTests {
    /// A fake powercap folder: package domains `intel-rapl:N` with a sub-domain each.
    final class FakePowercap {
        let root = NSTemporaryDirectory() + "apus-powercap-\(UUID().uuidString)"

        init(packages: [(energy: Int, range: Int)]) throws {
            for (index, package) in packages.enumerated() {
                try set(package: index, energy: package.energy, range: package.range)
                let sub = "\(root)/intel-rapl:\(index):0"
                try FileManager.default.createDirectory(atPath: sub, withIntermediateDirectories: true)
                try "999999999\n".write(toFile: sub + "/energy_uj", atomically: true, encoding: .utf8)
            }
        }

        func set(package: Int, energy: Int, range: Int) throws {
            let folder = "\(root)/intel-rapl:\(package)"
            try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
            try "\(energy)\n".write(toFile: folder + "/energy_uj", atomically: true, encoding: .utf8)
            try "\(range)\n".write(toFile: folder + "/max_energy_range_uj", atomically: true, encoding: .utf8)
        }

        deinit { try? FileManager.default.removeItem(atPath: root) }
    }

    @Test func energyIsTheSumOfThePackageCountersDeltasAcrossAWrap() throws {
        let fake = try FakePowercap(packages: [(energy: 5_000_000, range: 10_000_000), (energy: 9_000_000, range: 10_000_000)])
        let meter = RunCostMeter(environment: [:], powercap: fake.root)
        // Package 0 gains 2 J; package 1 wraps past its 10 J range and gains 1.5 J. The
        // sub-domains (intel-rapl:N:0) are parts of the packages and are not added again.
        try fake.set(package: 0, energy: 7_000_000, range: 10_000_000)
        try fake.set(package: 1, energy: 500_000, range: 10_000_000)
        let cost = meter.cost()
        #expect(cost.energyMethod == "rapl")
        #expect(abs(cost.energyJoules - 3.5) < 1e-9)
    }

    @Test func withoutCountersEnergyIsCPUSecondsTimesWattsPerCore() {
        let meter = RunCostMeter(environment: ["APUS_WATTS_PER_CORE": "20"], powercap: "/nonexistent-powercap")
        var x = 0.0
        for i in 0..<3_000_000 { x += Double(i).squareRoot() }
        let cost = meter.cost()
        #expect(x > 0)
        #expect(cost.energyMethod == "estimate")
        #expect(cost.cpuSeconds > 0)
        #expect(abs(cost.energyJoules - cost.cpuSeconds * 20) < 1e-9)
        #expect(cost.wallSeconds > 0 && cost.peakMemoryBytes > 1_000_000)
    }

    @Test func aBadWattsFigureFallsBackToTheDocumentedDefault() {
        let meter = RunCostMeter(environment: ["APUS_WATTS_PER_CORE": "-3"], powercap: "/nonexistent-powercap")
        let cost = meter.cost()
        #expect(abs(cost.energyJoules - cost.cpuSeconds * RunCostMeter.defaultWattsPerCore) < 1e-9)
    }
}
