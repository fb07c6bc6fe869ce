#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Loan applications and whether the loan defaulted (`docs/datasets.md#credit`).
///
/// An unobserved "financial discipline" score drives utilization, late payments and debt;
/// the lender prices the observable risk into `interest_rate`. `default` is
/// Bernoulli(sigmoid(f)) with f built from the true (pre-missing) values, the unobserved
/// score and a 2020 stress period. `sex` has no direct effect; incomes of `F` applicants
/// are 14% lower at the median, so a model can pick up a disparity through income.
struct CreditScenario: SyntheticRowGenerator {
    static let columnNames = [
        "age", "income", "debt_ratio", "utilization", "months_employed", "num_late_payments",
        "loan_amount", "loan_term_months", "interest_rate", "employment_type", "region",
        "loan_purpose", "housing", "sex", "application_date", "default",
    ]
    static let employmentTypes: [StaticString] = [
        "salaried", "self_employed", "contract", "part_time", "unemployed", "retired",
    ]
    static let regions: [StaticString] = ["north", "south", "east", "west", "central"]
    static let loanPurposes: [StaticString] = [
        "debt_consolidation", "car", "home_improvement", "education", "medical", "business", "other",
    ]
    static let housingKinds: [StaticString] = ["own", "mortgage", "rent", "other"]
    static let loanTerms = [12, 24, 36, 48, 60]
    /// Applications are dated uniformly over 2019-01-01 ... 2024-12-31.
    static let firstDay = SyntheticRowBuffer.day(2019, 1, 1)
    static let lastDay = SyntheticRowBuffer.day(2024, 12, 31)

    // Per-level parameters, in the order of the level lists above.
    private static let selfEmployed = 1, unemployed = 4, retired = 5  // employment indices
    private static let employmentWeights = [0.58, 0.13, 0.11, 0.11, 0.07]  // below 62 / not retired
    private static let employmentIncome = [52_000.0, 58_000, 45_000, 24_000, 9_000, 30_000]
    private static let employmentRisk = [0.0, 0.1, 0.2, 0.15, 0.6, -0.1]
    private static let regionWeights = [0.22, 0.24, 0.18, 0.20, 0.16]
    private static let regionIncome = [1.0, 0.88, 1.05, 1.12, 0.95]
    private static let regionRisk = [0.0, 0.12, -0.05, -0.05, 0.05]
    private static let purposeWeights = [0.30, 0.18, 0.15, 0.08, 0.07, 0.07, 0.15]
    private static let purposeAmount = [14_000.0, 18_000, 22_000, 12_000, 6_000, 30_000, 8_000]
    private static let purposeRisk = [0.25, -0.15, -0.2, 0.1, 0.2, 0.35, 0.0]
    private static let housingWeights = [[0.05, 0.15, 0.65, 0.15], [0.15, 0.45, 0.35, 0.05],
                                         [0.45, 0.30, 0.20, 0.05]]  // age < 30, < 50, 50 up
    private static let housingRisk = [-0.25, -0.1, 0.15, 0.2]
    private static let termWeights = [[0.10, 0.20, 0.35, 0.15, 0.20], [0.03, 0.10, 0.30, 0.22, 0.35]]
    private static let stressStart = SyntheticRowBuffer.day(2020, 3, 1)
    private static let stressEnd = SyntheticRowBuffer.day(2020, 12, 31)
    private static let rateRiseStart = SyntheticRowBuffer.day(2022, 4, 1)
    private static let rateRiseEnd = SyntheticRowBuffer.day(2023, 6, 30)

    private var draw: SyntheticDraws

    init(seed: UInt64) {
        draw = SyntheticDraws(seed: seed)
    }

