/// The exact comparison of one feature's two samples: every statistic that applies, the test the
/// options choose, and the verdict.
enum ColumnComparison {
    /// Numeric features whose reference has more distinct values than this are binned with
    /// Sturges' rule for PSI and Jensen–Shannon; the others by value, as Evidently bins them.
    static let binByValueUpTo = 20

    /// Compares `reference` with `current` for the feature `name`; `alpha` is the significance
    /// level after correction. A pair that cannot be compared (a side with no values, numbers
    /// against levels) comes back with no test and a note.
    static func compare(name: String, reference: DriftInput, current: DriftInput, options: DriftOptions,
                        alpha: Double) -> FeatureDrift {
        switch (reference, current) {
        case (.levels(let ref), .levels(let cur)):
            return levels(name: name, reference: ref, current: cur, options: options, alpha: alpha, kind: .categorical,
                          extra: DriftStatistics(), summaries: nil, referenceRows: reference.rowCount)
        case (.levels, _), (_, .levels):
            let kind: FeatureDrift.Kind = reference.isNumeric ? .numeric : .categorical
            return FeatureDrift.notCompared(name: name, kind: kind,
                           note: "not compared: the reference holds \(reference.isNumeric ? "numbers" : "levels") but the current holds \(current.isNumeric ? "numbers" : "levels")")
        default:
            return numbers(name: name, reference: reference, current: current, options: options, alpha: alpha)
        }
    }

    static func numbers(name: String, reference: DriftInput, current: DriftInput, options: DriftOptions,
                        alpha: Double) -> FeatureDrift {
        let a: SortedSample, b: SortedSample
        do throws(DriftError) {
            a = try reference.sorted(argument: "reference")
            b = try current.sorted(argument: "current")
        } catch {
            let rows = (reference.rowCount, current.rowCount)
            return FeatureDrift.notCompared(name: name, kind: .numeric, note: "not compared: \(error)",
                           reference: SampleSummary(count: 0, missing: rows.0), current: SampleSummary(count: 0, missing: rows.1))
        }
        let summaries = (summary(a), summary(b))
        var statistics = DriftStatistics()
        let walk = PairWalk(a, b)
        let ks = KolmogorovSmirnov.test(a, b, statistic: walk.ksStatistic)
        statistics.ksStatistic = ks.statistic
        statistics.ksPValue = ks.pValue
        statistics.wasserstein = walk.wasserstein
        statistics.wassersteinNormed = Wasserstein.normalized(walk.wasserstein, referenceDeviation: summaries.0.deviation ?? 0)

        let distinct = walk.distinct
        let referenceRows = a.values.count + a.missing
        let distribution: DriftDistribution
        if distinct <= options.lowCardinality || (summaries.0.distinct ?? 0) <= binByValueUpTo {
            let (refCounts, curCounts) = valueCounts(a, b)
            if distinct <= options.lowCardinality {
                return levels(name: name, reference: refCounts, current: curCounts, options: options, alpha: alpha, kind: .numeric,
                              extra: statistics, summaries: summaries, referenceRows: referenceRows)
            }
            addBinned(&statistics, reference: refCounts.counts, current: curCounts.counts, options: options)
            distribution = DriftDistribution(levels: refCounts.levels, reference: proportions(refCounts.counts),
                                             current: proportions(curCounts.counts))
        } else {
            let histogram = BinnedDrift.histogram(a, b, bins: BinnedDrift.sturgesBinCount(a, b))
            addBinned(&statistics, reference: histogram.reference, current: histogram.current, options: options)
            distribution = DriftDistribution(edges: histogram.edges, reference: proportions(histogram.reference),
                                             current: proportions(histogram.current))
        }
        return verdict(name: name, kind: .numeric, statistics: statistics, summaries: summaries, distribution: distribution,
                       test: options.chooseTest(numeric: true, distinct: distinct, referenceRows: referenceRows),
                       options: options, alpha: alpha)
    }

    static func levels(name: String, reference: LevelCounts, current: LevelCounts, options: DriftOptions, alpha: Double,
                       kind: FeatureDrift.Kind, extra: DriftStatistics, summaries: (SampleSummary, SampleSummary)?,
                       referenceRows: Int) -> FeatureDrift {
        let (levels, ref, cur) = LevelCounts.aligned(reference, current)
        let refTotal = ref.reduce(0, +), curTotal = cur.reduce(0, +)
        let summaryPair = summaries ?? (
            SampleSummary(count: Int(refTotal), missing: reference.missing, distinct: ref.filter { $0 > 0 }.count),
            SampleSummary(count: Int(curTotal), missing: current.missing, distinct: cur.filter { $0 > 0 }.count))
        if refTotal == 0 || curTotal == 0 {
            let side = refTotal == 0 ? "reference" : "current"
            let missing = refTotal == 0 ? reference.missing : current.missing
            return FeatureDrift.notCompared(name: name, kind: kind, note: "not compared: the \(side) has no values (\(missing) missing)",
                           reference: summaryPair.0, current: summaryPair.1)
        }
        var statistics = extra
        if let chi = try? ChiSquare.test(reference: ref, current: cur) {
            statistics.chi2Statistic = chi.statistic
            statistics.chi2PValue = chi.pValue
            statistics.cramersV = chi.cramersV
        }
        let distinct = zip(ref, cur).filter { $0 + $1 > 0 }.count
        if distinct == 2 {
            let z = zTest(reference: ref, current: cur)
            statistics.zStatistic = z.statistic
            statistics.zPValue = z.pValue
        } else if distinct < 2 {
            statistics.zStatistic = 0
            statistics.zPValue = 1
        }
        addBinned(&statistics, reference: ref, current: cur, options: options)
        let distribution = DriftDistribution(levels: levels, reference: proportions(ref), current: proportions(cur))
        return verdict(name: name, kind: kind, statistics: statistics, summaries: summaryPair, distribution: distribution,
                       test: options.chooseTest(numeric: false, distinct: distinct, referenceRows: referenceRows),
                       options: options, alpha: alpha)
    }

