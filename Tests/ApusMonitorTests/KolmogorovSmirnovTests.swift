import Testing
@testable import ApusMonitor

@Suite("Kolmogorov–Smirnov against scipy")
struct KolmogorovSmirnovTests {
    static let cases = ["small_equal", "small_unequal", "ties", "nans", "exact_large", "exact_small_p", "identical",
                        "asymp_durbin", "asymp_smirnov", "asymp_small_n", "asymp_tiny_p", "asymp_pelz_good"]

    @Test("ks_2samp statistic to 1e-9 and p-value to 1e-6", arguments: cases)
    func matchesScipy(name: String) throws {
        let v = try DriftReference.values("ks_\(name).txt")
        let reference = try #require(v["reference"]), current = try #require(v["current"])
        let result = try KolmogorovSmirnov.test(reference: reference, current: current)
        let statistic = try #require(v["ks_statistic"]?.first), p = try #require(v["ks_pvalue"]?.first)
        #expect(DriftReference.close(result.statistic, statistic, relative: 1e-9, absolute: 1e-15), "\(result.statistic) vs \(statistic)")
        #expect(DriftReference.close(result.pValue, p, relative: 1e-6, absolute: 1e-12), "\(result.pValue) vs \(p)")
        let exact = max(result.referenceCount, result.currentCount) <= 10_000
        #expect(result.method == (exact ? .exact : .asymptotic))
        #expect(result.referenceCount + result.referenceMissing == reference.count)
        #expect(result.currentCount + result.currentMissing == current.count)
    }

    @Test("NaN values are removed and counted")
    func missingCounted() throws {
        let v = try DriftReference.values("ks_nans.txt")
        let result = try KolmogorovSmirnov.test(reference: try #require(v["reference"]), current: try #require(v["current"]))
        #expect(result.referenceMissing == 3)
        #expect(result.currentMissing == 2)
        #expect(result.referenceCount == 47)
    }

    @Test("kstwo.sf over every regime (Ruben–Gambino, Smirnov, Durbin, Pomeranz, Pelz–Good)")
    func kolmogorovDistribution() throws {
        let rows = try DriftReference.rows("kstwo.txt")
        #expect(rows.count > 100)
        var worst = 0.0
        for row in rows {
            let n = Int(row[0]), x = row[1], expected = row[2]
            let actual = KolmogorovDistribution.survival(n: n, x: x)
            #expect(DriftReference.close(actual, expected, relative: 1e-6, absolute: 1e-12), "n \(n) x \(x): \(actual) vs \(expected)")
            if expected > 1e-12 { worst = max(worst, abs(actual - expected) / expected) }
        }
        print("kstwo.sf worst relative difference: \(worst)")
    }

    @Test("hand-computed exact p-value for 3 against 3 fully separated")
    func handComputed() throws {
        // D = 1; two of the C(6, 3) = 20 orderings separate the samples completely.
        let result = try KolmogorovSmirnov.test(reference: [1, 2, 3], current: [4, 5, 6])
        #expect(result.statistic == 1)
        #expect(abs(result.pValue - 0.1) < 1e-15)
    }

    @Test("a sample that is empty once NaN values are removed is named")
    func emptySample() {
        do {
            _ = try KolmogorovSmirnov.test(reference: [1, 2], current: [.nan, .nan])
            Issue.record("expected an error")
        } catch {
            #expect(error == .emptySample(argument: "current", missing: 2))
            #expect(error.description == "current is empty after removing 2 missing (NaN) values")
        }
        do {
            _ = try KolmogorovSmirnov.test(reference: [], current: [1])
            Issue.record("expected an error")
        } catch {
            #expect(error.description == "reference is empty after removing 0 missing (NaN) values")
        }
    }
}
