import Testing
@testable import ApusMonitor

@Suite("Wasserstein, histograms, binned PSI and Jensen–Shannon against scipy and numpy")
struct ContinuousDriftTests {
    @Test("wasserstein_distance, Evidently's normed form, numpy histogram, jensenshannon",
          arguments: KolmogorovSmirnovTests.cases)
    func matchesScipy(name: String) throws {
        let v = try DriftReference.values("ks_\(name).txt")
        let reference = try #require(v["reference"]), current = try #require(v["current"])
        let w = try Wasserstein.distance(reference: reference, current: current)
        let expected = try #require(v["wasserstein"]?.first)
        #expect(DriftReference.close(w, expected, relative: 1e-9, absolute: 1e-15), "\(w) vs \(expected)")
        let normed = try Wasserstein.normalizedDistance(reference: reference, current: current)
        #expect(DriftReference.close(normed, try #require(v["wasserstein_normed"]?.first), relative: 1e-9, absolute: 1e-15))
        let bins = Int(try #require(v["bins"]?.first))
        let h = try BinnedDrift.histogram(reference: reference, current: current, bins: bins)
        #expect(h.reference == v["reference_counts"])
        #expect(h.current == v["current_counts"])
        #expect(h.edges == v["edges"])
        #expect(Double(try BinnedDrift.sturgesBinCount(reference: reference, current: current)) == v["sturges_bins"]?.first)
        let js = try BinnedDrift.jensenShannon(reference: h.reference, current: h.current)
        #expect(DriftReference.close(js, try #require(v["js"]?.first), relative: 1e-9, absolute: 1e-15))
        let js2 = try BinnedDrift.jensenShannon(reference: h.reference, current: h.current, base: 2)
        #expect(DriftReference.close(js2, try #require(v["js_base2"]?.first), relative: 1e-9, absolute: 1e-15))
        let psi = try BinnedDrift.psi(reference: h.reference, current: h.current)
        #expect(DriftReference.close(psi.value, try #require(v["psi"]?.first), relative: 1e-9, absolute: 1e-15))
    }

    @Test("hand-computed Wasserstein: moving every unit mass by 1")
    func handComputed() throws {
        #expect(try Wasserstein.distance(reference: [0, 1, 3], current: [1, 2, 4]) == 1)
        // Reference standard deviation of [0, 2] is 1.
        #expect(try Wasserstein.normalizedDistance(reference: [0, 2], current: [3, 5]) == 3)
    }

    @Test("empty samples are named")
    func emptySample() {
        do {
            _ = try Wasserstein.distance(reference: [.nan], current: [1])
            Issue.record("expected an error")
        } catch {
            #expect(error == .emptySample(argument: "reference", missing: 1))
        }
        do {
            _ = try BinnedDrift.histogram(reference: [1], current: [2], bins: 0)
            Issue.record("expected an error")
        } catch {
            #expect(error.description == "bins = 0.0 is out of range")
        }
    }
}
