import Testing
@testable import ApusTable

/// Streaming profiles: equal to in-memory ones where exact, close where estimated.
extension StatisticsTests {
    /// A table of every kind, with missing values, rows `range` of a fixed sequence.
    static func mixedTable(_ range: Range<Int>) throws -> Table {
        func numeric(_ i: Int) -> Double? { i % 11 == 3 ? nil : Double(i * 7919 % 1000) / 8 - 40 }
        func level(_ i: Int) -> String? { i % 9 == 4 ? nil : ["red", "green", "blue", "amber"][i * i % 4] }
        func flag(_ i: Int) -> Bool? { i % 7 == 2 ? nil : i % 3 == 0 }
        func note(_ i: Int) -> String? { i % 5 == 1 ? nil : "note \(i % 37)" }
        func time(_ i: Int) -> Double? { i % 6 == 5 ? nil : 1.7e9 + Double(i % 400) * 3600 }
        return try Table([
            ("x", .numeric(NumericColumn(range.map(numeric)))),
            ("color", .categorical(CategoricalColumn(range.map(level)))),
            ("flag", .boolean(BooleanColumn(range.map(flag)))),
            ("note", .text(TextColumn(range.map(note)))),
            ("at", .timestamp(TimestampColumn(secondsSinceEpoch: range.map(time)))),
        ])
    }

    /// The profile of `rows` rows fed in batches that end at `cuts`.
    static func streamed(rows: Int, cuts: [Int], configuration: StreamingProfiler.Configuration = .init()) throws -> TableProfile {
        var profiler = StreamingProfiler(configuration: configuration)
        var start = 0
        for end in cuts + [rows] {
            try profiler.add(mixedTable(start..<end))
            start = end
        }
        #expect(profiler.rowCount == rows)
        return profiler.profile()
    }

