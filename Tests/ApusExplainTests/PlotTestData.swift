import Foundation

/// A credit-like data set for the plot tests: 24 features (three categorical), missing
/// values, and a known additive log-odds model, so that every row's exact SHAP values are
/// each feature's term minus the term's mean over the data (the model has no interactions).
/// Modelled on ../shared/bench/datasets.py's `credit`; deterministic for a seed.
struct PlotCreditSample {
    static let names = [
        "age", "income", "debt_ratio", "utilization", "months_employed", "num_late_payments", "num_credit_lines",
        "credit_history_months", "loan_amount", "loan_term_months", "interest_rate", "num_inquiries_6m",
        "employment_type", "housing", "loan_purpose", "number_of_times_30_59_days_past_due_not_worse_in_last_2_years",
        "num_dependents", "savings_balance", "has_cosigner", "account_age_days", "branch_distance_km",
        "num_open_accounts", "monthly_rent", "application_hour",
    ]
    static let levels: [[String]] = names.map { name in
        switch name {
        case "employment_type": return ["salaried", "self_employed", "contract", "part_time", "unemployed", "retired"]
        case "housing": return ["own", "mortgage", "rent", "other"]
        case "loan_purpose": return ["debt_consolidation", "home_improvement", "car", "education", "medical", "business", "vacation", "wedding", "moving", "other"]
        default: return []
        }
    }
    static let intercept = -2.4

    let rows: Int
    /// rows × features, level codes for categorical features, NaN missing.
    var values: [Double] = []
    /// rows × features: each row's model term per feature.
    var terms: [Double] = []
    /// Exact SHAP values rows × features: each term minus its mean over the data.
    var attributions: [Double] = []
    /// The expected log-odds: the intercept plus every term's mean.
    var bias = 0.0

    init(rows: Int, seed: UInt64 = 7) {
        self.rows = rows
        var random = PlotRandom(seed: seed)
        for _ in 0..<rows {
            let row = Self.draw(&random)
            values += row
            terms += row.indices.map { Self.term(feature: $0, value: row[$0]) }
        }
        let means = (0..<Self.features).map { f in (0..<rows).reduce(0) { $0 + terms[$1 * Self.features + f] } / Double(rows) }
        attributions = terms.indices.map { terms[$0] - means[$0 % Self.features] }
        bias = means.reduce(Self.intercept, +)
    }

    static var features: Int { names.count }

    /// Exact SHAP values in TreeSHAP's layout: rows × 1 × (features + 1).
    var shapLayout: [Double] {
        (0..<rows).flatMap { row in attributions[row * Self.features..<(row + 1) * Self.features] + [bias] }
    }

    /// The log-odds of row `row` with feature `feature` set to `value`.
    func logOdds(row: Int, setting feature: Int, to value: Double) -> Double {
        var sum = Self.intercept
        for f in 0..<Self.features {
            sum += f == feature ? Self.term(feature: f, value: value) : terms[row * Self.features + f]
        }
        return sum
    }

    /// The model's term for one feature's value (a missing value has a term of its own).
    static func term(feature: Int, value v: Double) -> Double {
        switch names[feature] {
        case "age": return 0.5 * pow((v - 45) / 20, 2)
        case "income": return v.isNaN ? 0.25 : -0.55 * log(v / 45000)
        case "debt_ratio": return v.isNaN ? 0.1 : 0.9 * max(v - 0.45, 0)
        case "utilization": return v.isNaN ? 0.3 : 1.4 * (v - 0.45) + (v > 0.9 ? 0.7 : 0)
        case "months_employed": return v.isNaN ? 0.05 : -0.25 * log1p(v / 12)
        case "num_late_payments": return v.isNaN ? 0.2 : 0.35 * min(v, 6)
        case "credit_history_months": return v.isNaN ? 0.1 : -0.15 * log1p(v / 12)
        case "loan_amount": return 0.12 * log(v / 10000)
        case "interest_rate": return 0.04 * (v - 10)
        case "num_inquiries_6m": return v.isNaN ? 0 : v >= 3 ? 0.35 : 0.05 * v
        case "employment_type": return [-0.2, 0.15, 0.1, 0.2, 0.6, -0.1][Int(v)]
        case "housing": return [-0.25, -0.15, 0.2, 0.1][Int(v)]
        case "loan_purpose": return [0.15, -0.1, -0.05, 0.05, 0.2, 0.25, 0.1, 0.0, 0.05, 0.0][Int(v)]
        case "number_of_times_30_59_days_past_due_not_worse_in_last_2_years": return 0.3 * min(v, 4)
        case "savings_balance": return v.isNaN ? 0.05 : -0.04 * log1p(v / 1000)
        case "num_dependents": return 0.03 * v
        case "has_cosigner": return -0.08 * v
        default: return v.isNaN ? 0 : 0.002 * (v.truncatingRemainder(dividingBy: 7) - 3)  // nearly no effect
        }
    }

