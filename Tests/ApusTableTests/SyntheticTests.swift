import Foundation
import Testing
@testable import ApusTable

/// The synthetic scenarios: their files' shape, determinism, documented columns, levels,
/// rates and patterns (`docs/datasets.md`). Formatting, draws and writing are checked in
/// `SyntheticTests+Mechanics.swift`.
@Suite struct SyntheticTests {
    static let rows = 20_000
    static let credit = ParsedCSV(SyntheticData.csv(.credit, rows: rows, seed: 1))
    static let fraud = ParsedCSV(SyntheticData.csv(.fraud, rows: rows, seed: 1))
    static let churn = ParsedCSV(SyntheticData.csv(.churn, rows: rows, seed: 1))
    static let demand = ParsedCSV(SyntheticData.csv(.demand, rows: rows, seed: 1))

    @Test(arguments: SyntheticScenario.allCases)
    func sameSeedGivesSameBytesAndOtherSeedsDiffer(_ scenario: SyntheticScenario) {
        let first = SyntheticData.csv(scenario, rows: 2_000, seed: 42)
        #expect(first == SyntheticData.csv(scenario, rows: 2_000, seed: 42))
        #expect(first != SyntheticData.csv(scenario, rows: 2_000, seed: 43))
    }

    @Test(arguments: SyntheticScenario.allCases)
    func firstRowsDoNotDependOnTheRowCount(_ scenario: SyntheticScenario) {
        let short = SyntheticData.csv(scenario, rows: 300, seed: 9)
        let long = SyntheticData.csv(scenario, rows: 3_000, seed: 9)
        #expect(long.hasPrefix(short))
        #expect(long.count > short.count)
    }

    @Test(arguments: SyntheticScenario.allCases)
    func headerIsTheDocumentedColumnsWithTheTargetLast(_ scenario: SyntheticScenario) throws {
        let expected: [String] = switch scenario {
        case .credit: ["age", "income", "debt_ratio", "utilization", "months_employed",
                       "num_late_payments", "loan_amount", "loan_term_months", "interest_rate",
                       "employment_type", "region", "loan_purpose", "housing", "sex",
                       "application_date", "default"]
        case .fraud: ["customer_id", "amount", "hour", "merchant_category", "channel", "country",
                      "distance_from_home_km", "card_age_days", "num_tx_last_24h", "is_foreign",
                      "device_type", "timestamp", "is_fraud"]
        case .churn: ["tenure_months", "plan", "monthly_charges", "total_charges", "support_calls",
                      "contract", "payment_method", "has_partner", "region", "last_login_days",
                      "churned"]
        case .demand: ["date", "store_id", "item_category", "price", "discount_pct", "promo",
                       "holiday", "temperature_c", "day_of_week", "units_sold"]
        }
        let table = ParsedCSV(SyntheticData.csv(scenario, rows: 1_000, seed: 3))
        #expect(table.header == expected)
        #expect(table.header.last == scenario.targetColumn)
        #expect(table.rows.count == 1_000)
        #expect(table.rows.allSatisfy { $0.count == expected.count })
        #expect(!scenario.summary.isEmpty)
    }

    @Test func noRowsGivesTheHeaderAlone() {
        #expect(SyntheticData.csv(.churn, rows: 0, seed: 1) == ChurnScenario.columnNames.joined(separator: ",") + "\n")
    }

    @Test(arguments: [(SyntheticScenario.credit, 0.11, 0.18), (.fraud, 0.01, 0.03), (.churn, 0.18, 0.27)])
    func binaryTargetRateIsInTheDocumentedRange(_ scenario: SyntheticScenario, low: Double, high: Double) {
        let table = Self.table(scenario)
        let target = table.column(scenario.targetColumn)
        #expect(target.allSatisfy { $0 == "0" || $0 == "1" })
        let rate = table.fraction(scenario.targetColumn) { $0 == "1" }
        #expect(rate >= low && rate <= high, "\(scenario) target rate \(rate)")
    }

