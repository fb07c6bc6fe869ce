import Foundation
import Testing
@testable import ApusTable

extension SyntheticTests {
    @Test func demandIsACompletePanelInDateOrder() throws {
        let table = Self.demand
        let dates = table.column("date"), stores = table.column("store_id")
        let categories = table.column("item_category"), weekdays = table.column("day_of_week")
        let holidays = table.column("holiday")
        let names = ["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"]
        for row in stride(from: 0, to: table.rows.count, by: 37) {
            let day = SyntheticRowBuffer.day(2022, 1, 1) + row / 80
            let seconds = try #require(TimestampParsing.parse(String(dates[row])))
            #expect(Int(seconds / 86_400) == day)
            #expect(stores[row] == DemandScenario.stores[row % 80 / 8].description)
            #expect(categories[row] == DemandScenario.categories[row % 8].description)
            #expect(weekdays[row] == names[SyntheticRowBuffer.weekday(day)])
            let monthDay = dates[row].suffix(5)
            let isHoliday = ["01-01", "05-01", "07-04", "11-11", "12-24", "12-25", "12-26", "12-31"].contains(monthDay)
            #expect(holidays[row] == (isHoliday ? "true" : "false"))
        }
        #expect(dates[0] == "2022-01-01" && weekdays[0] == "saturday")
        for (promo, discount) in zip(table.column("promo"), table.column("discount_pct")) {
            #expect(promo == "true" ? Int(discount)! >= 10 : Int(discount)! <= 5)
        }
        let units = table.column("units_sold").map { Double($0)! }
        let average = mean(units, where: units.map { _ in true })
        #expect(units.allSatisfy { $0 >= 0 && $0 == $0.rounded() })
        #expect(average > 8 && average < 14)
    }

    @Test(arguments: [0.3, 4, 9.9, 10, 37.5, 400])
    func poissonDrawsHaveTheRightMeanAndVariance(_ mean: Double) {
        var draws = SyntheticDraws(seed: 11)
        let count = 40_000
        var sum = 0.0, sumOfSquares = 0.0, zeros = 0
        for _ in 0..<count {
            let value = Double(draws.poisson(mean: mean))
            sum += value
            sumOfSquares += value * value
            if value == 0 { zeros += 1 }
        }
        let average = sum / Double(count)
        let variance = sumOfSquares / Double(count) - average * average
        #expect(abs(average - mean) < 4 * (mean / Double(count)).squareRoot())
        #expect(abs(variance / mean - 1) < 0.05)
        if mean < 5 { #expect(abs(Double(zeros) / Double(count) - exp(-mean)) < 0.01) }
    }

    @Test(arguments: [3, 9.9, 10, 25, 37.5])
    func poissonDrawsFollowThePoissonDistribution(_ mean: Double) {
        var draws = SyntheticDraws(seed: 5)
        let count = 50_000
        var frequencies = [Int](repeating: 0, count: Int(mean * 4) + 20)
        for _ in 0..<count { frequencies[min(draws.poisson(mean: mean), frequencies.count - 1)] += 1 }
        var totalVariation = 0.0
        for k in frequencies.indices {
            let exact = exp(-mean + Double(k) * log(mean) - SyntheticDraws.logFactorial(k))
            totalVariation += abs(Double(frequencies[k]) / Double(count) - exact) / 2
        }
        #expect(totalVariation < 0.015, "mean \(mean): total variation \(totalVariation)")
    }

    @Test func logFactorialIsExactEnough() {
        #expect(abs(SyntheticDraws.logFactorial(0)) < 1e-15 && abs(SyntheticDraws.logFactorial(1)) < 1e-15)
        #expect(abs(SyntheticDraws.logFactorial(15) - log(1_307_674_368_000.0)) < 1e-10)
        #expect(abs(SyntheticDraws.logFactorial(16) - log(20_922_789_888_000.0)) < 1e-10)
        #expect(abs(SyntheticDraws.logFactorial(20) - log(2_432_902_008_176_640_000.0)) < 1e-10)
    }

    @Test func fixedFormattingMatchesNumberFormatting() {
        var random = SeededRandom(seed: 3)
        let specials = [0, -0.0004, 0.0005, -2.5, 1.005, 123_456.789, 29.99, 1e-9]
        let values = specials + (0..<2_000).map { _ in
            (random.nextDouble() - 0.5) * pow(10, Double(random.nextInt(below: 8)) - 2)
        }
        for value in values {
            for decimals in 0...4 {
                var buffer = SyntheticRowBuffer(capacity: 64)
                buffer.fixed(value, decimals: decimals)
                buffer.endRow()
                let expected = NumberFormatting.formatFixed(value, decimals: decimals) + "\n"
                #expect(String(decoding: buffer.bytes, as: UTF8.self) == expected, "\(value), \(decimals)")
            }
        }
    }

    @Test func datesIntegersAndBooleansAreFormattedAsDocumented() {
        var buffer = SyntheticRowBuffer(capacity: 128)
        buffer.date(day: 0)
        buffer.date(day: SyntheticRowBuffer.day(2024, 2, 29))
        buffer.dateTime(day: SyntheticRowBuffer.day(2024, 12, 31), second: 23 * 3_600 + 5 * 60 + 9)
        buffer.integer(-1_204)
        buffer.integer(0)
        buffer.boolean(true)
        buffer.missing()
        buffer.text("x")
        buffer.endRow()
        #expect(String(decoding: buffer.bytes, as: UTF8.self)
                == "1970-01-01,2024-02-29,2024-12-31T23:05:09,-1204,0,true,,x\n")
    }

