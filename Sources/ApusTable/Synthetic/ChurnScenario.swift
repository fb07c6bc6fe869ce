#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Subscription customers and whether they cancelled (`docs/datasets.md#churn`).
///
/// An unobserved dissatisfaction score raises support calls and lowers app use.
/// `churned` is Bernoulli(sigmoid(f)) with f driven by contract, tenure, support calls,
/// charges, payment method, partner, plan, days since the last login (or never having
/// logged in) and the unobserved score. `total_charges` is empty exactly for customers in
/// their first month (`tenure_months` 0), as in the well-known telco data.
struct ChurnScenario: SyntheticRowGenerator {
    static let columnNames = [
        "tenure_months", "plan", "monthly_charges", "total_charges", "support_calls", "contract",
        "payment_method", "has_partner", "region", "last_login_days", "churned",
    ]
    static let plans: [StaticString] = ["basic", "standard", "premium", "family"]
    static let contracts: [StaticString] = ["month_to_month", "one_year", "two_year"]
    static let paymentMethods: [StaticString] = [
        "card", "bank_transfer", "electronic_check", "mailed_check",
    ]
    static let regions: [StaticString] = ["north", "south", "east", "west", "central"]
    static let maximumTenure = 72

    private static let planWeights = [0.35, 0.35, 0.18, 0.12]
    private static let planPrice = [25.0, 50, 85, 110]
    private static let planRisk = [0.1, 0.0, -0.1, -0.3]
    private static let contractWeights = [0.52, 0.24, 0.24]
    private static let contractTenure = [16.0, 32, 50]  // mean of the exponential tenure draw
    private static let contractDiscount = [1.0, 0.95, 0.90]
    private static let contractRisk = [1.0, 0.0, -0.9]
    private static let paymentWeights = [0.30, 0.28, 0.30, 0.12]
    private static let paymentRisk = [0.0, -0.05, 0.45, 0.1]
    private static let regionWeights = [0.22, 0.24, 0.18, 0.20, 0.16]
    private static let regionRisk = [0.0, 0.1, -0.05, 0.05, -0.1]

    private var draw: SyntheticDraws

    init(seed: UInt64) {
        draw = SyntheticDraws(seed: seed)
    }

    mutating func appendRow(to row: inout SyntheticRowBuffer) {
        let contract = draw.pick(Self.contractWeights)
        let tenure = min(Self.maximumTenure, Int(draw.exponential(mean: Self.contractTenure[contract])))
        let plan = draw.pick(Self.planWeights)
        let monthly = max(15, Self.planPrice[plan] * Self.contractDiscount[contract] + 5 * draw.gaussian())
        let total = Double(tenure) * monthly * (1 + 0.05 * draw.gaussian())
        let payment = draw.pick(Self.paymentWeights)
        let hasPartner = draw.chance(0.48)
        let region = draw.pick(Self.regionWeights)
        let dissatisfaction = draw.gaussian()  // unobserved
        let supportCalls = min(15, draw.poisson(mean: exp(-0.3 + 0.5 * dissatisfaction)))
        let neverLoggedIn = draw.chance(0.07)
        let lastLogin = min(365, Int(draw.exponential(mean: exp(1.8 + 0.6 * dissatisfaction))))

        var logit = -1.7 + Self.contractRisk[contract] - 0.035 * Double(tenure)
        logit += 0.35 * Double(min(supportCalls, 6)) + 0.012 * (monthly - 60)
        logit += Self.paymentRisk[payment] + Self.planRisk[plan] + Self.regionRisk[region]
        logit += (hasPartner ? -0.25 : 0) + 0.5 * dissatisfaction
        logit += neverLoggedIn ? 0.3 : 0.4 * log1p(Double(lastLogin) / 7)
        let churned = draw.chance(SyntheticDraws.sigmoid(logit))

        row.integer(tenure)
        row.text(Self.plans[plan])
        row.fixed(monthly, decimals: 2)
        if tenure == 0 { row.missing() } else { row.fixed(total, decimals: 2) }
        row.integer(supportCalls)
        row.text(Self.contracts[contract])
        row.text(Self.paymentMethods[payment])
        row.boolean(hasPartner)
        row.text(Self.regions[region])
        if neverLoggedIn { row.missing() } else { row.integer(lastLogin) }
        row.integer(churned ? 1 : 0)
        row.endRow()
    }
}