    @Test func missingValuesAppearAtTheDocumentedRates() {
        let credit = Self.credit
        let selfEmployed = credit.column("employment_type").map { $0 == "self_employed" }
        let incomeMissing = credit.column("income").map(\.isEmpty)
        #expect(abs(rate(incomeMissing, where: selfEmployed) - 0.12) < 0.025)
        #expect(abs(rate(incomeMissing, where: selfEmployed.map(!)) - 0.03) < 0.008)
        #expect(credit.column("debt_ratio").map(\.isEmpty) == incomeMissing)
        #expect(abs(credit.fraction("utilization", \.isEmpty) - 0.06) < 0.01)
        #expect(abs(credit.fraction("months_employed", \.isEmpty) - 0.03) < 0.008)

        let fraud = Self.fraud
        let online = fraud.column("channel").map { $0 == "online" }
        let distanceMissing = fraud.column("distance_from_home_km").map(\.isEmpty)
        #expect(abs(rate(distanceMissing, where: online) - 0.15) < 0.025)
        #expect(abs(rate(distanceMissing, where: online.map(!)) - 0.02) < 0.008)
        #expect(abs(fraud.fraction("device_type", \.isEmpty) - 0.052) < 0.01)

        let churn = Self.churn
        let newCustomer = churn.column("tenure_months").map { $0 == "0" }
        #expect(churn.column("total_charges").map(\.isEmpty) == newCustomer)
        #expect(abs(churn.fraction("tenure_months") { $0 == "0" } - 0.043) < 0.01)
        #expect(abs(churn.fraction("last_login_days", \.isEmpty) - 0.07) < 0.01)

        #expect(abs(Self.demand.fraction("temperature_c", \.isEmpty) - 0.05) < 0.01)
        let temperatureMissing = Self.demand.column("temperature_c").map(\.isEmpty)
        for start in stride(from: 0, to: temperatureMissing.count, by: 8) {  // one reading per store-day
            #expect(Set(temperatureMissing[start..<start + 8]).count == 1)
        }
    }

    @Test func onlyTheDocumentedColumnsHaveMissingValues() {
        let withMissing: [(ParsedCSV, Set<String>)] = [
            (Self.credit, ["income", "debt_ratio", "utilization", "months_employed"]),
            (Self.fraud, ["distance_from_home_km", "device_type"]),
            (Self.churn, ["total_charges", "last_login_days"]),
            (Self.demand, ["temperature_c"]),
        ]
        for (table, expected) in withMissing {
            let found = Set(table.header.filter { name in table.column(name).contains { $0.isEmpty } })
            #expect(found == expected)
        }
    }

    @Test func categoricalColumnsUseExactlyTheDocumentedLevels() {
        let expected: [(ParsedCSV, String, Set<String>)] = [
            (Self.credit, "employment_type", ["salaried", "self_employed", "contract", "part_time",
                                              "unemployed", "retired"]),
            (Self.credit, "region", ["north", "south", "east", "west", "central"]),
            (Self.credit, "loan_purpose", ["debt_consolidation", "car", "home_improvement", "education",
                                           "medical", "business", "other"]),
            (Self.credit, "housing", ["own", "mortgage", "rent", "other"]),
            (Self.credit, "sex", ["M", "F"]),
            (Self.credit, "loan_term_months", ["12", "24", "36", "48", "60"]),
            (Self.fraud, "merchant_category", ["grocery", "restaurant", "gas", "travel", "electronics",
                                               "online_retail", "entertainment", "health", "jewelry", "cash"]),
            (Self.fraud, "channel", ["pos", "online", "atm"]),
            (Self.fraud, "country", ["US", "GB", "DE", "FR", "ES", "CA", "MX", "BR", "IN", "JP", "AU", "IT"]),
            (Self.fraud, "device_type", ["mobile", "desktop", "tablet", "terminal", ""]),
            (Self.fraud, "is_foreign", ["true", "false"]),
            (Self.churn, "plan", ["basic", "standard", "premium", "family"]),
            (Self.churn, "contract", ["month_to_month", "one_year", "two_year"]),
            (Self.churn, "payment_method", ["card", "bank_transfer", "electronic_check", "mailed_check"]),
            (Self.churn, "has_partner", ["true", "false"]),
            (Self.churn, "region", ["north", "south", "east", "west", "central"]),
            (Self.demand, "store_id", Set((1...10).map { $0 < 10 ? "S0\($0)" : "S\($0)" })),
            (Self.demand, "item_category", ["beverages", "bakery", "dairy", "produce", "frozen", "snacks",
                                            "household", "personal_care"]),
            (Self.demand, "day_of_week", ["monday", "tuesday", "wednesday", "thursday", "friday",
                                          "saturday", "sunday"]),
            (Self.demand, "promo", ["true", "false"]),
            (Self.demand, "holiday", ["true", "false"]),
            (Self.demand, "discount_pct", ["0", "5", "10", "15", "20", "25", "30", "40"]),
        ]
        for (table, column, levels) in expected {
            #expect(Set(table.column(column).map(String.init)) == levels, "\(column)")
        }
    }