    mutating func appendRow(to row: inout SyntheticRowBuffer) {
        let day = draw.integer(in: Self.firstDay...Self.lastDay)
        let isFemale = draw.chance(0.48)
        let age = min(75, max(21, Int((42 + 13 * draw.gaussian()).rounded())))
        let employment = age >= 62 && draw.chance(0.65) ? Self.retired : draw.pick(Self.employmentWeights)
        let region = draw.pick(Self.regionWeights)
        let housing = draw.pick(Self.housingWeights[age < 30 ? 0 : age < 50 ? 1 : 2])
        let discipline = draw.gaussian()  // unobserved

        let ageFactor = 1 + 0.015 * Double(min(age, 55) - 35)
        let incomeMedian = Self.employmentIncome[employment] * Self.regionIncome[region] * ageFactor
            * (isFemale ? 0.86 : 1)
        let incomeSpread = employment == Self.selfEmployed ? 0.7 : 0.45
        let income = (draw.logNormal(median: incomeMedian, sigma: incomeSpread) / 100).rounded() * 100 + 100
        let months: Int
        if employment == Self.unemployed || employment == Self.retired {
            months = 0
        } else {
            months = min((age - 18) * 12, Int(draw.exponential(mean: 70)))
        }
        let utilization = 1.1 * SyntheticDraws.sigmoid(-0.4 + 0.9 * discipline + 0.8 * draw.gaussian())
        let latePayments = min(12, draw.poisson(mean: exp(-1.2 + 0.8 * discipline)))
        let debtRatio = min(3, draw.logNormal(median: 0.3 * exp(0.25 * discipline), sigma: 0.5))

        let purpose = draw.pick(Self.purposeWeights)
        let amountMedian = Self.purposeAmount[purpose] * pow(income / 50_000, 0.3)
        let loanAmount = min(100_000, max(1_000, (draw.logNormal(median: amountMedian, sigma: 0.5) / 100)
            .rounded() * 100))
        let term = Self.loanTerms[draw.pick(Self.termWeights[loanAmount > 20_000 ? 1 : 0])]
        let observedRisk = 0.5 * Double(latePayments) + 1.5 * (utilization - 0.4)
            + 0.8 * max(debtRatio - 0.4, 0) - 0.5 * log(income / 50_000)
        let riseShare = Double(day - Self.rateRiseStart) / Double(Self.rateRiseEnd - Self.rateRiseStart)
        let rateRise = 3 * min(1, max(0, riseShare))
        let interestRate = min(29.99, max(3.5, 8 + 2.2 * observedRisk + 0.02 * Double(term - 36)
            + rateRise + 0.8 * draw.gaussian()))

        var logit = -3.2 + 1.6 * (utilization - 0.45) + 0.7 * (utilization > 0.9 ? 1 : 0)
        logit += 0.45 * Double(min(latePayments, 6)) + 1.1 * max(debtRatio - 0.45, 0)
        logit += -0.7 * log(income / 45_000) + 0.45 * pow(Double(age - 45) / 20, 2)
        logit += -0.2 * log1p(Double(months) / 12) + 0.3 * log1p(4 * loanAmount / income)
        logit += Self.purposeRisk[purpose] + Self.employmentRisk[employment] + Self.housingRisk[housing]
        logit += Self.regionRisk[region] + (term == 60 ? 0.15 : 0) + 0.5 * discipline
        logit += day >= Self.stressStart && day <= Self.stressEnd ? 0.35 : 0
        let defaulted = draw.chance(SyntheticDraws.sigmoid(logit))

        // Missing values, drawn after the label: the label saw the true values.
        let incomeMissing = draw.chance(employment == Self.selfEmployed ? 0.12 : 0.03)
        let utilizationMissing = draw.chance(0.06)
        let monthsMissing = draw.chance(0.03)

        row.integer(age)
        if incomeMissing { row.missing() } else { row.integer(Int(income)) }
        if incomeMissing { row.missing() } else { row.fixed(debtRatio, decimals: 3) }
        if utilizationMissing { row.missing() } else { row.fixed(utilization, decimals: 3) }
        if monthsMissing { row.missing() } else { row.integer(months) }
        row.integer(latePayments)
        row.integer(Int(loanAmount))
        row.integer(term)
        row.fixed(interestRate, decimals: 2)
        row.text(Self.employmentTypes[employment])
        row.text(Self.regions[region])
        row.text(Self.loanPurposes[purpose])
        row.text(Self.housingKinds[housing])
        row.text(isFemale ? "F" : "M")
        row.date(day: day)
        row.integer(defaulted ? 1 : 0)
        row.endRow()
    }
}
