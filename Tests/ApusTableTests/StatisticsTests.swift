import Testing
@testable import ApusTable

/// Per-column statistics: exact in-memory profiles (this file), streaming profiles
/// (`StatisticsTests+Streaming.swift`), JSON and text output (`StatisticsTests+Output.swift`).
///
/// Expected numbers were computed by hand or with numpy 2.4 (`np.mean`, `np.std(ddof=1)`,
/// `np.quantile(x, [.05, .25, .5, .75, .95])`, default linear method).
@Suite struct StatisticsTests {
    static let probabilities = ColumnStatistics.quantileProbabilities

    /// Whether `actual` is within `tolerance` of `expected`, relative to its size.
    static func isClose(_ actual: Double?, _ expected: Double, tolerance: Double = 1e-12) -> Bool {
        guard let actual else { return false }
        return abs(actual - expected) <= tolerance * Swift.max(1, abs(expected))
    }

    static func quantileValues(_ statistics: ColumnStatistics) -> [Double] {
        statistics.quantiles?.map(\.value) ?? []
    }

    @Test func numericMatchesNumpy() throws {
        let table = try Table([("x", .numeric(NumericColumn([3.5, -1.25, 7, nil, 2, 10.75, 0, nil, 4.5, 3.5])))])
        let x = table.profile().columns[0]
        #expect(x.name == "x" && x.kind == .numeric)
        #expect(x.count == 10 && x.missing == 2 && x.nonMissing == 8)
        #expect(x.mean == 3.75)
        #expect(Self.isClose(x.std, 3.824264635194589))
        #expect(x.min == -1.25 && x.max == 10.75)
        let expected = [-0.8125, 1.5, 3.5, 5.125, 9.437499999999998]
        #expect(x.quantiles?.map(\.probability) == Self.probabilities)
        for (actual, wanted) in zip(Self.quantileValues(x), expected) { #expect(Self.isClose(actual, wanted)) }
        #expect(x.distinct == 7)
        #expect(x.topLevels == nil && x.trueCount == nil && x.earliest == nil && x.approximate == nil)
    }

    @Test func quantilesInterpolateLinearlyByHand() throws {
        // Sorted 1, 2, 3, 4: position (n − 1) · p = 3p, so p05 = 1 + 0.15, p25 = 1.75, ...
        let x = try Table([("x", .numeric(NumericColumn([4, 1, 3, 2] as [Double])))]).profile().columns[0]
        let expected = [1.15, 1.75, 2.5, 3.25, 3.85]
        for (actual, wanted) in zip(Self.quantileValues(x), expected) { #expect(Self.isClose(actual, wanted)) }
        #expect(x.median == 2.5)
        #expect(Self.isClose(x.std, (5.0 / 3).squareRoot()))
    }

    @Test func largerNumericColumnMatchesNumpy() throws {
        let values: [Double?] = (0..<1000).map { (i: Int) -> Double? in
            let value: Double = Double(i * 7919 % 1000) / 8 - 40
            return i % 13 == 5 ? nil : value
        }
        let x = try Table([("x", .numeric(NumericColumn(values)))]).profile().columns[0]
        #expect(x.count == 1000 && x.missing == 77)
        #expect(Self.isClose(x.mean, 22.40018959913326))
        #expect(Self.isClose(x.std, 36.128426859233926))
        #expect(Self.quantileValues(x) == [-33.8625, -8.9375, 22.375, 53.8125, 78.6125])
        #expect(x.distinct == 923 && x.min == -40 && x.max == 84.875)
    }

    @Test func standardDeviationIsStableForLargeOffsets() throws {
        // Naive Σx² − n·mean² loses every digit here; numpy: std = 0.2873718458886348.
        let values = (0..<1000).map { 1e9 + Double($0 % 10) * 0.1 }
        let x = try Table([("x", .numeric(NumericColumn(values)))]).profile().columns[0]
        #expect(Self.isClose(x.mean, 1_000_000_000.45, tolerance: 1e-15))
        #expect(Self.isClose(x.std, 0.2873718458886348, tolerance: 1e-6))
    }

    @Test func singleAndMissingNumericValues() throws {
        let table = try Table([
            ("one", .numeric(NumericColumn([nil, 5, nil]))),
            ("none", .numeric(NumericColumn([nil, nil, nil] as [Double?]))),
        ])
        let profile = table.profile()
        let one = profile.columns[0], none = profile.columns[1]
        #expect(one.mean == 5 && one.std == nil && one.min == 5 && one.max == 5)
        #expect(Self.quantileValues(one) == [5, 5, 5, 5, 5] && one.distinct == 1 && one.missing == 2)
        #expect(none.missing == 3 && none.distinct == 0)
        #expect(none.mean == nil && none.std == nil && none.min == nil && none.max == nil && none.quantiles == nil)
    }

    @Test func negativeZeroAndInfinities() throws {
        let table = try Table([("x", .numeric(NumericColumn([0.0, -0.0, .infinity, 1, -.infinity])))])
        let x = table.profile().columns[0]
        #expect(x.distinct == 4)
        #expect(x.min == -.infinity && x.max == .infinity)
        #expect(x.mean == nil && x.std == nil)  // ∞ − ∞ is not a number: left out, not NaN
        #expect(x.quantiles?.allSatisfy { !$0.value.isNaN } == true)
    }

    @Test func categoricalCountsLevelsByFrequencyThenFirstAppearance() throws {
        let values: [String?] = ["b", "a", nil, "c", "a", "b", "d", nil, "e", "f", "c"]
        let c = try Table([("c", .categorical(CategoricalColumn(values)))]).profile().columns[0]
        #expect(c.kind == .categorical && c.count == 11 && c.missing == 2 && c.distinct == 6)
        let top = c.topLevels?.map { "\($0.value)=\($0.count)" }
        #expect(top == ["b=2", "a=2", "c=2", "d=1", "e=1"])
        #expect(c.mean == nil && c.quantiles == nil && c.trueCount == nil)
    }

    @Test func categoricalIgnoresUnusedLevelsAndFollowsRowOrder() throws {
        // Levels listed out of row order, one of them unused (as after a filter).
        let codes = ColumnBuffer<UInt32>([2, 0, CategoricalColumn.missingCode, 0, 2])
        let column = CategoricalColumn(codes: codes, levels: ["x", "unused", "y"])
        let c = try Table([("c", .categorical(column))]).profile().columns[0]
        #expect(c.distinct == 2 && c.missing == 1)
        #expect(c.topLevels == [.init(value: "y", count: 2), .init(value: "x", count: 2)])
    }

    @Test func booleanCountsTrueAndFalse() throws {
        let table = try Table([
            ("b", .boolean(BooleanColumn([false, true, nil, true, true, false]))),
            ("empty", .boolean(BooleanColumn([nil, nil, nil, nil, nil, nil]))),
            ("tie", .boolean(BooleanColumn([nil, true, false, nil, false, true]))),
        ])
        let profile = table.profile()
        let b = profile.columns[0], empty = profile.columns[1], tie = profile.columns[2]
        #expect(b.trueCount == 3 && b.trueRate == 0.6 && b.missing == 1 && b.distinct == 2)
        #expect(b.topLevels == [.init(value: "true", count: 3), .init(value: "false", count: 2)])
        #expect(empty.trueCount == 0 && empty.trueRate == nil && empty.distinct == 0 && empty.topLevels == [])
        #expect(empty.missing == 6 && tie.trueRate == 0.5)
        #expect(tie.topLevels?.map(\.value) == ["true", "false"])
    }

    @Test func textCountsDistinctValuesAndKeepsEmptyApartFromMissing() throws {
        var values: [String?] = ["", nil, "hello", "", "héllo wörld", nil, "hello", ""]
        values += (0..<500).map { "id-\($0)" }  // grows the counter's hash table
        let t = try Table([("t", .text(TextColumn(values)))]).profile().columns[0]
        #expect(t.kind == .text && t.count == 508 && t.missing == 2 && t.distinct == 503)
        #expect(t.topLevels?.prefix(3).map(\.value) == ["", "hello", "héllo wörld"])
        #expect(t.topLevels?.map(\.count) == [3, 2, 1, 1, 1])
        #expect(t.topLevels?.last?.value == "id-1")
    }

    @Test func timestampsGiveISOBoundsAndSecondStatistics() throws {
        let seconds = ["2024-03-01", "2024-03-02T12:00:00Z", "2024-01-15T06:30:00Z"].map(TimestampParsing.parse)
        let column = TimestampColumn(secondsSinceEpoch: [seconds[0], seconds[1], nil, seconds[2]])
        let t = try Table([("t", .timestamp(column))]).profile().columns[0]
        #expect(t.kind == .timestamp && t.missing == 1 && t.distinct == 3)
        #expect(t.earliest == "2024-01-15T06:30:00Z" && t.latest == "2024-03-02T12:00:00Z")
        #expect(t.min == seconds[2] && t.max == seconds[1] && t.median == seconds[0])
        #expect(Self.isClose(t.mean, (seconds[0]! + seconds[1]! + seconds[2]!) / 3))
    }

    @Test func emptyTablesHaveNoStatistics() throws {
        #expect(Table().profile() == TableProfile(rows: 0, columns: []))
        let profile = try Table([("x", .numeric(NumericColumn([] as [Double])))]).profile()
        #expect(profile.rows == 0 && profile.columns[0].count == 0 && profile.columns[0].distinct == 0)
        #expect(profile.columns[0].mean == nil && !profile.approximate)
    }

    @Test func profileIsDeterministicAndInColumnOrder() throws {
        let columns: [(name: String, column: Column)] = (0..<16).map { index in
            ("c\(index)", .numeric(NumericColumn((0..<2000).map { Double(($0 * (index + 3)) % 101) })))
        }
        let table = try Table(columns)
        let first = table.profile()
        #expect(first.columns.map(\.name) == table.columnNames)
        for _ in 0..<3 { #expect(table.profile() == first) }
    }
}

@Suite("Radix sort of doubles")
struct RadixSortTests {
    @Test(arguments: [0, 1, 511, 512, 513, 5000, 100_000])
    func sortsLikeTheStandardLibrary(count: Int) {
        var random = SeededRandom(seed: UInt64(count))
        var values: [Double] = (0..<count).map { _ in
            switch random.nextInt(below: 8) {
            case 0: return -0.0
            case 1: return .infinity
            case 2: return -.infinity
            case 3: return Double(random.nextInt(below: 10))  // many ties
            case 4: return .leastNonzeroMagnitude * Double(random.nextInt(below: 3) - 1)
            default:
                return (random.nextDouble() - 0.5) * Double(sign: .plus, exponent: random.nextInt(below: 120) - 60, significand: 1)
            }
        }
        var expected = values
        expected.sort()
        RadixSort.sort(&values)
        #expect(values.count == expected.count)
        #expect(zip(values, expected).allSatisfy { $0 == $1 })
        #expect(zip(values, values.dropFirst()).allSatisfy { $0.bitPattern == $1.bitPattern || $0 <= $1 })
    }
}
