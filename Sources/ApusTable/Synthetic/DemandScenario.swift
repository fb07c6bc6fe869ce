#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Daily units sold per store and item category (`docs/datasets.md#demand`).
///
/// A complete panel in date order: each day has one row per store (`S01`...`S10`) and item
/// category (8), 80 rows a day from 2022-01-01, so row `i` is always the same day, store and
/// category. `units_sold` is Poisson(λ) with log λ a sum of store size, category base rate,
/// weekday, price elasticity against the store's list price, promotion display lift, holiday
/// lift, temperature sensitivity and a slow growth trend: every input of λ is a column, so
/// the target is exactly Poisson given the row (temperature even when it is not recorded).
struct DemandScenario: SyntheticRowGenerator {
    static let columnNames = [
        "date", "store_id", "item_category", "price", "discount_pct", "promo", "holiday",
        "temperature_c", "day_of_week", "units_sold",
    ]
    static let stores: [StaticString] = ["S01", "S02", "S03", "S04", "S05", "S06", "S07", "S08", "S09", "S10"]
    static let categories: [StaticString] = [
        "beverages", "bakery", "dairy", "produce", "frozen", "snacks", "household", "personal_care",
    ]
    static let weekdays: [StaticString] = [
        "monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday",
    ]
    /// Fixed-date holidays (month, day).
    static let holidays = [(1, 1), (5, 1), (7, 4), (11, 11), (12, 24), (12, 25), (12, 26), (12, 31)]
    static let firstDay = SyntheticRowBuffer.day(2022, 1, 1)
    static let discounts = [10, 15, 20, 25, 30, 40]

    private static let storeSize = [1.4, 1.0, 0.7, 1.2, 0.9, 0.6, 1.1, 0.8, 1.3, 0.5]
    private static let storeClimate = [0.0, -3.0, 2.5, 1.0, -1.5, 4.0, -0.5, 0.5, -2.0, 3.0]
    private static let storePriceIndex = [1.00, 0.97, 1.05, 1.02, 0.95, 1.08, 1.00, 0.98, 1.03, 1.06]
    private static let baseRate = [14.0, 10, 12, 16, 6, 11, 4, 3]
    private static let listPrice = [2.49, 3.19, 2.79, 1.99, 5.49, 2.99, 7.49, 5.99]
    private static let elasticity = [-1.6, -1.2, -1.0, -0.9, -1.4, -1.8, -1.1, -1.3]
    private static let promoLift = [0.2, 0.1, 0.1, 0.15, 0.25, 0.3, 0.15, 0.2]
    private static let temperatureSensitivity = [0.035, -0.005, 0.0, 0.01, 0.03, 0.0, -0.01, 0.0]
    private static let weekdayFactor = [0.9, 0.88, 0.92, 0.97, 1.1, 1.3, 1.15]
    private static let discountWeights = [0.25, 0.2, 0.25, 0.12, 0.12, 0.06]

    private var draw: SyntheticDraws
    private var index = 0
    private var isHoliday = false
    private var weekday = 0
    private var dayWeather = 0.0
    private var temperature = 0.0
    private var temperatureMissing = false

    init(seed: UInt64) {
        draw = SyntheticDraws(seed: seed)
    }

    mutating func appendRow(to row: inout SyntheticRowBuffer) {
        let rowsPerDay = Self.stores.count * Self.categories.count
        let slot = index % rowsPerDay
        let elapsed = index / rowsPerDay
        let day = Self.firstDay + elapsed
        let store = slot / Self.categories.count
        let category = slot % Self.categories.count
        index += 1
        if slot == 0 {
            let (_, month, dayOfMonth) = TimestampParsing.civilFromDays(day)
            isHoliday = Self.holidays.contains { $0 == (month, dayOfMonth) }
            weekday = SyntheticRowBuffer.weekday(day)
            dayWeather = 3 * draw.gaussian()
        }
        if category == 0 {  // one reading per store and day
            let season = 10 * sin(2 * Double.pi * (Double(elapsed) - 105) / 365.25)
            temperature = 11 + season + Self.storeClimate[store] + dayWeather + 1.5 * draw.gaussian()
            temperatureMissing = draw.chance(0.05)
        }
        let promo = draw.chance(0.12)
        let discount = promo ? Self.discounts[draw.pick(Self.discountWeights)] : draw.chance(0.04) ? 5 : 0
        let reference = Self.listPrice[category] * Self.storePriceIndex[store]
        let shelfPrice = reference * (1 + 0.03 * draw.gaussian()) * (1 - Double(discount) / 100)
        let price = (shelfPrice * 100).rounded() / 100

        var logMean = log(Self.baseRate[category] * Self.storeSize[store] * Self.weekdayFactor[weekday])
        logMean += Self.elasticity[category] * log(price / reference)
        logMean += (promo ? Self.promoLift[category] : 0) + (isHoliday ? 0.3 : 0)
        logMean += Self.temperatureSensitivity[category] * (temperature - 15)
        logMean += 0.03 * min(10, Double(elapsed) / 365.25)
        let units = draw.poisson(mean: exp(logMean))

        row.date(day: day)
        row.text(Self.stores[store])
        row.text(Self.categories[category])
        row.fixed(price, decimals: 2)
        row.integer(discount)
        row.boolean(promo)
        row.boolean(isHoliday)
        if temperatureMissing { row.missing() } else { row.fixed(temperature, decimals: 1) }
        row.text(Self.weekdays[weekday])
        row.integer(units)
        row.endRow()
    }
}
