/// Card transactions and whether they were fraudulent (`docs/datasets.md#fraud`).
///
/// The label is drawn first (1.8%), then the transaction from the legitimate or the
/// fraudulent pattern: fraud is more often online, at night, abroad, far from home, on
/// new cards, in bursts, for small "card testing" or large resale-friendly purchases.
/// Each customer has a fixed profile (home country, typical spend, card age, device
/// habit) drawn from a stream of its own, so the same `customer_id` behaves alike
/// across rows.
struct FraudScenario: SyntheticRowGenerator {
    static let columnNames = [
        "customer_id", "amount", "hour", "merchant_category", "channel", "country",
        "distance_from_home_km", "card_age_days", "num_tx_last_24h", "is_foreign",
        "device_type", "timestamp", "is_fraud",
    ]
    static let fraudRate = 0.018
    static let customerCount = 20_000
    static let categories: [StaticString] = [
        "grocery", "restaurant", "gas", "travel", "electronics", "online_retail",
        "entertainment", "health", "jewelry", "cash",
    ]
    static let channels: [StaticString] = ["pos", "online", "atm"]
    static let countries: [StaticString] = [
        "US", "GB", "DE", "FR", "ES", "CA", "MX", "BR", "IN", "JP", "AU", "IT",
    ]
    static let deviceTypes: [StaticString] = ["mobile", "desktop", "tablet", "terminal"]
    /// Transactions are timed uniformly over 2024 (a leap year).
    static let firstDay = SyntheticRowBuffer.day(2024, 1, 1)
    static let lastDay = SyntheticRowBuffer.day(2024, 12, 31)

    private static let homeWeights = [0.50, 0.14, 0.12, 0.10, 0.06, 0.08]  // first six countries
    private static let legitHours = [
        0.4, 0.25, 0.15, 0.1, 0.1, 0.2, 0.6, 1.2, 2.0, 2.6, 3.0, 3.3,
        3.8, 3.6, 3.3, 3.2, 3.4, 3.8, 4.0, 3.6, 3.0, 2.4, 1.6, 0.9,
    ]
    private static let fraudHours = [
        3.0, 3.2, 3.4, 3.4, 3.0, 2.4, 2.0, 1.8, 1.8, 2.0, 2.2, 2.4,
        2.6, 2.6, 2.5, 2.5, 2.6, 2.8, 3.0, 3.0, 3.0, 3.0, 3.0, 3.0,
    ]
    private static let channelWeights = [[0.57, 0.33, 0.10], [0.30, 0.55, 0.15]]  // legit, fraud
    /// Weights of the nine card categories (not `cash`), by channel (pos, online) and label.
    private static let categoryWeights = [
        [0.30, 0.22, 0.15, 0.02, 0.04, 0.00, 0.08, 0.14, 0.01],  // pos, legit
        [0.08, 0.05, 0.12, 0.05, 0.30, 0.00, 0.05, 0.05, 0.30],  // pos, fraud
        [0.08, 0.06, 0.00, 0.15, 0.10, 0.45, 0.12, 0.03, 0.01],  // online, legit
        [0.02, 0.02, 0.00, 0.20, 0.30, 0.25, 0.15, 0.01, 0.05],  // online, fraud
    ]
    private static let categorySpend = [1.0, 0.8, 1.1, 6.0, 4.0, 1.5, 1.0, 1.3, 5.0, 1.0]
    private static let onlineDevices = [
        [0.72, 0.20, 0.08], [0.30, 0.62, 0.08], [0.45, 0.50, 0.05],  // mobile habit, desktop habit, fraud
    ]

    private let seed: UInt64
    private var draw: SyntheticDraws

    init(seed: UInt64) {
        self.seed = seed
        draw = SyntheticDraws(seed: seed)
    }

    mutating func appendRow(to row: inout SyntheticRowBuffer) {
        let customer = draw.integer(in: 1...Self.customerCount)
        var profile = SyntheticDraws(seed: seed ^ (UInt64(customer) &* 0xD1B5_4A32_D192_ED03))
        let home = profile.pick(Self.homeWeights)
        let typicalSpend = profile.logNormal(median: 40, sigma: 0.5)
        let cardAgeOnFirstDay = profile.integer(in: 30...2_500)
        let prefersMobile = profile.chance(0.65)

        let isFraud = draw.chance(Self.fraudRate)
        let label = isFraud ? 1 : 0
        let day = draw.integer(in: Self.firstDay...Self.lastDay)
        let hour = draw.pick(isFraud ? Self.fraudHours : Self.legitHours)
        let second = hour * 3_600 + draw.integer(in: 0...3_599)
        let channel = draw.pick(Self.channelWeights[label])
        let category = channel == 2 ? 9 : draw.pick(Self.categoryWeights[channel * 2 + label])
        let isForeign = draw.chance(isFraud ? 0.15 : category == 3 ? 0.25 : 0.035)
        var country = home
        if isForeign {
            country = draw.integer(in: 0...Self.countries.count - 2)
            if country >= home { country += 1 }
        }

        let amount: Double
        if channel == 2 {
            amount = Double(20 * draw.integer(in: 1...(isFraud ? 25 : 12)))
        } else if isFraud && draw.chance(0.2) {
            amount = draw.uniform(0.5, 5)  // card testing
        } else {
            let median = typicalSpend * Self.categorySpend[category] * (isFraud ? 2.5 : 1)
            amount = min(20_000, max(0.5, draw.logNormal(median: median, sigma: 0.8)))
        }
        let distance = isForeign ? min(16_000, draw.logNormal(median: 1_800, sigma: 0.7))
            : min(3_000, draw.logNormal(median: isFraud ? 15 : 6, sigma: isFraud ? 1.3 : 1.0))
        let distanceMissing = draw.chance(channel == 1 ? 0.15 : 0.02)
        let newCard = isFraud && draw.chance(0.2)
        let cardAge = newCard ? draw.integer(in: 0...45) : cardAgeOnFirstDay + day - Self.firstDay
        let recentCount = draw.poisson(mean: isFraud ? 3.5 : 1.8)
        let device = channel == 1 ? draw.pick(Self.onlineDevices[isFraud ? 2 : prefersMobile ? 0 : 1]) : 3
        let deviceMissing = draw.chance(isFraud ? 0.15 : 0.05)

        row.customerID(customer)
        row.fixed(amount, decimals: 2)
        row.integer(hour)
        row.text(Self.categories[category])
        row.text(Self.channels[channel])
        row.text(Self.countries[country])
        if distanceMissing { row.missing() } else { row.fixed(distance, decimals: 1) }
        row.integer(cardAge)
        row.integer(recentCount)
        row.boolean(isForeign)
        if deviceMissing { row.missing() } else { row.text(Self.deviceTypes[device]) }
        row.dateTime(day: day, second: second)
        row.integer(label)
        row.endRow()
    }
}

extension SyntheticRowBuffer {
    /// `C` and the number in five digits: `C00042`.
    fileprivate mutating func customerID(_ number: Int) {
        bytes.append(UInt8(ascii: "C"))
        var divisor = 10_000
        while divisor > 0 {
            bytes.append(UInt8(truncatingIfNeeded: number / divisor % 10) &+ 48)
            divisor /= 10
        }
        bytes.append(UInt8(ascii: ","))
    }
}
