/// The comparison of a current sample with a stored reference **profile** (the training data's
/// sketches, histograms and level counts) when the reference rows themselves are not at hand.
///
/// Level counts and histogram counts are exact, so chi-square, the Z-test, PSI and
/// Jensen–Shannon are exact on the profile's categories and bins; the Kolmogorov–Smirnov
/// statistic and the Wasserstein distance come from the two quantile sketches (`approximate`).
/// The KS verdict reads `ksPValueUpperBound`, the p-value at D minus both sketches' rank-error
/// bounds, so the sketches' error can never raise a false alarm (the reported `ks_p_value` is that
/// conservative one).
public enum ProfileComparison {
    /// Every feature of `inputs` (current samples, by name) against the profile's column of the
    /// same name, with the dataset verdict; features the profile lacks are not compared.
    public static func compare(reference: DataProfile, current inputs: [(name: String, current: DriftInput)],
                               options: DriftOptions = DriftOptions()) throws(DriftError) -> DatasetDrift {
        try options.validate()
        let alpha = DriftAnalysis.featureAlpha(features: inputs.count, options: options)
        let features = inputs.map { input in
            guard let column = reference[input.name] else {
                return FeatureDrift.notCompared(name: input.name, kind: input.current.isNumeric ? .numeric : .categorical,
                                                note: "not compared: the reference profile has no column `\(input.name)`")
            }
            return compare(name: input.name, reference: column, current: input.current, options: options, alpha: alpha)
        }
        return DatasetDrift(features: features, options: options, featureAlpha: alpha)
    }

    /// One feature (or the predictions) against its profile, at significance level `alpha`.
    public static func compare(name: String, reference: ColumnProfile, current: DriftInput, options: DriftOptions,
                               alpha: Double) -> FeatureDrift {
        switch (reference, current) {
        case (.numeric(let profile), .column), (.numeric(let profile), .values):
            return numeric(name: name, reference: profile, current: current, options: options, alpha: alpha)
        case (.categorical(let profile), .levels(let counts)):
            let ref = LevelCounts(levels: profile.levels, counts: profile.counts.map(Double.init), missing: profile.missing)
            var drift = ColumnComparison.levels(name: name, reference: ref, current: counts, options: options, alpha: alpha,
                                                kind: .categorical, extra: DriftStatistics(), summaries: nil,
                                                referenceRows: profile.count + profile.missing)
            drift.note = drift.note ?? "reference: the stored training profile"
            return drift
        default:
            return FeatureDrift.notCompared(
                name: name, kind: reference.kind == "numeric" ? .numeric : .categorical,
                note: "not compared: the reference profile holds \(reference.kind == "numeric" ? "numbers" : "levels") but the current data holds \(current.isNumeric ? "numbers" : "levels")")
        }
    }

    static func numeric(name: String, reference: NumericProfile, current input: DriftInput, options: DriftOptions,
                        alpha: Double) -> FeatureDrift {
        let profiled: Result<NumericProfile, DriftError>
        switch input {
        case .column(let buffer):
            profiled = buffer.withUnsafeBufferPointer { values in
                do throws(DriftError) { return .success(try NumericProfile(name: name, values: values, edges: reference.edges)) }
                catch { return .failure(error) }
            }
        case .values(let values):
            do throws(DriftError) { profiled = .success(try NumericProfile(name: name, values: values, edges: reference.edges)) }
            catch { profiled = .failure(error) }
        case .levels:
            profiled = .failure(.unsupportedColumn(column: name, kind: "categorical"))
        }
        switch profiled {
        case .success(let current):
            return numeric(name: name, reference: reference, current: current, options: options, alpha: alpha)
        case .failure(let error):
            return FeatureDrift.notCompared(name: name, kind: .numeric, note: "not compared: \(error)", reference: summary(reference))
        }
    }

    /// Two profiles of one feature (or of the predictions): the current one built on the
    /// reference's edges, from rows or merged from the prediction log's hourly profiles.
    public static func compare(name: String, reference: ColumnProfile, current: ColumnProfile, options: DriftOptions,
                               alpha: Double) -> FeatureDrift {
        switch (reference, current) {
        case (.numeric(let ref), .numeric(let cur)):
            return numeric(name: name, reference: ref, current: cur, options: options, alpha: alpha)
        case (.categorical, .categorical(let cur)):
            return compare(name: name, reference: reference,
                           current: .levels(LevelCounts(levels: cur.levels, counts: cur.counts.map(Double.init), missing: cur.missing)),
                           options: options, alpha: alpha)
        default:
            return FeatureDrift.notCompared(name: name, kind: reference.kind == "numeric" ? .numeric : .categorical,
                                            note: "not compared: the reference profile is \(reference.kind) but the current one is \(current.kind)")
        }
    }

    static func numeric(name: String, reference: NumericProfile, current: NumericProfile, options: DriftOptions,
                        alpha: Double) -> FeatureDrift {
        let referenceSummary = summary(reference)
        let drift: NumericProfileDrift
        do throws(DriftError) {
            drift = try ProfileDrift.numeric(reference: reference, current: current)
        } catch {
            return FeatureDrift.notCompared(name: name, kind: .numeric, note: "not compared: \(error)", reference: referenceSummary,
                                            current: summary(current))
        }
        let currentSummary = summary(current)
        let refCells = reference.histogram, curCells = current.histogram
        let cells = zip(refCells, curCells).filter { $0 + $1 > 0 }.count
        var statistics = DriftStatistics()
        statistics.psi = drift.psi.value
        statistics.psiBand = PSIResult.Band(value: drift.psi.value, moderate: options.psiThreshold, significant: options.psiSignificant)
        statistics.jsDistance = drift.jensenShannon
        statistics.ksStatistic = drift.ksStatistic
        statistics.ksPValue = drift.ksPValueUpperBound
        statistics.wasserstein = drift.wasserstein
        statistics.wassersteinNormed = drift.normalizedWasserstein
        var test = options.chooseTest(numeric: true, distinct: cells, referenceRows: reference.count + reference.missing)
        if cells <= options.lowCardinality, let chi = try? ChiSquare.test(reference: refCells, current: curCells) {
            statistics.chi2Statistic = chi.statistic
            statistics.chi2PValue = chi.pValue
            statistics.cramersV = chi.cramersV
            if test == .z { test = .chisquare }
        }
        let edges = [-Double.infinity] + reference.edges + [Double.infinity]
        let distribution = DriftDistribution(edges: edges, reference: ColumnComparison.proportions(refCells),
                                             current: ColumnComparison.proportions(curCells))
        var result = ColumnComparison.verdict(name: name, kind: .numeric, statistics: statistics, summaries: (referenceSummary, currentSummary),
                                              distribution: distribution, test: test, options: options, alpha: alpha,
                                              approximate: drift.approximate)
        result.note = result.note ?? "reference: the stored training profile; KS and Wasserstein from quantile sketches, the KS p-value an upper bound"
        return result
    }

    static func summary(_ profile: NumericProfile) -> SampleSummary {
        SampleSummary(count: profile.count, missing: profile.missing, mean: profile.count > 0 ? profile.mean : nil,
                      deviation: profile.count > 0 ? profile.standardDeviation : nil,
                      minimum: profile.count > 0 ? profile.min : nil, maximum: profile.count > 0 ? profile.max : nil)
    }
}

extension PSIResult.Band {
    /// The band of `value` with the thresholds given.
    init(value: Double, moderate: Double, significant: Double) {
        self = value >= significant ? .significant : value >= moderate ? .moderate : .stable
    }
}
