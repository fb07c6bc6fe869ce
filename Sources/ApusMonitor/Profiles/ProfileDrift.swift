/// Drift between a numeric reference profile and a current one made on the same edges.
///
/// PSI and Jensen–Shannon are exact for the shared histogram (underflow, bins, overflow). The
/// Kolmogorov–Smirnov statistic and the Wasserstein distances come from the two quantile sketches
/// and are approximate (`approximate`) unless neither sketch has compacted anything: each sketch
/// CDF is within its rank-error bound ε of the true one, so the KS statistic is within 2ε of the
/// exact one (about 0.01 for k = 200 in the tests).
public struct NumericProfileDrift: Sendable, Equatable {
    /// PSI on the shared histogram (Evidently's empty-bin rule), exact.
    public let psi: PSIResult
    /// Jensen–Shannon distance (natural logarithm) on the shared histogram, exact.
    public let jensenShannon: Double
    /// max |F_reference − F_current| over the union of both sketches' items.
    public let ksStatistic: Double
    /// `kstwo.sf(ksStatistic, round(m·n/(m+n)))`, the asymptotic two-sided p-value, m and n the
    /// present counts (the exact small-sample p-value needs the samples).
    public let ksPValue: Double
    /// The p-value at `ksStatistic` minus the sketches' error bounds (ε_reference + ε_current, 0
    /// for an exact sketch): an upper bound on the exact test's p-value. Use it to decide: the sketch
    /// statistic overstates D by up to about 0.01, which at large n alone makes `ksPValue` tiny
    /// (200k against 200k of one population: `ksPValue` 8e-9 where the exact test gives 0.21).
    public let ksPValueUpperBound: Double
    /// ∫ |F_reference − F_current| dx over the sketches' CDFs.
    public let wasserstein: Double
    /// `wasserstein` ÷ the reference's population standard deviation (from its moments, floored
    /// at 0.001), Evidently's normalised form.
    public let normalizedWasserstein: Double
    /// Whether the KS and Wasserstein numbers are estimates from compacted sketches (false: both
    /// sketches still hold every value, so they are exact).
    public let approximate: Bool
    /// Values present and missing per side.
    public let referenceCount: Int
    public let currentCount: Int
    public let referenceMissing: Int
    public let currentMissing: Int
}

/// Drift between two categorical profiles, on the union of their levels (a level absent from one
/// side counts 0 there). Every number is exact.
public struct CategoricalProfileDrift: Sendable, Equatable {
    /// The union of levels: the reference's order, then the current's new levels.
    public let levels: [String]
    /// The counts on `levels`.
    public let referenceCounts: [Double]
    public let currentCounts: [Double]
    /// The chi-square test of homogeneity with Cramér's V (as `ChiSquare.test`).
    public let chiSquare: ChiSquareResult
    /// PSI on the level proportions (Evidently's empty-bin rule).
    public let psi: PSIResult
    /// Jensen–Shannon distance (natural logarithm) on the level proportions.
    public let jensenShannon: Double
    public let referenceMissing: Int
    public let currentMissing: Int
}

/// The drift of one column, by kind.
public enum ColumnProfileDrift: Sendable, Equatable {
    case numeric(NumericProfileDrift)
    case categorical(CategoricalProfileDrift)
}

