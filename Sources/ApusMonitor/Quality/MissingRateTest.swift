#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The one-sided two-proportion z-test of "the current missing share is higher than
/// training's".
///
/// With x₁ of n₁ training rows and x₂ of n₂ current rows missing, p̂ = (x₁ + x₂)/(n₁ + n₂)
/// pools the two, z = (x₂/n₂ − x₁/n₁) / √(p̂(1 − p̂)(1/n₁ + 1/n₂)), and the p-value is the
/// upper normal tail ½·erfc(z/√2) (as `statsmodels`' `proportions_ztest(...,
/// alternative='larger')`). x₁ is the training rate times n₁, rounded.
enum MissingRateTest {
    struct Result: Equatable {
        let z: Double
        let pValue: Double
    }

    /// The test, or `nil` when it cannot be made: no training rows, or both samples all
    /// missing or all present (no variance, and no rise either).
    static func test(trainingRate: Double, trainingRows: Int, currentMissing: Int, currentRows: Int) -> Result? {
        guard trainingRows > 0, currentRows > 0, trainingRate.isFinite else { return nil }
        let n1 = Double(trainingRows), n2 = Double(currentRows)
        let x1 = (min(max(trainingRate, 0), 1) * n1).rounded()
        let x2 = Double(currentMissing)
        let pooled = (x1 + x2) / (n1 + n2)
        let variance = pooled * (1 - pooled) * (1 / n1 + 1 / n2)
        guard variance > 0 else { return nil }
        let z = (x2 / n2 - x1 / n1) / variance.squareRoot()
        return Result(z: z, pValue: 0.5 * erfc(z / 2.0.squareRoot()))
    }
}
