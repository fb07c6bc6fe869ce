import ApusTable
import Foundation
import Testing
@testable import ApusMonitor

@Suite("Numeric, categorical and table profiles: counts, moments, edges, merging, Codable")
struct ProfileTests {
    @Test("numeric profile by hand: bins, underflow, overflow, missing, moments")
    func numericByHand() throws {
        let p = try NumericProfile(name: "x", values: [-1, 0, 0.5, 1, 1.5, 2, 3, .nan, -.infinity], edges: [0, 1, 2])
        #expect(p.count == 7 && p.missing == 2)
        #expect(p.underflow == 1 && p.binCounts == [3, 2] && p.overflow == 1)
        #expect(p.histogram == [1, 3, 2, 1])
        #expect(p.min == -1 && p.max == 3)
        #expect(abs(p.mean - 1) < 1e-15)
        // Σ (x − 1)² = 4 + 1 + 0.25 + 0 + 0.25 + 1 + 4 = 10.5, over 7 values.
        #expect(abs(p.variance - 1.5) < 1e-15)
        let constant = try NumericProfile(name: "c", values: [2, 2], edges: [2, 2])
        #expect(constant.binCounts == [2] && constant.underflow == 0 && constant.overflow == 0)
        let none = try NumericProfile(name: "n", values: [5], edges: [])
        #expect(none.overflow == 1 && none.binCounts.isEmpty && none.histogram == [0, 1])
    }

    @Test("merging numeric parts gives the counts and moments (Chan) of one pass")
    func numericMerge() throws {
        let values = ProfileSamples.values("lognormal", count: 30_000, seed: 9, shift: 1e6)
        let edges = [1e6, 1e6 + 0.5, 1e6 + 1, 1e6 + 2, 1e6 + 5]
        let whole = try NumericProfile(name: "x", values: values, edges: edges)
        var merged = try NumericProfile(name: "x", edges: edges)
        for part in 0..<3 {
            try merged.merge(NumericProfile(name: "x", values: Array(values[(part * 10_000)..<((part + 1) * 10_000)]), edges: edges))
        }
        #expect(merged.count == whole.count && merged.binCounts == whole.binCounts)
        #expect(merged.underflow == whole.underflow && merged.overflow == whole.overflow)
        #expect(abs(merged.mean - whole.mean) <= 1e-14 * whole.mean)
        #expect(abs(merged.variance - whole.variance) / whole.variance < 1e-10)
        let exactMean = values.reduce(0, +) / Double(values.count)
        let exactVariance = values.map { ($0 - exactMean) * ($0 - exactMean) }.reduce(0, +) / Double(values.count)
        #expect(abs(whole.variance - exactVariance) / exactVariance < 1e-10)
        do {
            try merged.merge(NumericProfile(name: "x", values: [1], edges: [0, 1]))
            Issue.record("expected an error")
        } catch {
            #expect(error.description == "column x: the histogram edges differ (5 against 2 edges, or their values)")
        }
        do {
            _ = try NumericProfile(name: "y", edges: [0, 2, 1])
            Issue.record("expected an error")
        } catch {
            #expect(error.description == "column y: edges decrease at 2: 2.0 then 1.0")
        }
        do {
            _ = try NumericProfile(name: "y", edges: [1])
            Issue.record("expected an error")
        } catch {
            #expect(error.description == "column y: one edge makes no bin; give none or at least two")
        }
    }

    @Test("categorical profile from codes: first-seen order, missing, union on merge, bad codes")
    func categorical() throws {
        let codes: [UInt32] = [2, 0, 2, .max, 0, 2]
        var p = try codes.withUnsafeBufferPointer {
            try CategoricalProfile(name: "colour", codes: $0, levelNames: ["red", "green", "blue"])
        }
        #expect(p.levels == ["blue", "red"] && p.counts == [3, 2] && p.missing == 1 && p.count == 5)
        try p.merge(CategoricalProfile(name: "colour", levels: ["green", "red"], counts: [4, 1], missing: 2))
        #expect(p.levels == ["blue", "red", "green"] && p.counts == [3, 3, 4] && p.missing == 3)
        let other: [UInt32] = [0, 7]
        do {
            _ = try other.withUnsafeBufferPointer { try CategoricalProfile(name: "colour", codes: $0, levelNames: ["red"]) }
            Issue.record("expected an error")
        } catch {
            #expect("\(error)" == "column colour: row 1 has level code 7 but there are 1 levels")
        }
        var column = ColumnProfile.categorical(p)
        do {
            try column.merge(.numeric(NumericProfile(name: "colour", edges: [])))
            Issue.record("expected an error")
        } catch {
            #expect(error.description == "column colour: cannot merge a numeric profile into a categorical one")
        }
    }

    static func table(shift: Double = 0, colours: [String?] = ["red", "blue", nil, "red"]) throws -> Table {
        let n = 100
        let colourColumn = (0..<n).map { colours[$0 % colours.count] }
        return try Table([
            (name: "x", column: .numeric(NumericColumn((1...n).map { Double($0) + shift }))),
            (name: "ties", column: .numeric(NumericColumn((0..<n).map { $0 < 90 ? 0 : Double($0) }))),
            (name: "colour", column: .categorical(CategoricalColumn(colourColumn))),
            (name: "flag", column: .boolean(BooleanColumn((0..<n).map { $0 % 3 == 0 ? true : $0 % 3 == 1 ? false : nil }))),
            (name: "note", column: .text(TextColumn((0..<n).map { _ in "text" }))),
        ])
    }

