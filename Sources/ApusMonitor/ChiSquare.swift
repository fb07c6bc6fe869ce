/// The chi-square test of homogeneity on a 2 × k table (reference counts, current counts) as
/// `scipy.stats.chi2_contingency` computes it, with Cramér's V.
public struct ChiSquareResult: Sendable, Equatable {
    /// Σ (observed − expected)² / expected, with Yates' continuity correction when the table is 2 × 2.
    public let statistic: Double
    /// The upper tail of the chi-square distribution at `statistic`.
    public let pValue: Double
    /// k − 1, with k the number of categories seen in either sample.
    public let degreesOfFreedom: Int
    /// √(χ² / N) from the uncorrected statistic (scipy's `contingency.association(method='cramer')`).
    public let cramersV: Double
    /// Categories with no count in either sample, left out of the table.
    public let emptyCategories: Int
}

public enum ChiSquare {
    /// Tests whether `reference` and `current` (counts per category, aligned by index) come from the
    /// same categorical distribution. Categories empty in both samples are left out (scipy would
    /// refuse a zero expected frequency); with one category left the statistic is 0 and p is 1.
    public static func test(reference: [Double], current: [Double]) throws(DriftError) -> ChiSquareResult {
        guard reference.count == current.count else {
            throw .mismatchedCategories(reference: reference.count, current: current.count)
        }
        let referenceTotal = try validatedTotal(reference, argument: "reference")
        let currentTotal = try validatedTotal(current, argument: "current")
        if referenceTotal == 0 { throw .zeroTotal(argument: "reference") }
        if currentTotal == 0 { throw .zeroTotal(argument: "current") }
        let total = referenceTotal + currentTotal
        var categories = 0
        for i in reference.indices where reference[i] + current[i] > 0 { categories += 1 }
        let dof = categories - 1
        var corrected = 0.0, plain = 0.0
        for i in reference.indices where reference[i] + current[i] > 0 {
            let column = reference[i] + current[i]
            for row in 0..<2 {
                let observed = row == 0 ? reference[i] : current[i]
                let expected = (row == 0 ? referenceTotal : currentTotal) * column / total
                let difference = observed - expected
                plain += difference * difference / expected
                let shrunk = dof == 1 ? max(abs(difference) - 0.5, 0) : abs(difference)
                corrected += shrunk * shrunk / expected
            }
        }
        if dof == 0 {
            return ChiSquareResult(statistic: 0, pValue: 1, degreesOfFreedom: 0, cramersV: 0,
                                   emptyCategories: reference.count - categories)
        }
        return ChiSquareResult(
            statistic: corrected,
            pValue: IncompleteGamma.chiSquareSurvival(corrected, degreesOfFreedom: dof),
            degreesOfFreedom: dof,
            cramersV: (plain / total).squareRoot(),
            emptyCategories: reference.count - categories)
    }
}