    /// Evidently's two-proportion Z-test on the two levels present: z = (p₁ − p₂) / √(P(1 − P)(1/n₁ + 1/n₂))
    /// with P the pooled share of the first level; p = 2(1 − Φ(|z|)) = Q(½, z²/2).
    static func zTest(reference: [Double], current: [Double]) -> (statistic: Double, pValue: Double) {
        guard let first = reference.indices.first(where: { reference[$0] + current[$0] > 0 }) else { return (0, 1) }
        let n1 = reference.reduce(0, +), n2 = current.reduce(0, +)
        let p1 = reference[first] / n1, p2 = current[first] / n2
        let pooled = (reference[first] + current[first]) / (n1 + n2)
        let spread = (pooled * (1 - pooled) * (1 / n1 + 1 / n2)).squareRoot()
        guard spread > 0 else { return (0, 1) }
        let z = (p1 - p2) / spread
        return (z, IncompleteGamma.chiSquareSurvival(z * z, degreesOfFreedom: 1))
    }

    static func addBinned(_ statistics: inout DriftStatistics, reference: [Double], current: [Double], options: DriftOptions) {
        if let psi = try? BinnedDrift.psi(reference: reference, current: current, moderate: options.psiThreshold,
                                          significant: options.psiSignificant) {
            statistics.psi = psi.value
            statistics.psiBand = psi.band
        }
        statistics.jsDistance = try? BinnedDrift.jensenShannon(reference: reference, current: current)
    }

    static func verdict(name: String, kind: FeatureDrift.Kind, statistics: DriftStatistics, summaries: (SampleSummary, SampleSummary),
                        distribution: DriftDistribution, test: DriftTest, options: DriftOptions, alpha: Double,
                        approximate: Bool = false) -> FeatureDrift {
        let threshold: Double
        switch test {
        case .ks, .chisquare, .z: threshold = alpha
        case .wasserstein: threshold = options.wassersteinThreshold
        case .jensenshannon: threshold = options.jensenShannonThreshold
        case .psi: threshold = options.psiThreshold
        }
        let score = statistics.score(of: test)
        var drifted = false
        if let score { drifted = test.isHypothesisTest ? score < threshold : score >= threshold }
        return FeatureDrift(name: name, kind: kind, test: test, threshold: threshold, score: score, drifted: drifted,
                            approximate: approximate, statistics: statistics, reference: summaries.0, current: summaries.1,
                            distribution: distribution,
                            note: score == nil ? "the \(test.rawValue) statistic could not be computed" : nil)
    }

    static func summary(_ sample: SortedSample) -> SampleSummary {
        let moments = sample.meanAndDeviation
        var distinct = 0
        var previous = Double.nan
        for v in sample.values where v != previous {
            distinct += 1
            previous = v
        }
        return SampleSummary(count: sample.values.count, missing: sample.missing, mean: moments.mean, deviation: moments.deviation,
                             minimum: sample.values.first, maximum: sample.values.last, distinct: distinct)
    }

    /// Counts of each distinct value of both samples, in ascending order of value.
    static func valueCounts(_ a: SortedSample, _ b: SortedSample) -> (LevelCounts, LevelCounts) {
        var levels: [String] = [], ref: [Double] = [], cur: [Double] = []
        var i = 0, j = 0
        let x = a.values, y = b.values
        while i < x.count || j < y.count {
            let v: Double
            if i < x.count && j < y.count { v = min(x[i], y[j]) } else if i < x.count { v = x[i] } else { v = y[j] }
            let i0 = i, j0 = j
            while i < x.count && x[i] == v { i += 1 }
            while j < y.count && y[j] == v { j += 1 }
            levels.append(LevelCounts.name(of: v))
            ref.append(Double(i - i0))
            cur.append(Double(j - j0))
        }
        return (LevelCounts(levels: levels, counts: ref, missing: a.missing), LevelCounts(levels: levels, counts: cur, missing: b.missing))
    }

    static func proportions(_ counts: [Double]) -> [Double] {
        let total = counts.reduce(0, +)
        return total > 0 ? counts.map { $0 / total } : counts
    }
}
