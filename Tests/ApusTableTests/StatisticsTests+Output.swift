import Foundation
import Testing
@testable import ApusTable

/// The text form of a profile (JSON is in ApusServiceTests).
extension StatisticsTests {
    static func smallTable() throws -> Table {
        try Table([
            ("x", .numeric(NumericColumn([1, 2, 3, nil]))),
            ("city", .categorical(CategoricalColumn(["Oslo", "Rome", "Oslo", "Oslo"]))),
            ("flag", .boolean(BooleanColumn([true, nil, false, true]))),
            ("comment", .text(TextColumn(["a very long comment that goes on and on", "line\nbreak", nil, ""]))),
            ("opened", .timestamp(TimestampColumn(secondsSinceEpoch: [
                TimestampParsing.parse("2024-03-01"), TimestampParsing.parse("2024-03-03T12:00:00Z"), nil, nil,
            ]))),
        ])
    }

    @Test func textRenderingShowsOneAlignedLinePerColumn() throws {
        let text = try Self.smallTable().profile().renderText(title: "data.csv", levelWidth: 12)
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        #expect(lines[0] == "data.csv: 4 rows × 5 columns")
        #expect(lines[1].hasPrefix("column   kind") && lines[1].hasSuffix("distinct  top"))
        #expect(lines.count == 9 && lines[8].isEmpty)
        let x = lines[3], city = lines[4], flag = lines[5], comment = lines[6], opened = lines[7]
        #expect(x.hasPrefix("x ") && x.contains("1 (25%)") && x.contains("  2  "))
        #expect(city.contains("categorical") && city.contains("Oslo (3), Rome (1)"))
        #expect(flag.contains("1 (25%)") && flag.hasSuffix("true (2), false (1)"))
        #expect(comment.contains("a very long… (1)") && comment.contains(#"line\nbreak (1)"#) && comment.contains(#""" (1)"#))
        #expect(opened.contains("2024-03-01") && opened.contains("2024-03-03T12:00:00Z") && opened.contains("1.77d"))
        let distinctEnd = Array(lines[1]).count - "  top".count - 1
        for line in lines[3...7] {  // right-aligned: the counts end under the end of "distinct"
            let characters = Array(line)
            #expect(characters[distinctEnd] != " " && characters.dropFirst(distinctEnd + 1).first ?? " " == " ")
        }
    }

    @Test func textRenderingMarksEstimates() throws {
        var profiler = StreamingProfiler(configuration: .init(sampleSize: 10, exactDistinctLimit: 10))
        try profiler.add(Table([("x", .numeric(NumericColumn((0..<100).map(Double.init))))]))
        let profile = profiler.profile()
        let text = profile.renderText()
        let distinct = try #require(profile.columns[0].distinct)
        let median = try #require(profile.columns[0].median)
        #expect(text.hasPrefix("100 rows × 1 column\n"))
        #expect(text.contains("≈\(distinct)") && text.contains("≈" + NumberFormatting.significant(median)) && text.contains("≈ estimated"))
    }
}
