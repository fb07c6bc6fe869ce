import ApusTable
import Testing
@testable import ApusMonitor

@Suite("Drift from profiles against the exact sample statistics")
struct ProfileDriftTests {
    static func profiles(shift: Double, seed: UInt64) throws -> (reference: [Double], current: [Double], drift: NumericProfileDrift) {
        let reference = ProfileSamples.values("normal", count: 200_000, seed: seed)
        let current = ProfileSamples.values("normal", count: 200_000, seed: seed + 1, shift: shift)
        let table = try Table([(name: "x", column: .numeric(NumericColumn(reference)))])
        let profile = try DataProfile.make(table: table)
        guard case .numeric(let r)? = profile["x"] else { throw DriftError.unknownColumn("x") }
        let c = try NumericProfile(name: "x", values: current, edges: r.edges)
        return (reference, current, try ProfileDrift.numeric(reference: r, current: c))
    }

    @Test("200k against 200k: sketch KS within 0.01 of the exact statistic, Wasserstein close, PSI as BinnedDrift",
          arguments: [0.0, 0.05, 0.3, 1.0])
    func againstExact(shift: Double) throws {
        let (reference, current, drift) = try Self.profiles(shift: shift, seed: 21)
        let exact = try KolmogorovSmirnov.test(reference: reference, current: current)
        let wasserstein = try Wasserstein.distance(reference: reference, current: current)
        let normalized = try Wasserstein.normalizedDistance(reference: reference, current: current)
        print("shift \(shift): KS \(drift.ksStatistic) vs \(exact.statistic), p \(drift.ksPValue) (≤ \(drift.ksPValueUpperBound)) vs \(exact.pValue); "
              + "W \(drift.wasserstein) vs \(wasserstein) (normed \(drift.normalizedWasserstein) vs \(normalized)); PSI \(drift.psi.value)")
        #expect(drift.approximate)
        #expect(abs(drift.ksStatistic - exact.statistic) <= 0.01)
        // The sketches' CDF errors put a floor under the Wasserstein estimate's error (measured
        // ≤ 0.007 σ here); relative to the distance it is within 2% once the shift is 0.3 σ or more.
        #expect(abs(drift.wasserstein - wasserstein) <= 0.01)
        if shift >= 0.3 {
            #expect(abs(drift.wasserstein - wasserstein) <= 0.02 * wasserstein)
            #expect(abs(drift.normalizedWasserstein - normalized) <= 0.02 * normalized)
        }
        #expect(drift.referenceCount == 200_000 && drift.currentCount == 200_000)
        // The upper bound on the p-value never falls below the exact test's.
        #expect(drift.ksPValueUpperBound >= exact.pValue)
        #expect(drift.ksPValueUpperBound >= drift.ksPValue)
    }

    @Test("PSI and JS equal BinnedDrift on the profiles' histograms; p-value from kstwo at round(mn/(m+n))")
    func binned() throws {
        let reference = try NumericProfile(name: "x", values: ProfileSamples.values("uniform", count: 5_000, seed: 1), edges: [0, 0.25, 0.5, 0.75, 1])
        let current = try NumericProfile(name: "x", values: ProfileSamples.values("uniform", count: 3_000, seed: 2, shift: 0.1), edges: [0, 0.25, 0.5, 0.75, 1])
        let drift = try ProfileDrift.numeric(reference: reference, current: current)
        #expect(drift.psi == (try BinnedDrift.psi(reference: reference.histogram, current: current.histogram)))
        #expect(drift.jensenShannon == (try BinnedDrift.jensenShannon(reference: reference.histogram, current: current.histogram)))
        #expect(current.overflow > 0 && reference.overflow == 0)
        #expect(drift.ksPValue == KolmogorovDistribution.survival(n: 1875, x: drift.ksStatistic))
    }

    @Test("small samples: the sketches are exact, so KS and Wasserstein equal the sample statistics")
    func exactWhenSmall() throws {
        let a = ProfileSamples.values("lognormal", count: 150, seed: 4)
        let b = ProfileSamples.values("lognormal", count: 120, seed: 5, shift: 0.2) + [.nan]
        let drift = try ProfileDrift.numeric(reference: NumericProfile(name: "x", values: a, edges: [0, 1, 2]),
                                             current: NumericProfile(name: "x", values: b, edges: [0, 1, 2]))
        #expect(!drift.approximate && drift.currentMissing == 1 && drift.ksPValueUpperBound == drift.ksPValue)
        let exact = try KolmogorovSmirnov.test(reference: a, current: b)
        #expect(abs(drift.ksStatistic - exact.statistic) < 1e-12)
        #expect(abs(drift.wasserstein - (try Wasserstein.distance(reference: a, current: b))) < 1e-12)
        #expect(abs(drift.normalizedWasserstein - (try Wasserstein.normalizedDistance(reference: a, current: b))) < 1e-12)
    }

    @Test("categorical drift equals ChiSquare, PSI and JS on the aligned counts (absent levels count 0)")
    func categorical() throws {
        let reference = try CategoricalProfile(name: "c", levels: ["a", "b", "c"], counts: [50, 30, 20], missing: 3)
        let current = try CategoricalProfile(name: "c", levels: ["c", "a", "d"], counts: [40, 45, 15])
        let drift = try ProfileDrift.categorical(reference: reference, current: current)
        #expect(drift.levels == ["a", "b", "c", "d"])
        #expect(drift.referenceCounts == [50, 30, 20, 0] && drift.currentCounts == [45, 0, 40, 15])
        #expect(drift.chiSquare == (try ChiSquare.test(reference: [50, 30, 20, 0], current: [45, 0, 40, 15])))
        #expect(drift.psi == (try BinnedDrift.psi(reference: [50, 30, 20, 0], current: [45, 0, 40, 15])))
        #expect(drift.jensenShannon == (try BinnedDrift.jensenShannon(reference: [50, 30, 20, 0], current: [45, 0, 40, 15])))
        #expect(drift.referenceMissing == 3)
    }

    @Test("mismatched and empty profiles are refused, naming the column")
    func errors() throws {
        let x = try NumericProfile(name: "x", values: [1, 2], edges: [0, 5])
        do {
            _ = try ProfileDrift.numeric(reference: x, current: NumericProfile(name: "x", values: [1], edges: [0, 4]))
            Issue.record("expected an error")
        } catch {
            #expect(error.description == "column x: the current profile was not made on the reference's histogram edges")
        }
        do {
            _ = try ProfileDrift.numeric(reference: x, current: NumericProfile(name: "x", values: [.nan], edges: [0, 5]))
            Issue.record("expected an error")
        } catch {
            #expect(error.description == "current is empty after removing 1 missing (NaN) value")
        }
        do {
            _ = try ProfileDrift.compare(reference: .numeric(x), current: .categorical(CategoricalProfile(name: "x", levels: [], counts: [])))
            Issue.record("expected an error")
        } catch {
            #expect(error.description == "column x: the reference profile is numeric but the current one is categorical")
        }
        let table = try ProfileTests.table()
        let reference = try DataProfile.make(table: table, bins: 4)
        let results = try ProfileDrift.compare(reference: reference, current: DataProfile.make(table: table, like: reference))
        #expect(results.map(\.name) == ["x", "ties", "colour", "flag"])
        if case .numeric(let same) = results[0].drift { #expect(same.ksStatistic == 0 && same.psi.value == 0) }
    }
}