/// Drift statistics from profiles alone, reusing `BinnedDrift`, `ChiSquare` and the Kolmogorov
/// distribution of the sample tests.
public enum ProfileDrift {
    /// Compares two numeric profiles made on the same edges.
    /// - Throws: `.profileMismatch` when the edges differ, `.emptySample` when a side has no values.
    public static func numeric(reference: NumericProfile, current: NumericProfile) throws(DriftError) -> NumericProfileDrift {
        guard reference.edges == current.edges else {
            throw .profileMismatch(column: reference.name, reason: "the current profile was not made on the reference's histogram edges")
        }
        if reference.count == 0 { throw .emptySample(argument: "reference", missing: reference.missing) }
        if current.count == 0 { throw .emptySample(argument: "current", missing: current.missing) }
        let a = reference.histogram, b = current.histogram
        let psi = try BinnedDrift.psi(reference: a, current: b)
        let js = try BinnedDrift.jensenShannon(reference: a, current: b)
        let (d, w) = cdfDistances(reference.sketch.cdfPoints, current.sketch.cdfPoints)
        let m = Double(reference.count), n = Double(current.count)
        let effective = (m * n / (m + n)).rounded(.toNearestOrEven)
        let p = KolmogorovDistribution.survival(n: Swift.max(Int(effective), 1), x: d)
        func bound(_ sketch: QuantileSketch) -> Double { sketch.isExact ? 0 : QuantileSketch.rankErrorBound(k: sketch.k) }
        let lower = Swift.max(d - bound(reference.sketch) - bound(current.sketch), 0)
        let pUpper = lower == 0 ? 1 : KolmogorovDistribution.survival(n: Swift.max(Int(effective), 1), x: lower)
        return NumericProfileDrift(
            psi: psi, jensenShannon: js, ksStatistic: d, ksPValue: Swift.min(Swift.max(p, 0), 1),
            ksPValueUpperBound: Swift.min(Swift.max(pUpper, 0), 1),
            wasserstein: w, normalizedWasserstein: w / Swift.max(reference.standardDeviation, 0.001),
            approximate: !(reference.sketch.isExact && current.sketch.isExact),
            referenceCount: reference.count, currentCount: current.count,
            referenceMissing: reference.missing, currentMissing: current.missing)
    }

    /// Compares two categorical profiles on the union of their levels.
    /// - Throws: `.zeroTotal` when a side has no values.
    public static func categorical(reference: CategoricalProfile, current: CategoricalProfile) throws(DriftError) -> CategoricalProfileDrift {
        let (levels, a, b) = CategoricalProfile.align(reference, current)
        return CategoricalProfileDrift(
            levels: levels, referenceCounts: a, currentCounts: b,
            chiSquare: try ChiSquare.test(reference: a, current: b),
            psi: try BinnedDrift.psi(reference: a, current: b),
            jensenShannon: try BinnedDrift.jensenShannon(reference: a, current: b),
            referenceMissing: reference.missing, currentMissing: current.missing)
    }

    /// Compares two column profiles of the same kind.
    public static func compare(reference: ColumnProfile, current: ColumnProfile) throws(DriftError) -> ColumnProfileDrift {
        switch (reference, current) {
        case let (.numeric(r), .numeric(c)): .numeric(try numeric(reference: r, current: c))
        case let (.categorical(r), .categorical(c)): .categorical(try categorical(reference: r, current: c))
        default:
            throw .profileMismatch(column: reference.name, reason: "the reference profile is \(reference.kind) but the current one is \(current.kind)")
        }
    }

    /// Every column of `reference` against the same column of `current`, in the reference's order.
    /// - Throws: `.unknownColumn` when `current` lacks one.
    public static func compare(reference: DataProfile, current: DataProfile) throws(DriftError) -> [(name: String, drift: ColumnProfileDrift)] {
        var result = [(name: String, drift: ColumnProfileDrift)]()
        for column in reference.columns {
            guard let other = current[column.name] else { throw .unknownColumn(column.name) }
            result.append((column.name, try compare(reference: column, current: other)))
        }
        return result
    }

    /// sup |F − G| and ∫ |F − G| dx for two step CDFs (values ascending and distinct), by one merge
    /// walk: between consecutive points of the union both CDFs are constant.
    static func cdfDistances(_ f: [QuantileSketch.CDFPoint], _ g: [QuantileSketch.CDFPoint]) -> (sup: Double, integral: Double) {
        var i = 0, j = 0
        var rankF = 0.0, rankG = 0.0, sup = 0.0, integral = 0.0
        var previous = Swift.min(f.first?.value ?? 0, g.first?.value ?? 0)
        while i < f.count || j < g.count {
            let v: Double
            if i < f.count && j < g.count { v = Swift.min(f[i].value, g[j].value) } else if i < f.count { v = f[i].value } else { v = g[j].value }
            integral += abs(rankF - rankG) * (v - previous)
            previous = v
            if i < f.count && f[i].value == v { rankF = f[i].rank; i += 1 }
            if j < g.count && g[j].value == v { rankG = g[j].rank; j += 1 }
            sup = Swift.max(sup, abs(rankF - rankG))
        }
        return (sup, integral)
    }
}