    @Test func documentedEffectsShowInTheData() {
        let credit = Self.credit
        let score = zip(credit.column("num_late_payments"), credit.column("utilization")).map { late, use in
            Double(late)! + 2 * (Double(use) ?? 0.45)
        }
        #expect(auc(score, labels: credit.column("default").map { $0 == "1" }) > 0.68)
        let female = credit.column("sex").map { $0 == "F" }
        let incomes = credit.column("income").map { Double($0) }
        #expect(median(of: incomes, where: female) < 0.92 * median(of: incomes, where: female.map(!)))

        let fraud = Self.fraud
        let isFraud = fraud.column("is_fraud").map { $0 == "1" }
        #expect(rate(isFraud, where: fraud.column("channel").map { $0 == "online" })
                > 2 * rate(isFraud, where: fraud.column("channel").map { $0 == "pos" }))

        let churned = Self.churn.column("churned").map { $0 == "1" }
        let contract = Self.churn.column("contract")
        #expect(rate(churned, where: contract.map { $0 == "month_to_month" })
                > 3 * rate(churned, where: contract.map { $0 == "two_year" }))

        let units = Self.demand.column("units_sold").map { Double($0)! }
        let promo = Self.demand.column("promo").map { $0 == "true" }
        #expect(mean(units, where: promo) > 1.3 * mean(units, where: promo.map(!)))
    }

    @Test func valuesStayInTheirDocumentedRanges() {
        let credit = Self.credit
        #expect(credit.column("age").allSatisfy { (21...75).contains(Int($0)!) })
        #expect(credit.column("utilization").allSatisfy { $0.isEmpty || (0...1.1).contains(Double($0)!) })
        #expect(credit.column("interest_rate").allSatisfy { (3.5...29.99).contains(Double($0)!) })
        #expect(credit.column("application_date").allSatisfy {
            $0.count == 10 && $0 >= "2019-01-01" && $0 <= "2024-12-31" && TimestampParsing.parse(String($0)) != nil
        })

        let fraud = Self.fraud
        for (hour, timestamp) in zip(fraud.column("hour"), fraud.column("timestamp")) {
            #expect(timestamp.count == 19 && timestamp.hasPrefix("2024-"))
            #expect(Int(timestamp.dropFirst(11).prefix(2)) == Int(hour))
            #expect(TimestampParsing.parse(String(timestamp)) != nil)
        }
        #expect(fraud.column("customer_id").allSatisfy { $0.count == 6 && $0.hasPrefix("C") })
        #expect(fraud.column("amount").allSatisfy { Double($0)! >= 0.5 })

        let churn = Self.churn
        #expect(churn.column("tenure_months").allSatisfy { (0...72).contains(Int($0)!) })
        #expect(churn.column("monthly_charges").allSatisfy { Double($0)! >= 15 })
    }
}