    private static func draw(_ random: inout PlotRandom) -> [Double] {
        func missing(_ value: Double, _ rate: Double) -> Double { random.uniform() < rate ? .nan : value }
        let age = (45 + 14 * random.normal()).rounded().clamped(18, 85)
        let employment = Double(random.pick([0.55, 0.15, 0.1, 0.08, 0.05, 0.07]))
        let income = (exp(10.7 + 0.45 * random.normal()) / 100).rounded() * 100
        let utilization = (random.beta2() * 1.3).clamped(0, 1.5)
        var row = [Double](repeating: 0, count: features)
        row[0] = age
        row[1] = missing(income, employment == 1 ? 0.12 : 0.04)
        row[2] = missing((0.35 + 0.25 * random.normal()).clamped(0, 5), 0.03)
        row[3] = missing(utilization, 0.04)
        row[4] = missing(employment == 4 ? 0 : (exp(3.2 + random.normal())).rounded().clamped(0, 480), 0.06)
        row[5] = missing(Double(random.poisson(0.6)), 0.03)
        row[6] = missing(Double(2 + random.poisson(4)), 0.02)
        row[7] = missing(((age - 18) * 12 * random.uniform()).rounded(), 0.03)
        row[8] = (exp(9.3 + 0.7 * random.normal()) / 100).rounded() * 100
        row[9] = [12.0, 24, 36, 48, 60][random.pick([0.1, 0.2, 0.35, 0.15, 0.2])]
        row[10] = (9 + 2.5 * random.normal() + 8 * utilization).clamped(3, 30)
        row[11] = missing(Double(random.poisson(1.1)), 0.08)
        row[12] = employment
        row[13] = Double(random.pick([0.3, 0.35, 0.3, 0.05]))
        row[14] = Double(random.pick([0.3, 0.12, 0.15, 0.06, 0.07, 0.08, 0.06, 0.04, 0.05, 0.07]))
        row[15] = Double(random.poisson(0.3))
        row[16] = Double(random.poisson(1.2))
        row[17] = missing((exp(8 + 1.5 * random.normal()) / 10).rounded() * 10, 0.1)
        row[18] = random.uniform() < 0.12 ? 1 : 0
        row[19] = (random.uniform() * 5000).rounded()
        row[20] = (exp(2 + random.normal()) * 10).rounded() / 10
        row[21] = Double(1 + random.poisson(3))
        row[22] = row[13] == 2 ? (exp(7 + 0.4 * random.normal())).rounded() : 0
        row[23] = (random.uniform() * 24).rounded(.down)
        return row
    }
}

/// SplitMix64 with the few distributions the sample needs.
struct PlotRandom {
    var state: UInt64
    init(seed: UInt64) { state = seed }

    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    mutating func uniform() -> Double { Double(next() >> 11) / Double(1 << 53) }

    mutating func normal() -> Double {
        let u = max(uniform(), 1e-300), v = uniform()
        return sqrt(-2 * log(u)) * cos(2 * .pi * v)
    }

    mutating func poisson(_ mean: Double) -> Int {
        var count = 0, product = uniform()
        let limit = exp(-mean)
        while product > limit { count += 1; product *= uniform() }
        return count
    }

    /// A value in 0...1 skewed low (Beta(2, 3)-like, from two uniforms).
    mutating func beta2() -> Double { (uniform() + uniform() * uniform()) / 1.6 }

    mutating func pick(_ weights: [Double]) -> Int {
        var u = uniform() * weights.reduce(0, +)
        for (index, weight) in weights.enumerated() {
            if u < weight { return index }
            u -= weight
        }
        return weights.count - 1
    }
}

fileprivate extension Double {
    func clamped(_ lower: Double, _ upper: Double) -> Double { Swift.min(upper, Swift.max(lower, self)) }
}
