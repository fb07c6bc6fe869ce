import Foundation
import Testing
@testable import ApusMonitor

@Suite("KLL quantile sketch: rank error, merging, determinism, Codable")
struct ProfileSketchTests {
    static let distributions = ["normal", "uniform", "lognormal", "ties", "ascending"]
    static let bound = QuantileSketch.rankErrorBound(k: QuantileSketch.defaultK)

    @Test("one pass over 1M values: rank error within the documented bound", arguments: distributions)
    func onePass(distribution: String) {
        let values = ProfileSamples.values(distribution, count: 1_000_000, seed: 7)
        var sketch = QuantileSketch()
        values.withUnsafeBufferPointer { sketch.insert(contentsOf: $0) }
        #expect(sketch.count == values.count)
        #expect(sketch.min == values.min() && sketch.max == values.max())
        #expect(!sketch.isExact)
        #expect(sketch.retainedCount < 800)
        let error = ProfileSamples.maxRankError(sketch, values)
        print("sketch \(distribution): max rank error \(error), \(sketch.retainedCount) items")
        #expect(error <= Self.bound, "\(distribution): \(error)")
        // quantile(q) is a value whose true rank is within the bound of q.
        var sorted = values
        sorted.sort()
        for q in stride(from: 0.05, through: 0.95, by: 0.05) {
            let value = sketch.quantile(q)
            let trueRank = Double(QuantileSketch.countAtOrBelow(value, sorted)) / Double(sorted.count)
            #expect(trueRank >= q - Self.bound, "q \(q): \(trueRank)")
        }
    }

    @Test("merging 10 parts: rank error within the bound, as one pass", arguments: ["normal", "ties", "ascending"])
    func mergedParts(distribution: String) {
        let values = ProfileSamples.values(distribution, count: 1_000_000, seed: 11)
        var merged = QuantileSketch()
        var one = QuantileSketch()
        values.withUnsafeBufferPointer { all in
            one.insert(contentsOf: all)
            for part in 0..<10 {
                var sketch = QuantileSketch()
                sketch.insert(contentsOf: UnsafeBufferPointer(rebasing: all[(part * 100_000)..<((part + 1) * 100_000)]))
                merged.merge(sketch)
            }
        }
        #expect(merged.count == values.count)
        #expect(merged.min == one.min && merged.max == one.max)
        let mergedError = ProfileSamples.maxRankError(merged, values)
        let oneError = ProfileSamples.maxRankError(one, values)
        print("sketch \(distribution): merged max rank error \(mergedError), one pass \(oneError)")
        #expect(mergedError <= Self.bound)
        #expect(oneError <= Self.bound)
    }

    @Test("deterministic: equal sketches and bytes; one at a time equals the buffer path; merges reproducible")
    func deterministic() throws {
        let values = ProfileSamples.values("lognormal", count: 200_000, seed: 3) + [.nan, .infinity]
        func build() -> QuantileSketch {
            var sketch = QuantileSketch()
            values.withUnsafeBufferPointer { sketch.insert(contentsOf: $0) }
            return sketch
        }
        var single = QuantileSketch()
        for value in values { single.insert(value) }
        let first = build(), second = build()
        #expect(first == second)
        #expect(first == single)
        #expect(first.count == 200_000)
        let encoder = JSONEncoder()
        encoder.outputFormatting = .sortedKeys
        #expect(try encoder.encode(first) == encoder.encode(second))
        func mergeParts() -> QuantileSketch {
            var merged = QuantileSketch()
            for part in 0..<4 {
                var sketch = QuantileSketch()
                for value in values[(part * 50_000)..<((part + 1) * 50_000)] { sketch.insert(value) }
                merged.merge(sketch)
            }
            return merged
        }
        #expect(mergeParts() == mergeParts())
    }

    @Test("Codable round trip; corrupt sketches refused with the reason")
    func codable() throws {
        var sketch = QuantileSketch()
        for value in ProfileSamples.values("normal", count: 50_000, seed: 5) { sketch.insert(value) }
        let data = try JSONEncoder().encode(sketch)
        let decoded = try JSONDecoder().decode(QuantileSketch.self, from: data)
        #expect(decoded == sketch)
        #expect(decoded.quantile(0.5) == sketch.quantile(0.5))
        var extended = decoded, original = sketch
        extended.insert(3)
        original.insert(3)
        #expect(extended == original)
        let empty = try JSONDecoder().decode(QuantileSketch.self, from: JSONEncoder().encode(QuantileSketch()))
        #expect(empty == QuantileSketch())
        let bad = #"{"k":200,"count":5,"min":1,"max":2,"compactions":0,"levels":[[1,2]]}"#
        do {
            _ = try JSONDecoder().decode(QuantileSketch.self, from: Data(bad.utf8))
            Issue.record("expected an error")
        } catch let DecodingError.dataCorrupted(context) {
            #expect(context.debugDescription == "the levels weigh 2 but the count is 5")
        }
        let unsorted = #"{"k":200,"count":4,"min":1,"max":2,"compactions":1,"levels":[[],[2,1]]}"#
        do {
            _ = try JSONDecoder().decode(QuantileSketch.self, from: Data(unsorted.utf8))
            Issue.record("expected an error")
        } catch let DecodingError.dataCorrupted(context) {
            #expect(context.debugDescription == "level 1 is not sorted at item 1")
        }
    }

    @Test("small streams are exact: ranks, quantiles, min and max; NaN skipped; empty is NaN")
    func exactWhenSmall() throws {
        var sketch = QuantileSketch()
        #expect(sketch.quantile(0.5).isNaN && sketch.min.isNaN && sketch.rank(of: 1) == 0)
        for value in [3.0, 1, .nan, 2, 2, 5] { sketch.insert(value) }
        #expect(sketch.count == 5 && sketch.isExact)
        #expect(sketch.rank(of: 2) == 0.6 && sketch.rank(of: 0) == 0 && sketch.rank(of: 5) == 1)
        #expect(sketch.quantile(0.5) == 2 && sketch.quantile(0.61) == 3 && sketch.quantile(0) == 1 && sketch.quantile(1) == 5)
        #expect(sketch.items == [.init(value: 1, weight: 1), .init(value: 2, weight: 2), .init(value: 3, weight: 1), .init(value: 5, weight: 1)])
        #expect(sketch.cdfPoints.map(\.rank) == [0.2, 0.6, 0.8, 1])
        do {
            _ = try QuantileSketch(k: 4)
            Issue.record("expected an error")
        } catch {
            #expect(error.description == "k = 4.0 is out of range")
        }
    }
}