    @Test("DataProfile.make: quantile edges, levels, booleans, text skipped; like a reference; errors")
    func tableProfiles() throws {
        let reference = try DataProfile.make(table: Self.table(), bins: 4)
        #expect(reference.columnNames == ["x", "ties", "colour", "flag"] && reference.rowCount == 100)
        guard case .numeric(let x)? = reference["x"], case .numeric(let ties)? = reference["ties"],
              case .categorical(let colour)? = reference["colour"], case .categorical(let flag)? = reference["flag"] else {
            Issue.record("kinds"); return
        }
        // min, the 25th, 50th and 75th values (inverted CDF), max.
        #expect(x.edges == [1, 25, 50, 75, 100])
        #expect(x.binCounts == [25, 25, 25, 25])
        // 90 zeros: the quantiles at 1/4, 2/4, 3/4 are all 0; the edges stay distinct.
        #expect(ties.edges == [0, 99] && ties.binCounts == [100])
        #expect(colour.levels == ["red", "blue"] && colour.counts == [50, 25] && colour.missing == 25)
        #expect(flag.levels == ["true", "false"] && flag.counts == [34, 33] && flag.missing == 33)

        let current = try DataProfile.make(table: Self.table(shift: 50, colours: ["green", "blue", "red"]), like: reference)
        guard case .numeric(let cx)? = current["x"], case .categorical(let cc)? = current["colour"] else {
            Issue.record("kinds"); return
        }
        #expect(cx.edges == x.edges && cx.binCounts == [0, 0, 25, 25] && cx.overflow == 50)
        #expect(cc.levels == ["red", "blue", "green"] && cc.counts == [33, 33, 34])

        var merged = reference
        try merged.merge(try DataProfile.make(table: Self.table(), like: reference))
        #expect(merged.rowCount == 200)
        guard case .numeric(let mx)? = merged["x"] else { Issue.record("kind"); return }
        #expect(mx.binCounts == [50, 50, 50, 50])

        do {
            _ = try DataProfile.make(table: Self.table(), columns: ["note"])
            Issue.record("expected an error")
        } catch {
            #expect("\(error)" == "column note is text; only numeric, categorical and boolean columns are profiled")
        }
        do {
            _ = try DataProfile.make(table: Self.table(), columns: ["nope"])
            Issue.record("expected an error")
        } catch {
            #expect("\(error)" == "no column named nope")
        }
        let changed = try Table([(name: "x", column: .categorical(CategoricalColumn(["a"])))])
        let onlyX = try DataProfile.make(table: Self.table(), columns: ["x"])
        do {
            _ = try DataProfile.make(table: changed, like: onlyX)
            Issue.record("expected an error")
        } catch {
            #expect(error.description == "column x: the reference profile is numeric but the column is categorical")
        }
        do {
            var copy = onlyX
            try copy.merge(reference)
            Issue.record("expected an error")
        } catch {
            #expect(error.description == "column ties: only one of the profiles has this column")
        }
    }

    @Test("DataProfile Codable round trip; newer versions and inconsistent profiles refused")
    func codable() throws {
        var profile = try DataProfile.make(table: Self.table(), bins: 4)
        profile.predictions = .numeric(try NumericProfile(name: "prediction", values: [0.1, 0.9], edges: [0, 0.5, 1]))
        let data = try JSONEncoder().encode(profile)
        #expect(try JSONDecoder().decode(DataProfile.self, from: data) == profile)
        let newer = String(decoding: data, as: UTF8.self).replacingOccurrences(of: #""version":1"#, with: #""version":2"#)
        do {
            _ = try JSONDecoder().decode(DataProfile.self, from: Data(newer.utf8))
            Issue.record("expected an error")
        } catch let DecodingError.dataCorrupted(context) {
            #expect(context.debugDescription == "profile format version 2 is newer than this reader (1)")
        }
        let numeric = try NumericProfile(name: "x", values: [1, 2], edges: [0, 5])
        let text = String(decoding: try JSONEncoder().encode(numeric), as: UTF8.self)
            .replacingOccurrences(of: #""binCounts":[2]"#, with: #""binCounts":[2,0]"#)
        do {
            _ = try JSONDecoder().decode(NumericProfile.self, from: Data(text.utf8))
            Issue.record("expected an error")
        } catch let DecodingError.dataCorrupted(context) {
            #expect(context.debugDescription == "column x: the counts, bins (2 for 2 edges), moments and sketch disagree")
        }
    }

    @Test("size of a 28-feature reference profile (100k rows)")
    func size() throws {
        var columns = [(name: String, column: Column)]()
        for feature in 0..<28 {
            let values = ProfileSamples.values(feature % 2 == 0 ? "normal" : "lognormal", count: 100_000, seed: UInt64(feature))
            columns.append((name: "f\(feature)", column: .numeric(NumericColumn(values))))
        }
        let profile = try DataProfile.make(table: Table(columns))
        let json = try JSONEncoder().encode(profile)
        let items = profile.columns.reduce(0) { total, column in
            if case .numeric(let p) = column { return total + p.sketch.retainedCount }
            return total
        }
        print("28-feature profile: \(json.count) bytes of JSON, \(items) sketch items (\(items * 8) bytes as doubles)")
        #expect(json.count < 28 * 16_000)
    }
}