    @Test func streamingEqualsInMemoryForExactFields() throws {
        let exact = try Self.mixedTable(0..<1000).profile()
        let streamed = try Self.streamed(rows: 1000, cuts: [0, 1, 99, 500, 500, 777])
        #expect(!streamed.approximate && streamed.rows == exact.rows)
        for (s, e) in zip(streamed.columns, exact.columns) {
            #expect(s.name == e.name && s.kind == e.kind && s.count == e.count && s.missing == e.missing)
            #expect(s.min == e.min && s.max == e.max && s.distinct == e.distinct)
            #expect(s.quantiles == e.quantiles)  // the sample holds every value
            #expect(s.topLevels == e.topLevels && s.trueCount == e.trueCount && s.trueRate == e.trueRate)
            #expect(s.earliest == e.earliest && s.latest == e.latest && s.approximate == nil)
            #expect((s.mean == nil) == (e.mean == nil) && (s.std == nil) == (e.std == nil))
            if let mean = e.mean { #expect(Self.isClose(s.mean, mean)) }
            if let std = e.std { #expect(Self.isClose(s.std, std)) }
        }
    }

    @Test func oneBatchStreamsToTheInMemoryProfile() throws {
        var profiler = StreamingProfiler()
        try profiler.add(Self.mixedTable(0..<300))
        #expect(profiler.profile() == (try Self.mixedTable(0..<300).profile()))
    }

    @Test func emptyProfilerGivesEmptyProfile() {
        #expect(StreamingProfiler().profile() == TableProfile(rows: 0, columns: []))
    }

    @Test func streamingEstimatesQuantilesAndDistinctPastTheirBudgets() throws {
        let small = StreamingProfiler.Configuration(sampleSize: 2_000, exactDistinctLimit: 500, textLevelLimit: 1_000)
        let cuts = [3_000, 10_000, 25_000]
        let streamed = try Self.streamed(rows: 40_000, cuts: cuts, configuration: small)
        let exact = try Self.mixedTable(0..<40_000).profile()
        let x = try #require(streamed["x"]), exactX = try #require(exact["x"])
        #expect(streamed.approximate && x.approximate == [.quantiles, .distinct])
        #expect(x.min == exactX.min && x.max == exactX.max && x.missing == exactX.missing)
        // 2,000 samples: rank standard error ≤ 1.1 %; allow 4 % of the value range.
        let range = exactX.max! - exactX.min!
        for (s, e) in zip(Self.quantileValues(x), Self.quantileValues(exactX)) {
            #expect(abs(s - e) <= 0.04 * range)
        }
        #expect(abs(Double(x.distinct!) - Double(exactX.distinct!)) <= 0.03 * Double(exactX.distinct!))
        #expect(streamed["color"]?.approximate == nil && streamed["color"]?.topLevels == exact["color"]?.topLevels)
        #expect(streamed["note"]?.approximate == nil)  // 37 distinct notes: within budget
    }

    @Test func streamingIsIndependentOfBatchBoundaries() throws {
        let small = StreamingProfiler.Configuration(sampleSize: 300, exactDistinctLimit: 100)
        let a = try Self.streamed(rows: 5_000, cuts: [1_000, 2_000], configuration: small)
        let b = try Self.streamed(rows: 5_000, cuts: [7, 1_234, 4_999], configuration: small)
        for (left, right) in zip(a.columns, b.columns) {
            #expect(left.quantiles == right.quantiles && left.distinct == right.distinct)
            #expect(left.topLevels == right.topLevels && left.approximate == right.approximate)
        }
        #expect(a["x"]?.approximate == [.quantiles, .distinct])
    }

    @Test func textPastItsLimitKeepsFrequentValues() throws {
        // 30 % of rows say "N/A"; the rest are unique identifiers.
        let rows = 20_000
        var profiler = StreamingProfiler(configuration: .init(textLevelLimit: 100))
        for start in stride(from: 0, to: rows, by: 1_000) {
            let values: [String?] = (start..<start + 1_000).map { $0 % 10 < 3 ? "N/A" : "id-\($0)" }
            try profiler.add(Table([("t", .text(TextColumn(values)))]))
        }
        let t = profiler.profile().columns[0]
        #expect(t.approximate == [.distinct, .topLevels])
        let top = try #require(t.topLevels?.first)
        #expect(top.value == "N/A" && top.count <= 6_000 && top.count >= 6_000 - rows / 101)
        #expect(abs(Double(t.distinct!) - 14_001) <= 0.03 * 14_001)
    }

    @Test func batchWithAnotherSchemaIsRejectedByColumn() throws {
        var profiler = StreamingProfiler()
        try profiler.add(Self.mixedTable(0..<10))
        let swappedKind = try Table([
            ("x", .numeric(NumericColumn([1.0]))), ("color", .text(TextColumn(["red"]))),
            ("flag", .boolean(BooleanColumn([true]))), ("note", .text(TextColumn(["n"]))),
            ("at", .timestamp(TimestampColumn(secondsSinceEpoch: [0]))),
        ])
        let kind = ProfilingError.columnMismatch(
            position: 2, expected: .init(name: "color", kind: .categorical), found: .init(name: "color", kind: .text))
        #expect(throws: kind) { try profiler.add(swappedKind) }
        #expect(kind.description == "column `color` is text in this batch but categorical in the first batch")

        let renamed = try Table([("y", .numeric(NumericColumn([1.0])))])
        #expect(throws: ProfilingError.columnMismatch(
            position: 1, expected: .init(name: "x", kind: .numeric), found: .init(name: "y", kind: .numeric))) {
            try profiler.add(renamed)
        }
        let shorter = try Table([("x", .numeric(NumericColumn([1.0])))])
        #expect { try profiler.add(shorter) } throws: { error in
            "\(error)" == "this batch lacks column `color` (column 2 of the first batch)"
        }
        #expect(profiler.rowCount == 10)  // rejected batches leave no trace
    }

    @Test func hyperLogLogIsWithinItsErrorBound() {
        for cardinality in [0, 1, 1_000, 30_000, 200_000] {
            var sketch = HyperLogLog()
            for value in 0..<cardinality { sketch.insert(StableHash.hash(Double(value))) }
            let error = abs(Double(sketch.estimate - cardinality))
            #expect(error <= Swift.max(1, 0.03 * Double(cardinality)), "cardinality \(cardinality): \(sketch.estimate)")
        }
    }

    @Test func reservoirKeepsEverythingUntilFullThenStaysUniform() {
        var sample = ReservoirSample(capacity: 1_000, seed: 1)
        for value in 0..<1_000 { sample.add(Double(value)) }
        #expect(sample.isComplete && sample.values == (0..<1_000).map(Double.init))
        for value in 1_000..<100_000 { sample.add(Double(value)) }
        #expect(!sample.isComplete && sample.values.count == 1_000)
        let mean = sample.values.reduce(0, +) / 1_000
        #expect(abs(mean - 49_999.5) < 4 * 28_867 / 1_000.0.squareRoot())  // 4 standard errors
    }
}
