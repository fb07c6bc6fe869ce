import Foundation
import Testing
@testable import ApusMonitor

@Suite("Chi-square, Cramér's V, PSI and Jensen–Shannon against scipy")
struct CategoricalDriftTests {
    @Test("chi2_contingency and association(method='cramer')", arguments: ["2x2", "2x2_small", "2x4", "2x6_empty", "2x3_shift"])
    func chiSquare(name: String) throws {
        let v = try DriftReference.values("chi2_\(name).txt")
        let result = try ChiSquare.test(reference: try #require(v["reference"]), current: try #require(v["current"]))
        let statistic = try #require(v["chi2_statistic"]?.first), p = try #require(v["chi2_pvalue"]?.first)
        #expect(DriftReference.close(result.statistic, statistic, relative: 1e-9), "\(result.statistic) vs \(statistic)")
        #expect(DriftReference.close(result.pValue, p, relative: 1e-6, absolute: 1e-12), "\(result.pValue) vs \(p)")
        #expect(Double(result.degreesOfFreedom) == v["dof"]?.first)
        let v2 = try #require(v["cramers_v"]?.first)
        #expect(DriftReference.close(result.cramersV, v2, relative: 1e-9), "\(result.cramersV) vs \(v2)")
        #expect(result.emptyCategories == (name == "2x6_empty" ? 1 : 0))
        let js = try BinnedDrift.jensenShannon(reference: try #require(v["reference"]), current: try #require(v["current"]))
        #expect(DriftReference.close(js, try #require(v["js"]?.first), relative: 1e-9))
        let psi = try BinnedDrift.psi(reference: try #require(v["reference"]), current: try #require(v["current"]))
        #expect(DriftReference.close(psi.value, try #require(v["psi"]?.first), relative: 1e-9))
    }

    @Test("chi2.sf (regularised upper incomplete gamma) to 1e-12 relative")
    func incompleteGamma() throws {
        let rows = try DriftReference.rows("chi2sf.txt")
        var worst = 0.0
        for row in rows {
            let dof = Int(row[0]), x = row[1], expected = row[2]
            let actual = IncompleteGamma.chiSquareSurvival(x, degreesOfFreedom: dof)
            #expect(DriftReference.close(actual, expected, relative: 1e-12, absolute: 1e-300), "dof \(dof) x \(x): \(actual) vs \(expected)")
            if expected > 0 { worst = max(worst, abs(actual - expected) / expected) }
        }
        print("chi2.sf worst relative difference: \(worst)")
    }

    @Test("PSI bands at 0.1 and 0.25")
    func psiBands() throws {
        #expect(try BinnedDrift.psi(reference: [50, 50], current: [50, 50]).band == .stable)
        // (0.5 − 0.4)·ln(0.5/0.4) + (0.5 − 0.6)·ln(0.5/0.6) = 0.0405…
        let small = try BinnedDrift.psi(reference: [50, 50], current: [40, 60])
        let byHand: Double = 0.1 * log(1.25) - 0.1 * log(5.0 / 6)
        #expect(abs(small.value - byHand) < 1e-15)
        #expect(small.band == .stable)
        #expect(try BinnedDrift.psi(reference: [50, 50], current: [30, 70]).band == .moderate)
        #expect(try BinnedDrift.psi(reference: [50, 50], current: [20, 80]).band == .significant)
    }

    @Test("bad counts name the argument")
    func badInput() {
        func message(_ body: () throws -> Void) -> String {
            do { try body() } catch { return "\(error)" }
            return "no error"
        }
        #expect(message { _ = try ChiSquare.test(reference: [1, 2], current: [1, 2, 3]) }
            == "reference has 2 categories but current has 3; the count vectors must align")
        #expect(message { _ = try ChiSquare.test(reference: [1, -2], current: [1, 2]) }
            == "reference[1] is -2.0; counts must be finite and non-negative")
        #expect(message { _ = try BinnedDrift.psi(reference: [1, 2], current: [1, .nan]) }
            == "current[1] is nan; counts must be finite and non-negative")
        #expect(message { _ = try BinnedDrift.jensenShannon(reference: [0, 0], current: [1, 2]) }
            == "reference counts add up to zero")
        #expect(message { _ = try BinnedDrift.psi(reference: [1], current: [1], emptyBinProportion: 0) }
            == "emptyBinProportion = 0.0 is out of range")
    }
}