    @Test(arguments: SyntheticScenario.allCases)
    func writeProducesTheSameBytesAsCSV(_ scenario: SyntheticScenario) throws {
        let path = temporaryPath()
        defer { try? FileManager.default.removeItem(atPath: path) }
        try SyntheticData.write(scenario, rows: 1_500, seed: 8, to: path)
        let written = try String(contentsOfFile: path, encoding: .utf8)
        #expect(written == SyntheticData.csv(scenario, rows: 1_500, seed: 8))
    }

    @Test func writeFlushesInChunksAndReportsProgress() throws {
        let path = temporaryPath()
        defer { try? FileManager.default.removeItem(atPath: path) }
        let rows = 15_000  // about 1.3 MB: more than one chunk
        var reported: [Int] = []
        try SyntheticData.write(.credit, rows: rows, seed: 2, to: path) { reported.append($0) }
        let written = try Data(contentsOf: URL(fileURLWithPath: path))
        #expect(written == Data(SyntheticData.csv(.credit, rows: rows, seed: 2).utf8))
        #expect(written.count > SyntheticData.chunkBytes)
        #expect(reported.count >= 2)
        #expect(reported == reported.sorted() && reported.last == rows && reported.first! < rows)
    }

    @Test(arguments: [0, -5])
    func writeRejectsARowCountBelowOne(_ rows: Int) {
        let path = temporaryPath()
        #expect(throws: SyntheticDataError.invalidRowCount(rows)) {
            try SyntheticData.write(.credit, rows: rows, seed: 1, to: path)
        }
        #expect(SyntheticDataError.invalidRowCount(rows).description.contains("--rows"))
        #expect(!FileManager.default.fileExists(atPath: path))
    }

    @Test func writeToAnUnwritablePathNamesThePath() throws {
        let path = temporaryPath() + "/missing-directory/credit.csv"
        let error = try #require(throws: SyntheticDataError.self) {
            try SyntheticData.write(.credit, rows: 10, seed: 1, to: path)
        }
        guard case .cannotOpen(let reportedPath, let reason) = error else {
            Issue.record("unexpected error \(error)")
            return
        }
        #expect(reportedPath == path && !reason.isEmpty)
        #expect(error.description.contains(path))
        let directory = NSTemporaryDirectory()
        #expect(throws: SyntheticDataError.self) { try SyntheticData.write(.fraud, rows: 10, seed: 1, to: directory) }
    }
}

// MARK: - Helpers (members of the suite, so their names cannot clash with other tests')

extension SyntheticTests {
    /// A CSV file split into fields (the scenarios never quote).
    struct ParsedCSV: Sendable {
        let header: [String]
        let rows: [[Substring]]

        init(_ text: String) {
            var lines = text.split(separator: "\n", omittingEmptySubsequences: false)
            if lines.last == "" { lines.removeLast() }
            header = lines.first.map { $0.split(separator: ",").map(String.init) } ?? []
            rows = lines.dropFirst().map { $0.split(separator: ",", omittingEmptySubsequences: false) }
        }

        func column(_ name: String) -> [Substring] {
            guard let index = header.firstIndex(of: name) else { return [] }
            return rows.map { $0[index] }
        }

        func fraction(_ name: String, _ predicate: (Substring) -> Bool) -> Double {
            let values = column(name)
            return Double(values.filter(predicate).count) / Double(max(values.count, 1))
        }
    }

    static func table(_ scenario: SyntheticScenario) -> ParsedCSV {
        switch scenario {
        case .credit: credit
        case .fraud: fraud
        case .churn: churn
        case .demand: demand
        }
    }

    func temporaryPath() -> String {
        NSTemporaryDirectory() + "apus-synthetic-\(UUID().uuidString).csv"
    }

    /// The share of `flags` that are true among the rows where `condition` holds.
    func rate(_ flags: [Bool], where condition: [Bool]) -> Double {
        let selected = zip(flags, condition).filter(\.1)
        return Double(selected.filter(\.0).count) / Double(max(selected.count, 1))
    }

    func mean(_ values: [Double], where condition: [Bool]) -> Double {
        let selected = zip(values, condition).filter(\.1).map(\.0)
        return selected.reduce(0, +) / Double(max(selected.count, 1))
    }

    func median(of values: [Double?], where condition: [Bool]) -> Double {
        let selected = zip(values, condition).compactMap { $1 ? $0 : nil }.sorted()
        return selected.isEmpty ? .nan : selected[selected.count / 2]
    }

    /// Area under the ROC curve (Mann–Whitney, tied scores share their average rank).
    func auc(_ scores: [Double], labels: [Bool]) -> Double {
        let order = scores.indices.sorted { scores[$0] < scores[$1] }
        var rankSum = 0.0
        var start = 0
        while start < order.count {
            var end = start
            while end + 1 < order.count && scores[order[end + 1]] == scores[order[start]] { end += 1 }
            let averageRank = Double(start + end) / 2 + 1
            for position in start...end where labels[order[position]] { rankSum += averageRank }
            start = end + 1
        }
        let positives = Double(labels.filter { $0 }.count)
        let negatives = Double(labels.count) - positives
        return (rankSum - positives * (positives + 1) / 2) / (positives * negatives)
    }
}
